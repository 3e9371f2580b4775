package model

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// planted makes learners who each like one of g groups of items: a learner
// interacts with items of their group (and a little noise). The held-out
// items of their group should rank above items of other groups.
func planted(seed uint64, users, items, groups, perUser int) (*Matrix, *Builder, func(u, i int) bool) {
	rng := rand.New(rand.NewPCG(seed, 2))
	b := NewBuilder()
	for i := 0; i < items; i++ {
		b.Items.Add(itemID(i))
	}
	group := func(i int) int { return i % groups }
	for u := 0; u < users; u++ {
		g := u % groups
		for n := 0; n < perUser; n++ {
			i := rng.IntN(items/groups)*groups + g
			if rng.Float64() < 0.1 {
				i = rng.IntN(items)
			}
			b.Add(userID(u), itemID(i), 1, time.Unix(0, 0))
		}
	}
	return b.Build(), b, func(u, i int) bool { return group(i) == u%groups }
}

func TestALSRanksALearnersGroupFirst(t *testing.T) {
	m, b, likes := planted(1, 300, 90, 3, 15)
	f, err := ALS(context.Background(), m, ALSOptions{Factors: 8, Iterations: 8, Seed: 1, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var good, pairs int
	for u := 0; u < m.Rows; u++ {
		uu, _ := b.Users.Index(userID(u))
		seen, _ := m.Row(int(uu))
		for i := 0; i < m.NCols; i++ {
			for j := 0; j < m.NCols; j++ {
				if slices.Contains(seen, int32(i)) || slices.Contains(seen, int32(j)) || !likes(u, i) || likes(u, j) {
					continue
				}
				pairs++
				if f.Score(f.User(uu), int32(i)) > f.Score(f.User(uu), int32(j)) {
					good++
				}
			}
		}
	}
	if auc := float64(good) / float64(pairs); auc < 0.9 {
		t.Errorf("AUC of unseen in-group over out-of-group items = %.3f, want ≥ 0.9", auc)
	}
}

func TestALSDoesNotDependOnWorkers(t *testing.T) {
	m, _, _ := planted(2, 30, 40, 2, 6)
	a, err := ALS(context.Background(), m, ALSOptions{Factors: 4, Iterations: 3, Seed: 5, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ALS(context.Background(), m, ALSOptions{Factors: 4, Iterations: 3, Seed: 5, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Users, b.Users) || !slices.Equal(a.Items, b.Items) {
		t.Fatal("factors differ between 1 and 4 workers")
	}
}

func TestFoldInPlacesALearnerWhereTrainingWould(t *testing.T) {
	m, b, likes := planted(3, 300, 90, 3, 15)
	f, err := ALS(context.Background(), m, ALSOptions{Factors: 8, Iterations: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A new learner with five items of group 1 gets group 1 first.
	var hist []Weighted
	for i := 1; len(hist) < 5; i += 3 {
		hist = append(hist, Weighted{Item: int32(i), Weight: 1})
	}
	u := f.FoldIn(hist, nil)
	top := f.Retrieve(u, nil, 10, NewTopK(10), func(i int32) bool { return slices.ContainsFunc(hist, func(h Weighted) bool { return h.Item == i }) })
	in := 0
	for _, s := range top {
		if likes(1, int(s.ID)) {
			in++
		}
	}
	if in < 9 {
		t.Errorf("%d of the folded-in learner's top 10 are in their group, want ≥ 9", in)
	}
	// Folding in a trained learner from their own row lands near their vector.
	uu, _ := b.Users.Index(userID(4))
	cols, vals := m.Row(int(uu))
	var own []Weighted
	for k, c := range cols {
		own = append(own, Weighted{Item: c, Weight: vals[k]})
	}
	v := f.FoldIn(own, nil)
	if cos := cosine(v, f.User(uu)); cos < 0.95 {
		t.Errorf("cosine between folded-in and trained vector = %.3f, want ≥ 0.95", cos)
	}
}

func cosine(a, b []float32) float64 {
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return d / (sqrt(na)*sqrt(nb) + 1e-12)
}
