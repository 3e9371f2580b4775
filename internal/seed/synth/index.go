package synth

import (
	"math"
	"sort"
	"time"
)

// zipfExponent shapes popularity within a topic and language: the item at rank r
// is shown in proportion to 1/(r+1)^s.
const zipfExponent = 1.05

// index finds items for the simulation.
type index struct {
	// lists holds, per leaf and language (leaf*len(languages)+lang), the items in
	// popularity order: rank 0 first.
	lists [][]int32
	zipf  cumulative // over ranks, shared by every list (each uses a prefix)
	// byCreator holds each creator's items in creation order.
	byCreator [][]int32
	// leafPop is how likely exploration lands on each leaf: its share of items.
	leafPop cumulative
	created []int64 // the items' creation times, increasing
}

func (g *Generator) index() *index {
	nl := len(languages)
	x := &index{lists: make([][]int32, len(g.leaves)*nl), byCreator: make([][]int32, len(g.creators)),
		created: make([]int64, len(g.items))}
	counts := make([]float64, len(g.leaves))
	for i, m := range g.items {
		k := int(m.leaf)*nl + int(m.lang)
		x.lists[k] = append(x.lists[k], int32(i))
		x.byCreator[m.creator] = append(x.byCreator[m.creator], int32(i))
		x.created[i] = m.created
		counts[m.leaf]++
	}
	r := newRand(g.cfg.Seed, streamRanks, 0)
	longest := 1
	for _, list := range x.lists {
		r.Shuffle(len(list), func(a, b int) { list[a], list[b] = list[b], list[a] })
		for rank, i := range list {
			g.items[i].rank = int32(rank)
		}
		longest = max(longest, len(list))
	}
	x.zipf = newCumulative(zipfWeights(longest, zipfExponent))
	for j := range counts {
		counts[j] = math.Max(counts[j], 0.5)
	}
	x.leafPop = newCumulative(counts)
	return x
}

// available is how many items exist at t: items [0, available) do.
func (x *index) available(t time.Time) int {
	v := ms(t)
	return sort.Search(len(x.created), func(i int) bool { return x.created[i] > v })
}

// list is the items of a leaf in a language.
func (x *index) list(leaf, lang int) []int32 { return x.lists[leaf*len(languages)+lang] }
