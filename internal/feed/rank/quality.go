package rank

import "math"

// rates are per-exposure rates of the targets.
type rates [NumTargets]float64

// fallbackPrior is used for a target no item has any evidence for yet.
var fallbackPrior = rates{TargetComplete: 0.3, TargetLike: 0.05, TargetSave: 0.02, TargetShare: 0.01,
	TargetSkip: 0.2, TargetQuiz: 0.6}

// quality is an item's smoothed evidence and every other fact ranking reads
// per candidate, packed so that scoring a candidate reads one cache line
// rather than the scattered fields of an Item.
type quality struct {
	lift       [NumTargets]float32 // logit(smoothed rate) − logit(catalogue rate)
	wins       float32             // completions, for the exploration posterior
	tries      float32             // exposures
	pop        float32             // log(1+views) / log(1+most views)
	trend      float32             // trending velocity / the catalogue's highest
	published  int64               // Unix seconds; 0 when unknown
	difficulty int8
	flags      uint8   // itemVisible, itemAdultsOnly, itemQuiz
	key        float64 // order of the per-topic lists
}

const (
	itemVisible uint8 = 1 << iota
	itemAdultsOnly
	itemQuiz
)

// counts returns an item's target counts and the exposure each is a rate of:
// completions, likes, saves, shares and skips per exposure (the larger of
// impressions and views, since clients may report either), quiz answers right
// per answer.
func counts(k Counts) (n rates, d rates) {
	exp := float64(max(k.Impressions, k.Views))
	n = rates{float64(k.Completions), float64(k.Likes), float64(k.Saves), float64(k.Shares), float64(k.Skips), float64(k.QuizCorrect)}
	d = rates{exp, exp, exp, exp, exp, float64(k.QuizAnswers)}
	for t := range n {
		n[t] = min(n[t], d[t]) // a client cannot make a rate exceed 1
	}
	return n, d
}

// scoreQuality smooths every item's rates toward the catalogue's (Bayesian
// smoothing with a Beta prior worth m exposures), so an item with three views
// and three completions does not outrank one with 900 of 1,000.
func (c *Catalogue) scoreQuality(m float64) {
	var sn, sd rates
	for i := range c.items {
		n, d := counts(c.items[i].Counts)
		for t := range n {
			sn[t] += n[t]
			sd[t] += d[t]
		}
		c.maxViews = math.Max(c.maxViews, float64(c.items[i].Counts.Views))
	}
	for t := range sn {
		c.prior[t] = fallbackPrior[t]
		if sd[t] > 0 && sn[t] > 0 {
			c.prior[t] = sn[t] / sd[t]
		}
	}
	c.q = make([]quality, len(c.items))
	logMax := math.Log1p(c.maxViews)
	for i := range c.items {
		it := &c.items[i]
		n, d := counts(it.Counts)
		q := &c.q[i]
		var r rates
		for t := range n {
			r[t] = (n[t] + m*c.prior[t]) / (d[t] + m)
			q.lift[t] = float32(logit(r[t]) - logit(c.prior[t]))
		}
		if it.Kind != "quiz" {
			q.lift[TargetQuiz] = 0
		}
		q.wins, q.tries = float32(n[TargetComplete]), float32(d[TargetComplete])
		if logMax > 0 {
			q.pop = float32(math.Log1p(float64(it.Counts.Views)) / logMax)
		}
		if !it.PublishedAt.IsZero() {
			q.published = it.PublishedAt.Unix()
		}
		q.difficulty = int8(min(max(it.Difficulty, 0), 5))
		if it.Visible {
			q.flags |= itemVisible
		}
		if it.AdultsOnly {
			q.flags |= itemAdultsOnly
		}
		if it.Kind == "quiz" {
			q.flags |= itemQuiz
		}
		// The order of the per-topic lists: the value an exposure is expected to
		// bring, damped for items few learners have seen.
		v := r[TargetComplete] + 0.6*r[TargetSave] + 0.3*r[TargetLike] + 0.2*r[TargetShare] - 0.6*r[TargetSkip]
		q.key = math.Max(v, 1e-3) * (0.5 + 0.5*float64(q.pop))
	}
}
