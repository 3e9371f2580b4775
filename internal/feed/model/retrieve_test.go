package model

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestClusteredRetrievalFindsMostOfTheExactTop: on a catalogue large enough
// for the cluster index, probing the best clusters finds most of what a full
// scan finds, and the sequential copy of the vectors changes nothing.
func TestClusteredRetrievalFindsMostOfTheExactTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const items, k = 8000, 16
	f := &Factors{K: k, Items: make([]float32, items*k)}
	// Items around 40 directions, as trained factors cluster by taste.
	dirs := make([][]float32, 40)
	for d := range dirs {
		dirs[d] = make([]float32, k)
		for x := range dirs[d] {
			dirs[d][x] = float32(rng.NormFloat64())
		}
	}
	for i := 0; i < items; i++ {
		d := dirs[rng.IntN(len(dirs))]
		for x := 0; x < k; x++ {
			f.Items[i*k+x] = d[x] + 0.3*float32(rng.NormFloat64())
		}
	}
	cl, err := BuildClusters(context.Background(), f, 1, 2)
	if err != nil || cl == nil {
		t.Fatalf("clusters %v, %v", cl, err)
	}
	plain := *cl
	plain.Vectors = nil
	skip := func(i int32) bool { return i%7 == 0 }
	var found, total int
	for q := 0; q < 30; q++ {
		u := f.Item(int32(rng.IntN(items)))
		exact := slices.Clone(f.Retrieve(u, nil, 50, NewTopK(50), skip))
		approx := slices.Clone(f.Retrieve(u, cl, 50, NewTopK(50), skip))
		if other := f.Retrieve(u, &plain, 50, NewTopK(50), skip); !slices.Equal(approx, other) {
			t.Fatal("retrieval differs with and without the sequential vectors")
		}
		for _, e := range approx {
			if skip(e.ID) {
				t.Fatalf("retrieved skipped item %d", e.ID)
			}
			if slices.ContainsFunc(exact, func(x Scored) bool { return x.ID == e.ID }) {
				found++
			}
		}
		total += len(exact)
	}
	if recall := float64(found) / float64(total); recall < 0.8 {
		t.Errorf("clustered retrieval finds %.2f of the exact top 50, want ≥ 0.8", recall)
	}
}
