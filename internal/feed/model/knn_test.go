package model

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// randomMatrix makes a small users × items matrix with weights 1–3.
func randomMatrix(seed uint64, users, items int, density float64) *Matrix {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := NewBuilder()
	for i := 0; i < items; i++ {
		b.Items.Add(itemID(i))
	}
	for u := 0; u < users; u++ {
		for i := 0; i < items; i++ {
			if rng.Float64() < density {
				b.Add(userID(u), itemID(i), float32(1+rng.IntN(3)), time.Unix(int64(u*items+i), 0))
			}
		}
	}
	return b.Build()
}

func itemID(i int) string { return "i" + string(rune('A'+i/26)) + string(rune('a'+i%26)) }
func userID(u int) string { return "u" + string(rune('A'+u/26)) + string(rune('a'+u%26)) }

// TestItemKNNMatchesBruteForceCosine checks the sparse computation against
// cosine with shrinkage written out over dense columns.
func TestItemKNNMatchesBruteForceCosine(t *testing.T) {
	m := randomMatrix(1, 40, 30, 0.2)
	const shrink = 2
	lists, err := ItemKNN(context.Background(), m, KNNOptions{K: 5, Shrink: shrink, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	dense := make([][]float64, m.NCols) // item × user
	for i := range dense {
		dense[i] = make([]float64, m.Rows)
	}
	for u := 0; u < m.Rows; u++ {
		cols, vals := m.Row(u)
		for k, c := range cols {
			dense[c][u] = float64(vals[k])
		}
	}
	cos := func(a, b int) float64 {
		var d, na, nb float64
		for u := range dense[a] {
			d += dense[a][u] * dense[b][u]
			na += dense[a][u] * dense[a][u]
			nb += dense[b][u] * dense[b][u]
		}
		return d / (math.Sqrt(na)*math.Sqrt(nb) + shrink)
	}
	for i := 0; i < m.NCols; i++ {
		ids, sims := lists.Of(int32(i))
		// Every listed neighbour has its brute-force similarity, in order, and
		// no unlisted item beats the last one.
		for k, j := range ids {
			if j == int32(i) {
				t.Fatalf("item %d is its own neighbour", i)
			}
			if want := cos(i, int(j)); math.Abs(want-float64(sims[k])) > 1e-4 {
				t.Fatalf("sim(%d,%d) = %v, want %v", i, j, sims[k], want)
			}
			if k > 0 && sims[k] > sims[k-1] {
				t.Fatalf("item %d's list is not sorted", i)
			}
		}
		if len(ids) < 5 {
			continue
		}
		for j := 0; j < m.NCols; j++ {
			if j != i && !containsID(ids, int32(j)) && cos(i, j) > float64(sims[len(sims)-1])+1e-5 {
				t.Fatalf("item %d misses neighbour %d (%v > %v)", i, j, cos(i, j), sims[len(sims)-1])
			}
		}
	}
}

func containsID(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestAccumulatorSumsAndRemembersTheStrongestContributor(t *testing.T) {
	l := &Lists{Ptr: []int32{0, 2, 3, 3}, IDs: []int32{1, 2, 2}, Scores: []float32{0.5, 0.2, 0.9}}
	a := NewAccumulator(3)
	a.AddLists(l, []Weighted{{Item: 0, Weight: 1}, {Item: 1, Weight: 0.5}, {Item: 7, Weight: 1}})
	if a.Score(1) != 0.5 || math.Abs(float64(a.Score(2))-(0.2+0.45)) > 1e-6 {
		t.Fatalf("scores %v %v", a.Score(1), a.Score(2))
	}
	if a.From(2) != 1 { // 0.5·0.9 = 0.45 beats 1·0.2
		t.Errorf("strongest contributor to item 2 = %d, want 1", a.From(2))
	}
	top := a.Top(1, NewTopK(1), nil)
	if len(top) != 1 || top[0].ID != 2 {
		t.Errorf("top = %v", top)
	}
	a.Reset()
	for i := int32(0); i < 3; i++ {
		if a.Score(i) != 0 || a.From(i) != -1 {
			t.Fatalf("reset left item %d at %v/%d", i, a.Score(i), a.From(i))
		}
	}
	// Two channels in one pass: A from positive signals, B from views; the
	// strongest contribution is judged on A where there is one.
	a.AddLists2(l, []Weighted2{{Item: 0, A: 0, B: 1}, {Item: 1, A: 0.5, B: 1}})
	if a.Score(2) != 0.45 || math.Abs(float64(a.ScoreB(2))-1.1) > 1e-6 || a.From(2) != 1 {
		t.Errorf("two channels: A %v, B %v, from %d", a.Score(2), a.ScoreB(2), a.From(2))
	}
	if top := a.TopB(1, NewTopK(1), nil); len(top) != 1 || top[0].ID != 2 {
		t.Errorf("top of B = %v", top)
	}
}
