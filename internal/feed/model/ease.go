package model

import (
	"context"
	"errors"
	"fmt"
)

// ErrTooLarge is returned when a model would need more memory than allowed.
var ErrTooLarge = errors.New("catalogue too large for this model")

// DefaultEASEMaxItems is EASEOptions.MaxItems by default.
const DefaultEASEMaxItems = 20000

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
		o.MaxItems = DefaultEASEMaxItems
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
// block Gauss-Jordan elimination without pivoting (safe for SPD matrices):
// each block of 32 pivots costs one pass over the matrix instead of 32, which
// keeps the work in cache rather than in memory bandwidth. Rows are updated
// in parallel on w goroutines.
func invertSPD(ctx context.Context, a []float64, n, w int) error {
	const bs = 32
	tmp := make([]float64, bs*n)
	p := make([]float64, bs*bs)
	for k0 := 0; k0 < n; k0 += bs {
		if err := ctx.Err(); err != nil {
			return err
		}
		k1 := min(k0+bs, n)
		b := k1 - k0
		// P = A_KK⁻¹.
		for r := 0; r < b; r++ {
			copy(p[r*b:(r+1)*b], a[(k0+r)*n+k0:(k0+r)*n+k1])
		}
		if err := invertSmall(p[:b*b], b); err != nil {
			return fmt.Errorf("pivot block at %d: %w", k0, err)
		}
		// tmp = P·A_K· (the pivot rows, all columns).
		t := tmp[:b*n]
		clear(t)
		for r := 0; r < b; r++ {
			for s := 0; s < b; s++ {
				axpy64(p[r*b+s], a[(k0+s)*n:(k0+s+1)*n], t[r*n:(r+1)*n])
			}
		}
		err := parallel(ctx, n, w, 16, func(_, lo, hi int) {
			f := make([]float64, b)
			for i := lo; i < hi; i++ {
				if i >= k0 && i < k1 {
					continue
				}
				ri := a[i*n : (i+1)*n]
				copy(f, ri[k0:k1])
				s := 0
				for ; s+4 <= b; s += 4 {
					axpy4(f[s], f[s+1], f[s+2], f[s+3], t[s*n:(s+1)*n], t[(s+1)*n:(s+2)*n], t[(s+2)*n:(s+3)*n], t[(s+3)*n:(s+4)*n], ri)
				}
				for ; s < b; s++ {
					axpy64(-f[s], t[s*n:(s+1)*n], ri)
				}
				// A_iK = −A_iK·P.
				for r := 0; r < b; r++ {
					var v float64
					for s := 0; s < b; s++ {
						v -= f[s] * p[s*b+r]
					}
					ri[k0+r] = v
				}
			}
		})
		if err != nil {
			return err
		}
		for r := 0; r < b; r++ {
			row := a[(k0+r)*n : (k0+r+1)*n]
			copy(row, t[r*n:(r+1)*n])
			copy(row[k0:k1], p[r*b:(r+1)*b])
		}
	}
	return nil
}

// invertSmall inverts a small SPD matrix in place by plain Gauss-Jordan.
func invertSmall(a []float64, n int) error {
	for k := 0; k < n; k++ {
		piv := a[k*n+k]
		if !(piv > 0) {
			return fmt.Errorf("matrix is not positive definite")
		}
		rk := a[k*n : (k+1)*n]
		for j := range rk {
			rk[j] /= piv
		}
		rk[k] = 1 / piv
		for i := 0; i < n; i++ {
			if i == k {
				continue
			}
			ri := a[i*n : (i+1)*n]
			f := ri[k]
			ri[k] = 0
			axpy64(-f, rk, ri)
		}
	}
	return nil
}

func axpy64(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for j, v := range x {
		y[j] += alpha * v
	}
}

// axpy4 subtracts four scaled rows at once: y −= a·x + b·w + c·v + d·u,
// reading y once for four rows' worth of work.
func axpy4(a, b, c, d float64, x, w, v, u, y []float64) {
	y = y[:len(x)]
	w, v, u = w[:len(x)], v[:len(x)], u[:len(x)]
	for j := range x {
		y[j] -= a*x[j] + b*w[j] + c*v[j] + d*u[j]
	}
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
