package model

// Weighted is an item of a learner's history with how much it counts: the
// strength of the signal times the recency weight. Negative weights (a skip)
// push the item's neighbours down.
type Weighted struct {
	Item   int32
	Weight float32
}

// Accumulator sums neighbour lists over a weighted history into dense scores,
// touching only the items reached, so one can be reused across requests at the
// cost of the items the last request touched. It remembers, for every item,
// which history entry contributed most: the "because you finished …" of an
// explanation.
type Accumulator struct {
	Score   []float32
	From    []int32 // index into the history of the strongest contribution
	best    []float32
	Touched []int32
}

// NewAccumulator returns an accumulator over n items.
func NewAccumulator(n int) *Accumulator {
	a := &Accumulator{Score: make([]float32, n), From: make([]int32, n), best: make([]float32, n)}
	for i := range a.From {
		a.From[i] = -1
	}
	return a
}

// Reset clears what the last use touched.
func (a *Accumulator) Reset() {
	for _, i := range a.Touched {
		a.Score[i], a.From[i], a.best[i] = 0, -1, 0
	}
	a.Touched = a.Touched[:0]
}

// AddLists adds, for every history entry h and every neighbour j of h.Item in
// lists, h.Weight × sim(h.Item, j) to j's score. Items outside the
// accumulator's range are ignored.
func (a *Accumulator) AddLists(lists *Lists, history []Weighted) {
	n := int32(len(a.Score))
	for hi, h := range history {
		ids, sims := lists.Of(h.Item)
		for k, j := range ids {
			if j < 0 || j >= n {
				continue
			}
			c := h.Weight * sims[k]
			if a.From[j] < 0 {
				a.Touched = append(a.Touched, j)
				a.From[j] = int32(hi)
				a.best[j] = c
			} else if c > a.best[j] {
				a.From[j] = int32(hi)
				a.best[j] = c
			}
			a.Score[j] += c
		}
	}
}

// Top selects the k best positive scores among touched items, skipping those
// skip reports (nil skips none), using t as scratch.
func (a *Accumulator) Top(k int, t *TopK, skip func(int32) bool) []Scored {
	t.Reset(k)
	for _, j := range a.Touched {
		s := a.Score[j]
		if s <= 0 {
			continue
		}
		if m, full := t.Min(); full && s < m {
			continue
		}
		if skip != nil && skip(j) {
			continue
		}
		t.Push(j, s)
	}
	return t.Sorted()
}
