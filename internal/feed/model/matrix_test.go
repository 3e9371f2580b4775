package model

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

func TestBuilderMergesRepeatsAndDropsNonPositive(t *testing.T) {
	b := NewBuilder()
	t0 := time.Unix(1000, 0)
	b.Add("u1", "b", 1, t0)
	b.Add("u1", "a", 2, t0)
	b.Add("u1", "b", 0.5, t0.Add(time.Hour))
	b.Add("u2", "a", 0, t0)                   // dropped
	b.Add("u2", "c", float32(math.NaN()), t0) // dropped
	b.Add("u3", "c", 3, t0.Add(-time.Hour))
	m := b.Build()
	if err := m.check(); err != nil {
		t.Fatal(err)
	}
	u1, _ := b.Users.Index("u1")
	cols, vals := m.Row(int(u1))
	ia, _ := b.Items.Index("a")
	ib, _ := b.Items.Index("b")
	if !slices.Equal(cols, []int32{min(ia, ib), max(ia, ib)}) {
		t.Fatalf("row of u1: %v", cols)
	}
	for k, c := range cols {
		want := map[int32]float32{ia: 2, ib: 1.5}[c]
		if vals[k] != want {
			t.Errorf("u1 × %s = %v, want %v", b.Items.ID(c), vals[k], want)
		}
	}
	// The repeated entry keeps the latest time.
	if k := slices.Index(cols, ib); m.Times[m.Ptr[u1]+int64(k)] != t0.Add(time.Hour).Unix() {
		t.Errorf("u1 × b time = %d", m.Times[m.Ptr[u1]+int64(k)])
	}
	if m.NNZ() != 3 {
		t.Errorf("%d entries, want 3", m.NNZ())
	}
	tr := m.Transpose()
	if tr.Rows != m.NCols || tr.NNZ() != m.NNZ() {
		t.Fatalf("transpose %d×%d with %d", tr.Rows, tr.NCols, tr.NNZ())
	}
	users, _ := tr.Row(int(ia))
	if len(users) != 1 {
		t.Errorf("item a has %d users, want 1 (u2's zero row dropped)", len(users))
	}
}

func TestTopKKeepsTheBestWithStableTies(t *testing.T) {
	top := NewTopK(3)
	for i, s := range []float32{0.1, 0.9, 0.5, 0.9, 0.2, 0.7} {
		top.Push(int32(i), s)
	}
	got := top.Sorted()
	want := []Scored{{1, 0.9}, {3, 0.9}, {5, 0.7}}
	if !slices.Equal(got, want) {
		t.Fatalf("top 3 = %v, want %v", got, want)
	}
}

func TestParallelCoversEveryIndexOnce(t *testing.T) {
	seen := make([]int32, 1000)
	err := parallel(context.Background(), len(seen), 4, 7, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			seen[i]++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("index %d visited %d times", i, n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := parallel(ctx, 10, 2, 1, func(_, _, _ int) {}); err == nil {
		t.Error("a cancelled context did not stop the loop")
	}
}
