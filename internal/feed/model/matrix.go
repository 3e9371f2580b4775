package model

import (
	"fmt"
	"slices"
	"time"
)

// Matrix is a sparse users × items matrix in compressed sparse row form: the
// entries of row u are Cols[Ptr[u]:Ptr[u+1]] with their Values (and Times when
// kept), sorted by column. It is the only shape training reads.
type Matrix struct {
	Rows, NCols int
	Ptr         []int64   // len Rows+1
	Cols        []int32   // column of each entry
	Values      []float32 // weight of each entry (> 0)
	Times       []int64   // Unix seconds of the entry's latest row; nil when not kept
}

// Row returns the columns and values of row u.
func (m *Matrix) Row(u int) ([]int32, []float32) {
	a, b := m.Ptr[u], m.Ptr[u+1]
	return m.Cols[a:b], m.Values[a:b]
}

// NNZ is the number of stored entries.
func (m *Matrix) NNZ() int { return len(m.Cols) }

// Transpose returns the items × users matrix, with times when m has them.
func (m *Matrix) Transpose() *Matrix {
	t := &Matrix{Rows: m.NCols, NCols: m.Rows, Ptr: make([]int64, m.NCols+1),
		Cols: make([]int32, len(m.Cols)), Values: make([]float32, len(m.Values))}
	if m.Times != nil {
		t.Times = make([]int64, len(m.Times))
	}
	for _, c := range m.Cols {
		t.Ptr[c+1]++
	}
	for i := 0; i < m.NCols; i++ {
		t.Ptr[i+1] += t.Ptr[i]
	}
	next := slices.Clone(t.Ptr[:m.NCols])
	for u := 0; u < m.Rows; u++ {
		for k := m.Ptr[u]; k < m.Ptr[u+1]; k++ {
			c := m.Cols[k]
			p := next[c]
			next[c]++
			t.Cols[p] = int32(u)
			t.Values[p] = m.Values[k]
			if m.Times != nil {
				t.Times[p] = m.Times[k]
			}
		}
	}
	return t
}

// Row is one interaction: a user, an item, a positive weight and when it
// happened. Rows with a weight ≤ 0 are ignored by Build.
type Row struct {
	User, Item string
	Weight     float32
	At         time.Time
}

// Builder collects interactions and turns them into a Matrix with dense index
// maps. Repeated (user, item) rows add their weights and keep the latest time.
type Builder struct {
	Users, Items *Dict
	u, i         []int32
	w            []float32
	t            []int64
}

// NewBuilder returns an empty builder. Items known beforehand (the catalogue,
// so that items without interactions still get an index) can be added to
// b.Items before any row.
func NewBuilder() *Builder { return &Builder{Users: NewDict(), Items: NewDict()} }

// Add records one interaction.
func (b *Builder) Add(user, item string, weight float32, at time.Time) {
	if !(weight > 0) { // also drops NaN
		return
	}
	b.u = append(b.u, b.Users.Add(user))
	b.i = append(b.i, b.Items.Add(item))
	b.w = append(b.w, weight)
	b.t = append(b.t, at.Unix())
}

// Len is the number of rows added.
func (b *Builder) Len() int { return len(b.u) }

// Build returns the matrix of what was added, users × items over the builder's
// dictionaries.
func (b *Builder) Build() *Matrix {
	rows, cols := b.Users.Len(), b.Items.Len()
	m := &Matrix{Rows: rows, NCols: cols, Ptr: make([]int64, rows+1)}
	// Counting sort by user, then each row sorted by item and merged.
	for _, u := range b.u {
		m.Ptr[u+1]++
	}
	for u := 0; u < rows; u++ {
		m.Ptr[u+1] += m.Ptr[u]
	}
	order := make([]int32, len(b.u))
	next := slices.Clone(m.Ptr[:rows])
	for k, u := range b.u {
		order[next[u]] = int32(k)
		next[u]++
	}
	m.Cols = make([]int32, 0, len(order))
	m.Values = make([]float32, 0, len(order))
	m.Times = make([]int64, 0, len(order))
	ptr := make([]int64, rows+1)
	for u := 0; u < rows; u++ {
		seg := order[m.Ptr[u]:m.Ptr[u+1]]
		slices.SortStableFunc(seg, func(x, y int32) int { return int(b.i[x]) - int(b.i[y]) })
		for _, k := range seg {
			n := len(m.Cols)
			if n > int(ptr[u]) && m.Cols[n-1] == b.i[k] {
				m.Values[n-1] += b.w[k]
				m.Times[n-1] = max(m.Times[n-1], b.t[k])
				continue
			}
			m.Cols = append(m.Cols, b.i[k])
			m.Values = append(m.Values, b.w[k])
			m.Times = append(m.Times, b.t[k])
		}
		ptr[u+1] = int64(len(m.Cols))
	}
	m.Ptr = ptr
	return m
}

// check reports a malformed matrix; training calls it so that a caller's
// hand-made matrix cannot make it index out of range.
func (m *Matrix) check() error {
	if m == nil || m.Rows < 0 || m.NCols < 0 || len(m.Ptr) != m.Rows+1 || m.Ptr[0] != 0 {
		return fmt.Errorf("matrix: bad shape")
	}
	if int(m.Ptr[m.Rows]) != len(m.Cols) || len(m.Values) != len(m.Cols) || (m.Times != nil && len(m.Times) != len(m.Cols)) {
		return fmt.Errorf("matrix: %d entries for %d pointers", len(m.Cols), m.Ptr[m.Rows])
	}
	for u := 0; u < m.Rows; u++ {
		if m.Ptr[u+1] < m.Ptr[u] {
			return fmt.Errorf("matrix: row %d has a negative length", u)
		}
	}
	for k, c := range m.Cols {
		if c < 0 || int(c) >= m.NCols {
			return fmt.Errorf("matrix: entry %d has column %d of %d", k, c, m.NCols)
		}
		if !(m.Values[k] > 0) {
			return fmt.Errorf("matrix: entry %d has weight %v", k, m.Values[k])
		}
	}
	return nil
}
