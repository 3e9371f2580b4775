package model

import (
	"cmp"
	"slices"
)

// exactBelow: catalogues this small are scanned whole, without clusters.
const exactBelow = 4096

// Retrieve returns up to n items with the highest predicted preference for
// vector u, skipping those skip reports (nil skips none), using t as scratch.
// With clusters it scores the centroids and scans the members of the best
// clusters until it has looked at max(12n, 1000) items: approximate, at a small
// fraction of a full scan's cost; without (or for small catalogues) it scans
// every item.
func (f *Factors) Retrieve(u []float32, cl *Clusters, n int, t *TopK, skip func(int32) bool) []Scored {
	t.Reset(n)
	if len(u) != f.K || n <= 0 {
		return t.Sorted()
	}
	items := f.NumItems()
	// Score first and ask skip only about items that would enter the top: skip
	// usually reads the caller's per-item state, scattered in memory.
	push := func(i int32) {
		s := dot(u, f.Item(i))
		if m, full := t.Min(); full && s <= m {
			return
		}
		if skip != nil && skip(i) {
			return
		}
		t.Push(i, s)
	}
	if cl == nil || cl.K != f.K || items < exactBelow || len(cl.Ptr) < 2 {
		for i := 0; i < items; i++ {
			push(int32(i))
		}
		return t.Sorted()
	}
	nc := len(cl.Ptr) - 1
	order := make([]Scored, nc)
	for c := 0; c < nc; c++ {
		order[c] = Scored{int32(c), dot(u, cl.Centroids[c*f.K:(c+1)*f.K])}
	}
	slices.SortFunc(order, func(a, b Scored) int {
		if d := cmp.Compare(b.Score, a.Score); d != 0 {
			return d
		}
		return cmp.Compare(a.ID, b.ID)
	})
	budget := max(12*n, 1000)
	seq := len(cl.Vectors) == len(cl.Members)*f.K
	for _, o := range order {
		if budget <= 0 {
			break
		}
		lo, hi := cl.Ptr[o.ID], cl.Ptr[o.ID+1]
		for p := lo; p < hi; p++ {
			i := cl.Members[p]
			if i < 0 || int(i) >= items {
				continue
			}
			if !seq {
				push(i)
				continue
			}
			s := dot(u, cl.Vectors[int(p)*f.K:int(p+1)*f.K])
			if m, full := t.Min(); full && s <= m {
				continue
			}
			if skip == nil || !skip(i) {
				t.Push(i, s)
			}
		}
		budget -= int(hi - lo)
	}
	return t.Sorted()
}
