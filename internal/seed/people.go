package seed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/access"
)

// generator holds what the steps of Generate share.
type generator struct {
	cfg          Config
	start        time.Time // Now − Days
	window       time.Duration
	usernames    map[string]bool
	creatorSpecs []creatorSpec
	learnerSpecs []learnerSpec
	items        []itemFacts // parallel to Dataset.Items
	series       [][]int     // per series, its items in episode order
}

type creatorSpec struct {
	leaves []int     // specialities, the main one first
	share  []float64 // of their items, per speciality
	volume float64   // how prolific, relative to others
	lang   string
}

type learnerSpec struct {
	interest []float64 // per leaf; sums to 1
	top      []int     // leaves by interest, highest first
	speaks   map[string]bool
	activity float64 // relative number of sessions
	joined   time.Time
}

func newGenerator(cfg Config) *generator {
	window := time.Duration(cfg.Days) * 24 * time.Hour
	return &generator{cfg: cfg, start: cfg.Now.Add(-window), window: window, usernames: map[string]bool{}}
}

func leafWeights() []float64 {
	w := make([]float64, len(leaves))
	for i, l := range leaves {
		w[i] = l.weight
	}
	return w
}

// related picks a leaf close to base (same cluster) half the time, any leaf
// otherwise, never one already in have; ok is false when it found none.
func related(r *rand.Rand, base int, have []int, allowed func(int) bool) (int, bool) {
	w := leafWeights()
	var in, out float64
	for i := range w {
		switch {
		case slices.Contains(have, i) || !allowed(i):
			w[i] = 0
		case leaves[i].cluster() == leaves[base].cluster():
			in += w[i]
		default:
			out += w[i]
		}
	}
	if in+out == 0 {
		return 0, false
	}
	if in > 0 && out > 0 {
		for i := range w {
			if leaves[i].cluster() == leaves[base].cluster() {
				w[i] *= out / in
			}
		}
	}
	return weighted(r, w), true
}

// username makes a unique handle in one of a few common shapes.
func (g *generator) username(r *rand.Rand, creator bool) string {
	first, last := pick(r, firstNames), pick(r, lastNames)
	var u string
	switch {
	case creator || chance(r, 0.4):
		u = first + "." + last
	case chance(r, 0.5):
		u = fmt.Sprintf("%s%s%d", first, last[:1], 10+r.IntN(90))
	default:
		u = fmt.Sprintf("%s_%s", first, last)
	}
	for n := 2; g.usernames[u]; n++ {
		u = fmt.Sprintf("%s.%s%d", first, last, n)
	}
	g.usernames[u] = true
	return u
}

// sortedTimes draws n times in [lo, hi) in increasing order, so index order is
// creation order.
func sortedTimes(r *rand.Rand, n int, lo, hi time.Time) []time.Time {
	ts := make([]time.Time, n)
	for i := range ts {
		ts[i] = at(lo.Add(time.Duration(r.Float64() * float64(hi.Sub(lo)))))
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

func (g *generator) creators() []Person {
	r := newRand(g.cfg.Seed, streamCreators)
	perm := r.Perm(len(leaves)) // the first creators cover every topic once
	times := sortedTimes(r, g.cfg.Creators, g.start.Add(-60*24*time.Hour), g.start.Add(-24*time.Hour))
	out := make([]Person, g.cfg.Creators)
	g.creatorSpecs = make([]creatorSpec, g.cfg.Creators)
	for i := range out {
		main := weighted(r, leafWeights())
		if i < len(perm) {
			main = perm[i]
		}
		l := leaves[main]
		lang := "en"
		switch {
		case l.slug == "spanish" && chance(r, 0.4), len(l.es) > 0 && chance(r, 0.12):
			lang = "es"
		case l.slug == "japanese" && chance(r, 0.5), len(l.ja) > 0 && chance(r, 0.08):
			lang = "ja"
		}
		spec := creatorSpec{leaves: []int{main}, volume: logNormal(r, 1, 0.7), lang: lang}
		for range r.IntN(3) {
			more, ok := related(r, main, spec.leaves, func(i int) bool { return lang == "en" || len(bank(leaves[i], lang)) > 0 })
			if !ok {
				break
			}
			spec.leaves = append(spec.leaves, more)
		}
		interests := map[string]float64{}
		spec.share = make([]float64, len(spec.leaves))
		for j, li := range spec.leaves {
			switch {
			case len(spec.leaves) == 1:
				spec.share[j] = 1
			case j == 0:
				spec.share[j] = 0.6
			default:
				spec.share[j] = 0.4 / float64(len(spec.leaves)-1)
			}
			interests[leaves[li].slug] = spec.share[j]
		}
		g.creatorSpecs[i] = spec
		out[i] = Person{Email: fmt.Sprintf("creator%d@%s", i+1, EmailDomain), Username: g.username(r, true),
			Password: g.cfg.Password, Role: access.Creator, Interests: interests, CreatedAt: times[i]}
	}
	return out
}

// bank is a leaf's subjects in a language.
func bank(l leaf, lang string) []string {
	switch lang {
	case "es":
		return l.es
	case "ja":
		return l.ja
	}
	return l.subjects
}

func (g *generator) learners() []Person {
	r := newRand(g.cfg.Seed, streamLearners)
	out := make([]Person, g.cfg.Learners)
	g.learnerSpecs = make([]learnerSpec, g.cfg.Learners)
	joins := make([]time.Time, len(out))
	for i := range joins {
		if chance(r, 0.4) { // signed up before the window
			joins[i] = at(g.start.Add(-time.Duration(r.Float64() * float64(30*24*time.Hour))))
		} else {
			joins[i] = at(g.start.Add(time.Duration(r.Float64() * 0.7 * float64(g.window))))
		}
	}
	slices.SortFunc(joins, func(a, b time.Time) int { return a.Compare(b) })
	for i := range out {
		k := 2 + weighted(r, []float64{0.25, 0.35, 0.25, 0.15})
		first := weighted(r, leafWeights())
		chosen := []int{first}
		for len(chosen) < k {
			more, ok := related(r, first, chosen, func(int) bool { return true })
			if !ok {
				break
			}
			chosen = append(chosen, more)
		}
		w := dirichlet(r, len(chosen))
		spec := learnerSpec{interest: make([]float64, len(leaves)), speaks: map[string]bool{"en": true},
			activity: logNormal(r, 1, 0.45), joined: joins[i]}
		interests := map[string]float64{}
		for j, li := range chosen {
			spec.interest[li] = w[j]
			interests[leaves[li].slug] = w[j]
		}
		spec.top = slices.Clone(chosen)
		slices.SortStableFunc(spec.top, func(a, b int) int { return cmpDesc(spec.interest[a], spec.interest[b]) })
		spec.speaks["es"] = chance(r, 0.15)
		spec.speaks["ja"] = chance(r, 0.06)
		birth := 0
		switch u := r.Float64(); {
		case u < 0.15: // a minor: 13 to 17 this year
			birth = g.cfg.Now.Year() - 13 - r.IntN(5)
		case u < 0.6:
			birth = g.cfg.Now.Year() - 19 - r.IntN(45)
		}
		g.learnerSpecs[i] = spec
		out[i] = Person{Email: fmt.Sprintf("learner%d@%s", i+1, EmailDomain), Username: g.username(r, false),
			Password: g.cfg.Password, Role: access.Learner, BirthYear: birth, Interests: interests, CreatedAt: joins[i]}
	}
	return out
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
