package model

import (
	"cmp"
	"slices"
)

// Lists holds one short scored list per row (an item's nearest items, a user's
// best items), best first: the entries of row r are IDs[Ptr[r]:Ptr[r+1]] with
// their Scores. Serving reads only these, never the matrices they came from.
type Lists struct {
	Ptr    []int32 // len rows+1
	IDs    []int32
	Scores []float32
}

// Len is the number of rows.
func (l *Lists) Len() int {
	if l == nil || len(l.Ptr) == 0 {
		return 0
	}
	return len(l.Ptr) - 1
}

// Of returns row r's list; empty when r is out of range or l is nil.
func (l *Lists) Of(r int32) ([]int32, []float32) {
	if l == nil || r < 0 || int(r) >= l.Len() {
		return nil, nil
	}
	a, b := l.Ptr[r], l.Ptr[r+1]
	return l.IDs[a:b], l.Scores[a:b]
}

// Scored is an index with a score.
type Scored struct {
	ID    int32
	Score float32
}

// listBuilder appends rows in order.
type listBuilder struct{ l Lists }

func newListBuilder(rows, perRow int) *listBuilder {
	b := &listBuilder{}
	b.l.Ptr = make([]int32, 1, rows+1)
	b.l.IDs = make([]int32, 0, rows*perRow)
	b.l.Scores = make([]float32, 0, rows*perRow)
	return b
}

func (b *listBuilder) add(row []Scored) {
	for _, s := range row {
		b.l.IDs = append(b.l.IDs, s.ID)
		b.l.Scores = append(b.l.Scores, s.Score)
	}
	b.l.Ptr = append(b.l.Ptr, int32(len(b.l.IDs)))
}

// TopK keeps the k highest-scored entries pushed into it: a min-heap on score,
// ties broken by the smaller ID so results never depend on push order.
type TopK struct {
	k int
	h []Scored
}

// NewTopK returns a selector of the k best.
func NewTopK(k int) *TopK { return &TopK{k: k, h: make([]Scored, 0, k)} }

// Reset empties the selector for reuse with a new k.
func (t *TopK) Reset(k int) { t.k, t.h = k, t.h[:0] }

// worse orders entries: a is worse than b.
func worse(a, b Scored) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	return a.ID > b.ID
}

// Push offers one entry.
func (t *TopK) Push(id int32, score float32) {
	if t.k <= 0 {
		return
	}
	s := Scored{id, score}
	if len(t.h) < t.k {
		t.h = append(t.h, s)
		t.up(len(t.h) - 1)
		return
	}
	if !worse(t.h[0], s) {
		return
	}
	t.h[0] = s
	t.down(0)
}

// Min is the score an entry must beat to get in once the selector is full.
func (t *TopK) Min() (float32, bool) {
	if len(t.h) < t.k || len(t.h) == 0 {
		return 0, false
	}
	return t.h[0].Score, true
}

// Sorted returns the kept entries best first, in a slice the selector owns: it
// is valid until the next Reset, and Reset must come before the next Push.
func (t *TopK) Sorted() []Scored {
	slices.SortFunc(t.h, func(a, b Scored) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return t.h
}

func (t *TopK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(t.h[i], t.h[p]) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *TopK) down(i int) {
	n := len(t.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && worse(t.h[r], t.h[l]) {
			m = r
		}
		if !worse(t.h[m], t.h[i]) {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}
