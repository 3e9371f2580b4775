package synth

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Learner mix.
var (
	interestCounts = []float64{0.3, 0.35, 0.25, 0.1} // 1 to 4 interests
	minorShare     = 0.15
	driftShare     = 0.35
	siblingChance  = 0.5 // a further interest is a sibling of the first
)

// dirichletAlpha below 1 makes most learners care about one or two of their
// topics much more than the rest.
const dirichletAlpha = 0.8

func (g *Generator) makeLearners() []Learner {
	r := newRand(g.cfg.Seed, streamLearners, 0)
	out := make([]Learner, g.cfg.Learners)
	activity := make([]float64, len(out))
	year := g.cfg.Now.Year()
	joinSpan := time.Duration(g.cfg.Days)*24*time.Hour/3 + 7*24*time.Hour
	for i := range out {
		l := Learner{Index: i, Username: fmt.Sprintf("learner%d", i+1), Email: fmt.Sprintf("learner%d@%s", i+1, EmailDomain),
			Language: languages[weighted(r, langWeights)]}
		l.CreatedAt = g.start.Add(-7 * 24 * time.Hour).Add(time.Duration(r.Float64() * float64(joinSpan))).Truncate(time.Millisecond)
		minor := chance(r, minorShare)
		level := 0.45
		if minor {
			l.BirthYear, level = year-13-r.IntN(5), 0.35
		} else {
			l.BirthYear = year - 18 - r.IntN(45)
		}
		l.Level = 1 + 4*beta(r, level, 4)
		topics := g.drawTopics(r, 1+weighted(r, interestCounts), nil)
		l.Interests = g.interests(r, topics)
		if chance(r, driftShare) {
			l.DriftAt = g.start.Add(time.Duration(between(r, 0.3, 0.8) * float64(g.cfg.Now.Sub(g.start)))).Truncate(time.Millisecond)
			l.Drifted = g.drift(r, topics)
		}
		activity[i] = logNormal(r, 1, 1)
		out[i] = l
	}
	for i, n := range budgets(activity, g.cfg.Events) {
		out[i].Events = n
	}
	return out
}

// drawTopics picks n distinct leaves not in avoid: the first by popularity, each
// further one often a sibling of the first, so interests cluster as people's do.
func (g *Generator) drawTopics(r *rand.Rand, n int, avoid []int) []int {
	n = min(n, len(g.leaves)-len(avoid))
	var out []int
	for len(out) < n {
		j := -1
		if len(out) > 0 && chance(r, siblingChance) {
			if sib := g.siblings(out[0]); len(sib) > 0 {
				j = sib[r.IntN(len(sib))]
			}
		}
		if j < 0 {
			j = g.catalog.leafPop.pick(r)
		}
		if !slices.Contains(out, j) && !slices.Contains(avoid, j) {
			out = append(out, j)
		}
	}
	return out
}

// interests weighs topics with a Dirichlet draw, heaviest first.
func (g *Generator) interests(r *rand.Rand, topics []int) []Interest {
	w := dirichlet(r, len(topics), dirichletAlpha)
	slices.Sort(w)
	slices.Reverse(w)
	out := make([]Interest, len(topics))
	for k, j := range topics {
		out[k] = Interest{Topic: g.leaves[j].slug, Weight: w[k]}
	}
	return out
}

// drift replaces the learner's weakest interest (or, with one, adds to it) with a
// new topic, which becomes the strongest.
func (g *Generator) drift(r *rand.Rand, topics []int) []Interest {
	kept := topics
	if len(kept) > 1 {
		kept = kept[:len(kept)-1]
	}
	fresh := g.drawTopics(r, 1, topics)
	if len(fresh) == 0 {
		return g.interests(r, topics)
	}
	return g.interests(r, append([]int{fresh[0]}, kept...))
}

// budgets splits total events in proportion to activity, exactly: the floors
// first, then one more to the largest remainders (ties to the lower index).
func budgets(activity []float64, total int) []int {
	out := make([]int, len(activity))
	if len(activity) == 0 {
		return out
	}
	sum := 0.0
	for _, a := range activity {
		sum += a
	}
	type rem struct {
		i    int
		frac float64
	}
	rems := make([]rem, len(activity))
	given := 0
	for i, a := range activity {
		share := float64(total) * a / sum
		out[i] = int(math.Floor(share))
		given += out[i]
		rems[i] = rem{i, share - math.Floor(share)}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.frac, a.frac) })
	for k := 0; given < total; k = (k + 1) % len(rems) {
		out[rems[k].i]++
		given++
	}
	return out
}
