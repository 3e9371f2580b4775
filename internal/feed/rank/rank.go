package rank

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// run is one call of Rank.
type run struct {
	c   *Catalogue
	s   *scratch
	l   *Learner
	req Request
	cfg *Config
	rng *rand.Rand

	limit       int
	maxTopic    float64 // the learner's strongest topic affinity
	topicScale  float64 // the largest topic affinity in size, liked or disliked
	maxCreator  float64
	level       float64 // mean difficulty of what the learner engaged with; 0 unknown
	served      int
	hasUser     bool // a latent vector is in s.user
	folded      bool
	relaxed     bool
	itemsMarked bool // prepare marked every item of Learner.Items as filtered
	perSource   [numSources]int
}

// Rank ranks one page for one learner. It is a pure function of its input: no
// clock but Request.Now, no randomness but Request.Seed, no I/O; the same input
// gives the same output. It never fails: missing parts (no model, no history,
// an empty catalogue) give a page from what there is, possibly empty.
//
// The pipeline: candidate sources (followed creators, co-engagement and EASE
// neighbours, latent factors, content similarity, topic affinity, trending,
// fresh items, next episodes, topic-balanced quality) → filters (every item the
// learner has an event for, hidden, blocked creators, invisible, muted topics,
// served earlier in the session) → features and predicted complete, like, save,
// share, skip and quiz success → a value-weighted score → re-ranking (creator
// and topic caps, MMR, exploration slots for fresh items by Thompson sampling,
// series sequencing) → explanations.
func Rank(in Input) Output {
	c := in.Catalogue
	if c == nil || in.Learner == nil {
		return Output{}
	}
	cfg := in.Config
	if cfg == nil {
		cfg = DefaultConfig()
	}
	s := c.scratch.get(c)
	defer func() {
		s.reset()
		c.scratch.put(s)
	}()
	r := &run{c: c, s: s, l: in.Learner, req: in.Request, cfg: cfg, limit: cfg.limit(in.Request.Limit)}
	r.rng = rand.New(rand.NewPCG(in.Request.Seed, seedOf(in.Learner.ID)))
	r.prepare()
	r.gather()
	r.score()
	picked := r.rerank()
	out := Output{Entries: make([]Entry, 0, len(picked))}
	for _, k := range picked {
		out.Entries = append(out.Entries, r.entry(&s.cands[k]))
	}
	if r.folded {
		out.Factors = append([]float32(nil), s.user...)
		out.FactorsVersion = c.snap.Version()
	}
	if in.Request.Explain {
		out.Trace = r.trace()
	}
	return out
}

func seedOf(id string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return h.Sum64()
}

// gather runs every candidate source. The order matters only for which source
// an item is first offered by; its features come from all of them.
func (r *run) gather() {
	r.fromSeries()
	r.fromFollowed()
	r.fromNeighbours()
	r.fromLatent()
	r.fromTopics()
	r.fromTrending()
	r.fromFresh()
	// Topic-balanced quality fills whatever the other sources leave short of a
	// comfortable margin over the page: for a learner with no history, all of it.
	short := 4*r.limit - len(r.s.cands)
	r.fromPopular(max(short, r.cfg.Pool[sPopular]/4))
}

// score computes every candidate's features, predictions and score.
func (r *run) score() {
	c, s := r.c, r.s
	var maxPos, maxView, maxEASE, maxSim, maxLatent float32
	for k := range s.cands {
		cd := &s.cands[k]
		m := c.toModel[cd.item]
		if m < 0 || s.accCo == nil {
			continue
		}
		maxPos = max(maxPos, s.accCo.Score(m))
		maxView = max(maxView, s.accCo.ScoreB(m))
		maxEASE = max(maxEASE, s.accEASE.Score(m))
		maxSim = max(maxSim, s.accSim.Score(m))
		if r.hasUser {
			cd.latent = c.snap.Factors.Score(s.user, m)
			maxLatent = max(maxLatent, cd.latent)
		}
	}
	scale := func(v, m float32) float32 {
		if m <= 0 {
			return 0
		}
		return v / m
	}
	nowUnix := r.req.Now.Unix()
	half := r.cfg.FreshHalfLife.Hours()
	for k := range s.cands {
		cd := &s.cands[k]
		i := cd.item
		q := &c.q[i]
		x := &cd.feat
		if m := c.toModel[i]; m >= 0 && s.accCo != nil {
			x[FeatCoPositive] = scale(s.accCo.Score(m), maxPos)
			x[FeatCoViewed] = scale(s.accCo.ScoreB(m), maxView)
			x[FeatEASE] = scale(s.accEASE.Score(m), maxEASE)
			x[FeatSimilar] = scale(s.accSim.Score(m), maxSim)
			if r.hasUser {
				x[FeatLatent] = max(scale(cd.latent, maxLatent), -1)
			}
		}
		ck := c.creatorOf[i]
		if s.creatorFlag[ck]&flagFollowed != 0 {
			// Half for following the creator, half for how new the item is
			// (the followed source scores 1/(1 + age in days)).
			x[FeatFollowed] = 0.5 + 0.5*cd.src[sFollowed]
		}
		if r.maxCreator > 0 {
			x[FeatCreatorAffinity] = float32(float64(s.creatorAff[ck]) / r.maxCreator)
		}
		if cd.src[sSeries] > 0 {
			x[FeatSeriesNext] = 1
			if r.req.Mode == Binge {
				x[FeatBinge] = 1
			}
		}
		// Affinity: the best-liked topic of the item plus the most disliked one
		// (a skipped topic weighs on an item even when it has another).
		var like, dislike, boost, repeat float32
		for _, t := range c.topicsOf(i) {
			if r.topicScale > 0 {
				a := s.topicAff[t] / float32(r.topicScale)
				like, dislike = max(like, a), min(dislike, a)
			}
			if s.topicFlag[t]&flagBoosted != 0 {
				boost = 1
			}
			if r.served > 0 {
				repeat = max(repeat, float32(s.topicSession[t])/float32(r.served))
			}
		}
		x[FeatTopicAffinity] = like + dislike + boost
		x[FeatSessionRepeat] = repeat
		x[FeatTrending] = q.trend
		if c.isFresh[i] {
			x[FeatFresh] = 1
		}
		x[FeatQualityComplete] = q.lift[TargetComplete]
		if cd.src[sFresh] > 0 {
			// Exploration: a draw from the completion rate's posterior, used
			// only to fill the exploration slots, so an item with little
			// evidence gets its chance in proportion to how likely it is to be
			// good. The score itself stays the smoothed mean.
			p, n := c.prior[TargetComplete], max(r.cfg.ExplorePrior, 1e-3)
			cd.sample = betaSample(r.rng, p*n+float64(q.wins), (1-p)*n+float64(q.tries-q.wins))
		}
		x[FeatQualityLike] = q.lift[TargetLike]
		x[FeatQualitySave] = q.lift[TargetSave]
		x[FeatQualityShare] = q.lift[TargetShare]
		x[FeatQualitySkip] = q.lift[TargetSkip]
		x[FeatQualityQuiz] = q.lift[TargetQuiz]
		x[FeatPopularity] = q.pop
		if q.published != 0 && half > 0 {
			age := math.Max(float64(nowUnix-q.published)/3600, 0)
			x[FeatFreshness] = float32(math.Exp2(-age / half))
		}
		x[FeatDifficultyFit] = 0.5
		if r.level > 0 && q.difficulty > 0 {
			x[FeatDifficultyFit] = float32(1 - math.Abs(float64(q.difficulty)-r.level)/4)
		}
		cd.pred = r.cfg.Predict(x, q.flags&itemQuiz != 0)
		cd.score = r.cfg.Value(cd.pred)
	}
}
