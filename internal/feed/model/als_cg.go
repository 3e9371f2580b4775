package model

// Solver holds the scratch vectors of one least-squares row solve, so folding
// in many learners (or solving many rows) allocates nothing per row. A Solver
// is not safe for concurrent use.
type Solver struct {
	r, p, ap, yx []float32
	cols         []int32
	vals         []float32
}

// NewSolver returns scratch space for K-dimensional rows.
func NewSolver(k int) *Solver {
	return &Solver{r: make([]float32, k), p: make([]float32, k), ap: make([]float32, k), yx: make([]float32, k)}
}

// apply sets out = (G + λI + Σ_i (c_i − 1)·y_i·y_iᵀ)·v, the implicit-ALS normal
// matrix of one row times v, without forming the matrix.
func (s *Solver) apply(out, v, g, y []float32, cols []int32, vals []float32, alpha, lambda float32) {
	k := len(v)
	matVec(g, v, out)
	axpy(lambda, v, out)
	for n, i := range cols {
		yi := y[int(i)*k : int(i+1)*k]
		axpy(alpha*vals[n]*dot(yi, v), yi, out)
	}
}

// solve improves x toward the solution of
//
//	(G + λI + Σ_i (c_i − 1)·y_i·y_iᵀ)·x = Σ_i c_i·y_i,  c_i = 1 + alpha·vals_i,
//
// by conjugate-gradient steps from x's current value.
func (s *Solver) solve(x, g, y []float32, cols []int32, vals []float32, alpha, lambda float32, steps int) {
	k := len(x)
	r, p, ap := s.r, s.p, s.ap
	// r = b − A·x
	s.apply(ap, x, g, y, cols, vals, alpha, lambda)
	for a := range r {
		r[a] = -ap[a]
	}
	for n, i := range cols {
		axpy(1+alpha*vals[n], y[int(i)*k:int(i+1)*k], r)
	}
	copy(p, r)
	rs := dot(r, r)
	for step := 0; step < steps && rs > 1e-10; step++ {
		s.apply(ap, p, g, y, cols, vals, alpha, lambda)
		pap := dot(p, ap)
		if !(pap > 0) {
			return
		}
		a := rs / pap
		axpy(a, p, x)
		axpy(-a, ap, r)
		next := dot(r, r)
		beta := next / rs
		for d := range p {
			p[d] = r[d] + beta*p[d]
		}
		rs = next
	}
}
