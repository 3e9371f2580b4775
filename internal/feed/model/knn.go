package model

import (
	"context"
	"fmt"
	"math"
)

// KNNOptions tune item-to-item cosine neighbours.
type KNNOptions struct {
	K        int     // neighbours kept per item (default 50)
	Shrink   float32 // added to the norm product, damping pairs seen by few learners (default 10)
	MinCount int     // pairs co-engaged by fewer learners are not neighbours (default 1)
	Workers  int     // goroutines (default: one per core)
}

func (o KNNOptions) withDefaults() KNNOptions {
	if o.K <= 0 {
		o.K = 50
	}
	if o.Shrink < 0 {
		o.Shrink = 0
	} else if o.Shrink == 0 {
		o.Shrink = 10
	}
	o.MinCount = max(o.MinCount, 1)
	return o
}

// ItemKNN computes, for every item (column of m), its K most similar items by
// cosine similarity of their columns with shrinkage:
//
//	sim(i, j) = Σ_u r_ui·r_uj / (‖r_i‖·‖r_j‖ + shrink)
//
// It costs Σ_u |row u|² multiply-adds (every pair of items a learner shares),
// spread over the workers; each worker needs two arrays of one entry per item.
func ItemKNN(ctx context.Context, m *Matrix, o KNNOptions) (*Lists, error) {
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("item knn: %w", err)
	}
	o = o.withDefaults()
	t := m.Transpose()
	norm := make([]float32, m.NCols)
	for i := 0; i < t.Rows; i++ {
		_, vals := t.Row(i)
		var s float64
		for _, v := range vals {
			s += float64(v) * float64(v)
		}
		norm[i] = float32(math.Sqrt(s))
	}
	w := workers(o.Workers)
	type scratch struct {
		acc     []float32
		cnt     []int32
		touched []int32
		top     *TopK
	}
	sc := make([]*scratch, w)
	for k := range sc {
		sc[k] = &scratch{acc: make([]float32, m.NCols), cnt: make([]int32, m.NCols), top: NewTopK(o.K)}
	}
	rows := make([][]Scored, m.NCols)
	err := parallel(ctx, m.NCols, w, 64, func(worker, lo, hi int) {
		s := sc[worker]
		for i := lo; i < hi; i++ {
			users, a := t.Row(i)
			for x, u := range users {
				items, b := m.Row(int(u))
				for y, j := range items {
					if s.cnt[j] == 0 {
						s.touched = append(s.touched, j)
					}
					s.acc[j] += a[x] * b[y]
					s.cnt[j]++
				}
			}
			s.top.Reset(o.K)
			for _, j := range s.touched {
				if int(j) != i && int(s.cnt[j]) >= o.MinCount {
					if sim := s.acc[j] / (norm[i]*norm[j] + o.Shrink); sim > 0 {
						s.top.Push(j, sim)
					}
				}
				s.acc[j], s.cnt[j] = 0, 0
			}
			s.touched = s.touched[:0]
			rows[i] = append([]Scored(nil), s.top.Sorted()...)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("item knn: %w", err)
	}
	b := newListBuilder(m.NCols, o.K)
	for _, r := range rows {
		b.add(r)
	}
	return &b.l, nil
}
