package synth

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Streams split one seed into independent sources, so that what one part draws
// never shifts another: the catalogue does not change when the number of
// learners does, and learner i's history depends on nothing but the seed, the
// catalogue, their profile and their share of the events.
const (
	streamCatalogue = iota + 1
	streamRanks
	streamText // plus the item's index
	streamLearners
	streamHistory // plus the learner's index
)

// newRand returns the source for one stream (and one index within it) of a seed.
func newRand(seed, stream, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(mix(seed^stream*0x9e3779b97f4a7c15), mix(index+stream<<40)))
}

// mix is SplitMix64's finaliser: nearby inputs give unrelated outputs.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func between(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// logNormal draws around median; sigma 0.7 puts two thirds within half and
// double the median.
func logNormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// gamma draws from Gamma(alpha, 1) by Marsaglia and Tsang's method.
func gamma(r *rand.Rand, alpha float64) float64 {
	if alpha < 1 {
		// Gamma(a) = Gamma(a+1)·U^(1/a).
		return gamma(r, alpha+1) * math.Pow(r.Float64(), 1/alpha)
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// beta draws from a Beta distribution with the given mean and concentration
// (a + b): the larger the concentration, the tighter around the mean.
func beta(r *rand.Rand, mean, concentration float64) float64 {
	x := gamma(r, mean*concentration)
	y := gamma(r, (1-mean)*concentration)
	if x+y == 0 {
		return mean
	}
	return x / (x + y)
}

// dirichlet draws n weights summing to 1; alpha below 1 concentrates them on a
// few of the n, above 1 spreads them out.
func dirichlet(r *rand.Rand, n int, alpha float64) []float64 {
	w := make([]float64, n)
	sum := 0.0
	for i := range w {
		w[i] = gamma(r, alpha) + 1e-6
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// cumulative picks an index with probability proportional to its weight, in
// logarithmic time.
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

func (c cumulative) pick(r *rand.Rand) int { return c.pickPrefix(r, len(c)) }

// pickPrefix picks among the first n indexes only.
func (c cumulative) pickPrefix(r *rand.Rand, n int) int {
	u := r.Float64() * c[n-1]
	return min(sort.SearchFloat64s(c[:n], u), n-1)
}

// zipfWeights are 1/(rank+1)^s for ranks 0..n-1.
func zipfWeights(n int, s float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(i+1), -s)
	}
	return w
}

// weighted returns an index with probability proportional to its weight (linear
// time, for short lists).
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
