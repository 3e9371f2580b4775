package model

import (
	"context"
	"math"
	"math/rand/v2"
)

// BuildClusters partitions item vectors into about √items clusters by k-means
// (inner product to unit centroids, a few rounds on a sample, then one full
// assignment), for Retrieve. Catalogues below a few thousand items need none:
// Retrieve scans them whole, and BuildClusters returns nil.
func BuildClusters(ctx context.Context, f *Factors, seed uint64, w int) (*Clusters, error) {
	n := f.NumItems()
	if n < exactBelow {
		return nil, nil
	}
	k := f.K
	nc := min(1024, int(math.Sqrt(float64(n))))
	rng := rand.New(rand.NewPCG(seed, 0xc1c1))
	sample := rng.Perm(n)[:min(n, 40*nc)]
	cent := make([]float32, nc*k)
	for c := 0; c < nc; c++ {
		copy(cent[c*k:(c+1)*k], f.Item(int32(sample[c])))
	}
	normalize := func() {
		for c := 0; c < nc; c++ {
			v := cent[c*k : (c+1)*k]
			if s := float32(math.Sqrt(float64(dot(v, v)))); s > 0 {
				for d := range v {
					v[d] /= s
				}
			}
		}
	}
	assign := func(ids []int, out []int32) error {
		return parallel(ctx, len(ids), workers(w), 256, func(_, lo, hi int) {
			for x := lo; x < hi; x++ {
				v := f.Item(int32(ids[x]))
				best, bs := int32(0), float32(math.Inf(-1))
				for c := 0; c < nc; c++ {
					if s := dot(v, cent[c*k:(c+1)*k]); s > bs {
						best, bs = int32(c), s
					}
				}
				out[x] = best
			}
		})
	}
	normalize()
	of := make([]int32, len(sample))
	for round := 0; round < 5; round++ {
		if err := assign(sample, of); err != nil {
			return nil, err
		}
		clear(cent)
		for x, c := range of {
			axpy(1, f.Item(int32(sample[x])), cent[int(c)*k:int(c+1)*k])
		}
		normalize()
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	of = make([]int32, n)
	if err := assign(all, of); err != nil {
		return nil, err
	}
	cl := &Clusters{K: k, Centroids: cent, Ptr: make([]int32, nc+1), Members: make([]int32, n)}
	for _, c := range of {
		cl.Ptr[c+1]++
	}
	for c := 0; c < nc; c++ {
		cl.Ptr[c+1] += cl.Ptr[c]
	}
	next := append([]int32(nil), cl.Ptr[:nc]...)
	for i, c := range of {
		cl.Members[next[c]] = int32(i)
		next[c]++
	}
	cl.Vectors = make([]float32, 0, n*k)
	for _, i := range cl.Members {
		cl.Vectors = append(cl.Vectors, f.Item(i)...)
	}
	return cl, nil
}
