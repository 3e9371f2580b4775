package seed

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// Streams split one seed into independent sources, so the catalogue does not
// change when the number of learners does, and each learner's behaviour is
// its own.
const (
	streamCreators = iota + 1
	streamCatalogue
	streamLearners
	streamSimulation // plus the learner's index
)

// newRand returns the source for one stream of a seed.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15^(stream*0xbf58476d1ce4e5b9)))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted returns an index with probability proportional to its weight.
func weighted(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// cumulative picks from many weights in logarithmic time.
type cumulative []float64

func newCumulative(w []float64) cumulative {
	c := make(cumulative, len(w))
	sum := 0.0
	for i, x := range w {
		sum += x
		c[i] = sum
	}
	return c
}

func (c cumulative) pick(r *rand.Rand) int {
	u := r.Float64() * c[len(c)-1]
	return min(sort.SearchFloat64s(c, u), len(c)-1)
}

// logNormal draws around median: sigma 0.7 puts two thirds within half and
// double the median.
func logNormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

func between(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// ms is a duration in milliseconds drawn between lo and hi seconds.
func ms(r *rand.Rand, lo, hi float64) time.Duration {
	return time.Duration(between(r, lo, hi)*1000) * time.Millisecond
}

// dirichlet draws n weights summing to 1, flat (alpha 1): some learners care
// about one topic, others spread out.
func dirichlet(r *rand.Rand, n int) []float64 {
	w := make([]float64, n)
	sum := 0.0
	for i := range w {
		w[i] = r.ExpFloat64() + 1e-9
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// at truncates to milliseconds, which both database engines keep exactly.
func at(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
