package rank

import (
	"math"
	"math/rand/v2"
)

// betaSample draws from Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b).
func betaSample(rng *rand.Rand, a, b float64) float64 {
	a, b = math.Max(a, 1e-3), math.Max(b, 1e-3)
	x := gammaSample(rng, a)
	y := gammaSample(rng, b)
	if x+y == 0 {
		return a / (a + b)
	}
	return x / (x + y)
}

// gammaSample draws from Gamma(a, 1) by Marsaglia and Tsang's method (2000);
// for a < 1 it draws Gamma(a+1) and scales by U^(1/a).
func gammaSample(rng *rand.Rand, a float64) float64 {
	if a < 1 {
		u := rng.Float64()
		return gammaSample(rng, a+1) * math.Pow(u, 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
