package eval

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/lyolearn/lyo/internal/feed/model"
)

// A recommender answers the protocol's question for one scored user: up to k
// items of the training catalogue, none of the user's own training items.
type recommender interface {
	name() string
	recommend(u, k int) []string
}

// popularity ranks items by how many training users have them.
type popularity struct {
	t     *trainSet
	order []int32
}

func newPopularity(t *trainSet) *popularity {
	p := &popularity{t: t}
	pop := model.Popularity(t.m)
	for i := range pop {
		p.order = append(p.order, int32(i))
	}
	slices.SortStableFunc(p.order, func(a, b int32) int { return cmp.Compare(pop[b], pop[a]) })
	return p
}

func (p *popularity) name() string { return "popularity" }

func (p *popularity) recommend(u, k int) []string {
	skip := p.t.skipOwn(u)
	out := make([]string, 0, k)
	for _, i := range p.order {
		if len(out) == k {
			break
		}
		if !skip(i) {
			out = append(out, p.t.items.ID(i))
		}
	}
	return out
}

// itemKNN scores an item by the sum of its cosine similarities to the user's
// training items (K neighbours per item).
type itemKNN struct {
	t     *trainSet
	lists *model.Lists
	acc   *model.Accumulator
	top   *model.TopK
}

func newItemKNN(ctx context.Context, t *trainSet, o model.KNNOptions) (*itemKNN, error) {
	l, err := model.ItemKNN(ctx, t.m, o)
	if err != nil {
		return nil, fmt.Errorf("itemknn: %w", err)
	}
	return &itemKNN{t: t, lists: l, acc: model.NewAccumulator(t.m.NCols), top: model.NewTopK(20)}, nil
}

func (m *itemKNN) name() string { return "itemknn" }

func (m *itemKNN) recommend(u, k int) []string {
	m.acc.Reset()
	m.acc.AddLists(m.lists, m.t.history(u))
	return m.t.ids(m.acc.Top(k, m.top, m.t.skipOwn(u)))
}

// latent scores items by the trained ALS factors alone.
type latent struct {
	t   *trainSet
	f   *model.Factors
	top *model.TopK
}

func (m *latent) name() string { return "als" }

func (m *latent) recommend(u, k int) []string {
	return m.t.ids(m.f.Retrieve(m.f.User(int32(u)), nil, k, m.top, m.t.skipOwn(u)))
}

// ease scores items by the dense EASE weights.
type ease struct {
	t      *trainSet
	e      *model.EASE
	scores []float32
	top    *model.TopK
}

func (m *ease) name() string { return "ease" }

func (m *ease) recommend(u, k int) []string {
	m.e.Scores(m.t.history(u), m.scores)
	skip := m.t.skipOwn(u)
	m.top.Reset(k)
	for i, s := range m.scores {
		if !skip(int32(i)) {
			m.top.Push(int32(i), s)
		}
	}
	return m.t.ids(m.top.Sorted())
}
