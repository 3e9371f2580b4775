package model

// Weighted is an item of a learner's history with how much it counts: the
// strength of the signal times the recency weight. Negative weights (a skip)
// push the item's neighbours down.
type Weighted struct {
	Item   int32
	Weight float32
}

// Weighted2 is a history item with weights in two channels (a learner's
// positive signals and their views), accumulated in one pass.
type Weighted2 struct {
	Item int32
	A, B float32
}

// cell is one item's sums: both channels, the strongest single contribution
// and where it came from, side by side so one cache line serves an update
// (the arrays span the whole catalogue and are touched at random).
type cell struct {
	a, b, best float32
	from       int32
}

// Accumulator sums neighbour lists over a weighted history into per-item
// scores in two channels (A, B), touching only the items reached, so one can
// be reused across requests at the cost of the items the last request
// touched. It remembers, for every item, which history entry contributed most:
// the "because you finished …" of an explanation.
type Accumulator struct {
	cells   []cell
	Touched []int32
}

// NewAccumulator returns an accumulator over n items.
func NewAccumulator(n int) *Accumulator {
	a := &Accumulator{cells: make([]cell, n)}
	for i := range a.cells {
		a.cells[i].from = -1
	}
	return a
}

// Len is the number of items.
func (a *Accumulator) Len() int { return len(a.cells) }

// Fit makes a reset accumulator span n items, keeping its cells when they
// are enough: cells beyond the span were cleared by Reset, so they are clean
// when a later Fit spans them again.
func (a *Accumulator) Fit(n int) {
	if n <= cap(a.cells) {
		a.cells = a.cells[:n]
		return
	}
	a.cells = make([]cell, n)
	for i := range a.cells {
		a.cells[i].from = -1
	}
}

// Score is item j's sum in channel A.
func (a *Accumulator) Score(j int32) float32 { return a.cells[j].a }

// ScoreB is item j's sum in channel B.
func (a *Accumulator) ScoreB(j int32) float32 { return a.cells[j].b }

// From is the index into the history of item j's strongest contribution
// (channel A first, then B); −1 when nothing reached j.
func (a *Accumulator) From(j int32) int32 { return a.cells[j].from }

// Reset clears what the last use touched.
func (a *Accumulator) Reset() {
	for _, i := range a.Touched {
		a.cells[i] = cell{from: -1}
	}
	a.Touched = a.Touched[:0]
}

// AddLists adds, for every history entry h and every neighbour j of h.Item in
// lists, h.Weight × sim(h.Item, j) to j's channel A. Items outside the
// accumulator's range are ignored.
func (a *Accumulator) AddLists(lists *Lists, history []Weighted) {
	n := int32(len(a.cells))
	for hi, h := range history {
		ids, sims := lists.Of(h.Item)
		for k, j := range ids {
			if j < 0 || j >= n {
				continue
			}
			c := &a.cells[j]
			v := h.Weight * sims[k]
			if c.from < 0 {
				a.Touched = append(a.Touched, j)
				c.from, c.best = int32(hi), v
			} else if v > c.best {
				c.from, c.best = int32(hi), v
			}
			c.a += v
		}
	}
}

// AddLists2 is AddLists for both channels at once. The strongest
// contribution is judged on channel A when the entry has one, else on B.
func (a *Accumulator) AddLists2(lists *Lists, history []Weighted2) {
	n := int32(len(a.cells))
	for hi, h := range history {
		ids, sims := lists.Of(h.Item)
		w := h.A
		if w <= 0 {
			w = h.B * 1e-3 // a view explains less than any positive signal
		}
		for k, j := range ids {
			if j < 0 || j >= n {
				continue
			}
			c := &a.cells[j]
			s := sims[k]
			v := w * s
			if c.from < 0 {
				a.Touched = append(a.Touched, j)
				c.from, c.best = int32(hi), v
			} else if v > c.best {
				c.from, c.best = int32(hi), v
			}
			c.a += h.A * s
			c.b += h.B * s
		}
	}
}

// Top selects the k best positive channel-A scores among touched items,
// skipping those skip reports (nil skips none), using t as scratch.
func (a *Accumulator) Top(k int, t *TopK, skip func(int32) bool) []Scored {
	return a.top(k, t, skip, false)
}

// TopB is Top on channel B.
func (a *Accumulator) TopB(k int, t *TopK, skip func(int32) bool) []Scored {
	return a.top(k, t, skip, true)
}

func (a *Accumulator) top(k int, t *TopK, skip func(int32) bool, b bool) []Scored {
	t.Reset(k)
	for _, j := range a.Touched {
		s := a.cells[j].a
		if b {
			s = a.cells[j].b
		}
		if s <= 0 {
			continue
		}
		if m, full := t.Min(); full && s <= m {
			continue
		}
		if skip != nil && skip(j) {
			continue
		}
		t.Push(j, s)
	}
	return t.Sorted()
}
