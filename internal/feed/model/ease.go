package model

import (
	"context"
	"errors"
	"fmt"
)

// ErrTooLarge is returned when a model would need more memory than allowed.
var ErrTooLarge = errors.New("catalogue too large for this model")

// EASEOptions tune EASE.
type EASEOptions struct {
	Lambda float64 // L2 regularisation on the diagonal (default 200)
	// MaxItems bounds the catalogue (default 20,000). EASE holds one dense
	// items × items matrix of float64: 8·n² bytes, 3.2 GB at 20,000 items, and
	// inverting it costs n³ multiply-adds (see the benchmarks for the time).
	MaxItems int
	Workers  int
}

func (o EASEOptions) withDefaults() EASEOptions {
	if !(o.Lambda > 0) {
		o.Lambda = 200
	}
	if o.MaxItems <= 0 {
		o.MaxItems = 20000
	}
	return o
}

// EASE is a trained EASE model (Steck 2019): an items × items weight matrix B
// with a zero diagonal, a learner's score for item j being Σ_i x_i·B[i][j].
type EASE struct {
	N int
	B []float32 // row-major N × N
}

// EASEBytes is the memory TrainEASE needs for n items.
func EASEBytes(n int) int64 { return 8*int64(n)*int64(n) + 4*int64(n)*int64(n) }

// TrainEASE fits EASE in closed form: G = XᵀX + λI, P = G⁻¹,
// B = I − P·diag(1/diag(P)). X is binary (any entry counts 1), as in the
// paper. A catalogue above MaxItems is ErrTooLarge.
func TrainEASE(ctx context.Context, m *Matrix, o EASEOptions) (*EASE, error) {
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("ease: %w", err)
	}
	o = o.withDefaults()
	n := m.NCols
	if n > o.MaxItems {
		return nil, fmt.Errorf("ease over %d items (at most %d, %d MB): %w", n, o.MaxItems, EASEBytes(n)>>20, ErrTooLarge)
	}
	g := make([]float64, n*n)
	for u := 0; u < m.Rows; u++ {
		cols, _ := m.Row(u)
		for _, a := range cols {
			row := g[int(a)*n:]
			for _, b := range cols {
				row[b]++
			}
		}
	}
	for i := 0; i < n; i++ {
		g[i*n+i] += o.Lambda
	}
	if err := invertSPD(ctx, g, n, workers(o.Workers)); err != nil {
		return nil, fmt.Errorf("ease: %w", err)
	}
	e := &EASE{N: n, B: make([]float32, n*n)}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j {
				e.B[i*n+j] = float32(-g[i*n+j] / g[j*n+j])
			}
		}
	}
	return e, nil
}

// invertSPD inverts the symmetric positive definite n × n matrix a in place by
// Gauss-Jordan elimination without pivoting (safe for SPD matrices), each
// pivot's row updates spread over w goroutines.
func invertSPD(ctx context.Context, a []float64, n, w int) error {
	pivot := make([]float64, n)
	for k := 0; k < n; k++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := a[k*n+k]
		if !(p > 0) {
			return fmt.Errorf("matrix is not positive definite at %d", k)
		}
		rk := a[k*n : k*n+n]
		for j := range rk {
			rk[j] /= p
		}
		rk[k] = 1 / p
		copy(pivot, rk)
		err := parallel(ctx, n, w, 64, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				if i == k {
					continue
				}
				ri := a[i*n : i*n+n]
				f := ri[k]
				if f == 0 {
					continue
				}
				ri[k] = 0
				for j, v := range pivot {
					ri[j] -= f * v
				}
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Scores sets out[j] = Σ_h h.Weight·B[h.Item][j] for every item.
func (e *EASE) Scores(history []Weighted, out []float32) {
	clear(out)
	for _, h := range history {
		if h.Item < 0 || int(h.Item) >= e.N {
			continue
		}
		axpy(h.Weight, e.B[int(h.Item)*e.N:int(h.Item+1)*e.N], out)
	}
}

// Lists keeps each item's k largest positive weights: the sparse form serving
// uses like neighbour lists.
func (e *EASE) Lists(k int) *Lists {
	b := newListBuilder(e.N, k)
	t := NewTopK(k)
	for i := 0; i < e.N; i++ {
		t.Reset(k)
		for j, v := range e.B[i*e.N : (i+1)*e.N] {
			if v > 0 {
				t.Push(int32(j), v)
			}
		}
		b.add(t.Sorted())
	}
	return &b.l
}
