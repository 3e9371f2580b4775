package model

import "math"

// dot is the inner product of equal-length vectors, four lanes at a time (the
// compiler keeps the lanes in registers, which is most of the speed of the
// training loops).
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy adds alpha·x to y.
func axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
	}
	for ; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}

// gram returns FᵀF for the n × k row-major matrix f, as a k × k row-major matrix,
// summed in float64 so a large catalogue does not lose precision.
func gram(f []float32, k int) []float32 {
	acc := make([]float64, k*k)
	for off := 0; off+k <= len(f); off += k {
		row := f[off : off+k]
		for a, va := range row {
			if va == 0 {
				continue
			}
			dst := acc[a*k : a*k+k]
			for b := a; b < k; b++ {
				dst[b] += float64(va) * float64(row[b])
			}
		}
	}
	g := make([]float32, k*k)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			g[a*k+b] = float32(acc[a*k+b])
			g[b*k+a] = g[a*k+b]
		}
	}
	return g
}

// matVec sets out = M·x for the k × k row-major matrix m.
func matVec(m []float32, x, out []float32) {
	k := len(x)
	for a := 0; a < k; a++ {
		out[a] = dot(m[a*k:a*k+k], x)
	}
}

func sqrt(x float64) float64 { return math.Sqrt(x) }
