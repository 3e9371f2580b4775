package rank

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// rerank places candidates on the page: greedy maximal marginal relevance
// (score against similarity to what is already placed) under creator and topic
// caps and series sequencing, with exploration slots for fresh items. It
// returns the candidates' indexes in page order.
func (r *run) rerank() []int {
	s, cfg := r.s, r.cfg
	order := s.order[:0]
	for k := range s.cands {
		order = append(order, int32(k))
	}
	slices.SortFunc(order, func(a, b int32) int {
		ca, cb := &s.cands[a], &s.cands[b]
		if d := cmp.Compare(cb.score, ca.score); d != 0 {
			return d
		}
		return cmp.Compare(ca.item, cb.item)
	})
	if len(order) == 0 {
		return nil
	}
	hi, lo := s.cands[order[0]].score, s.cands[order[len(order)-1]].score
	// Only the best RerankPool candidates (and every fresh and series one,
	// which have places of their own) compete for the page: the rest could
	// only reach it if caps and sequencing struck out nearly all of those.
	if w := max(cfg.RerankPool, 2*r.limit); len(order) > w {
		keep := order[:w]
		for _, k := range order[w:] {
			if cd := &s.cands[k]; cd.src[sFresh] > 0 || cd.src[sSeries] > 0 {
				keep = append(keep, k)
			}
		}
		order = keep
	}
	s.order = order
	span := hi - lo
	if span <= 0 {
		span = 1
	}
	creatorCap := max(cfg.CapFloor, int(math.Ceil(cfg.CreatorShare*float64(r.limit))))
	topicCap := max(cfg.CapFloor, int(math.Ceil(cfg.TopicShare*float64(r.limit))))
	explore := int(math.Ceil(cfg.ExploreShare * float64(r.limit)))
	if cfg.ExploreShare <= 0 {
		explore = 0
	}
	nextExplore := cfg.ExploreFirst
	picked := make([]int, 0, r.limit)
	placed := make([]int32, 0, r.limit) // catalogue items on the page
	// Series in progress: binge mode places every continuation first (in
	// order); the for-you feed keeps one place, SeriesSlot, for the best one.
	continuing := r.perSource[sSeries] > 0
	for len(picked) < r.limit {
		pos := len(picked)
		exploring := explore > 0 && pos >= nextExplore
		series := continuing && (r.req.Mode == Binge || pos >= cfg.SeriesSlot) && !exploring
		best, bestKey := -1, math.Inf(-1)
		for _, k := range order {
			cd := &s.cands[k]
			if cd.pos >= 0 || cd.dropped != "" {
				continue
			}
			if !r.sequenced(cd.item, placed) {
				continue
			}
			if !r.relaxed && !r.withinCaps(cd, creatorCap, topicCap) {
				continue
			}
			if series && cd.src[sSeries] == 0 {
				continue
			}
			var key float64
			if exploring {
				if !r.explorable(cd) {
					continue
				}
				key = cd.sample
			} else {
				key = cfg.MMRLambda*(cd.score-lo)/span - (1-cfg.MMRLambda)*float64(cd.maxSim)
			}
			if key > bestKey {
				best, bestKey = int(k), key
			}
		}
		if best < 0 && exploring {
			explore = 0 // no fresh item can go here: stop exploring this page
			continue
		}
		if best < 0 && series {
			continuing = false // no continuation can go here
			continue
		}
		if best < 0 {
			if r.relaxed {
				break
			}
			r.relaxed = true // caps would leave the page short: fill it without them
			continue
		}
		cd := &s.cands[best]
		cd.pos = int32(pos)
		if cd.src[sSeries] > 0 && r.req.Mode != Binge {
			continuing = false // the for-you feed keeps one place
		}
		if exploring {
			cd.explored = true
			explore--
			nextExplore = pos + max(cfg.ExploreEvery, 1)
		}
		picked = append(picked, best)
		placed = append(placed, cd.item)
		r.place(cd)
	}
	r.markDropped(creatorCap, topicCap, placed)
	return picked
}

// place counts an item toward the caps and updates the others' similarity to
// the page.
func (r *run) place(cd *cand) {
	c, s := r.c, r.s
	ck := c.creatorOf[cd.item]
	s.touchCreator(ck)
	s.creatorCount[ck]++
	for _, t := range c.topicsOf(cd.item) {
		s.touchTopic(t)
		s.topicCount[t]++
	}
	for _, k := range s.order {
		o := &s.cands[k]
		if o.pos < 0 {
			o.maxSim = max(o.maxSim, r.similarity(cd.item, o.item))
		}
	}
	// The episode after this one, if another source offered it, is now the
	// next in its series, and is explained so.
	if nx := c.next[cd.item]; nx >= 0 && s.slot[nx] > 0 {
		o := &s.cands[s.slot[nx]-1]
		if o.src[sSeries] == 0 {
			o.src[sSeries], o.ref[sSeries] = 1, c.seriesOf[nx]
		}
	}
}

// similarity of two items for diversity: shared topics (Jaccard) and the same
// creator. Episodes of one series in binge mode are not "too similar": the
// learner asked for them.
func (r *run) similarity(a, b int32) float32 {
	c := r.c
	if r.req.Mode == Binge && c.seriesOf[a] >= 0 && c.seriesOf[a] == c.seriesOf[b] {
		return 0
	}
	// Topic overlap on 64-bit topic signatures: exact for catalogues of up to
	// 64 topics, a close estimate beyond.
	ma, mb := c.tmask[a], c.tmask[b]
	var sim float32
	if u := bits.OnesCount64(ma | mb); u > 0 {
		sim = 0.7 * float32(bits.OnesCount64(ma&mb)) / float32(u)
	}
	if c.creatorOf[a] == c.creatorOf[b] {
		sim += 0.3
	}
	return sim
}

// withinCaps reports whether placing cd keeps its creator and topics within
// their caps. In binge mode a series continuation is exempt from both: the
// learner asked to keep going.
func (r *run) withinCaps(cd *cand, creatorCap, topicCap int) bool {
	c, s := r.c, r.s
	if r.req.Mode == Binge && cd.src[sSeries] > 0 {
		return true
	}
	if int(s.creatorCount[c.creatorOf[cd.item]]) >= creatorCap {
		return false
	}
	for _, t := range c.topicsOf(cd.item) {
		if int(s.topicCount[t]) >= topicCap {
			return false
		}
	}
	return true
}

// sequenced reports whether an episode may be placed now: it has no
// predecessor, or the predecessor is behind the learner (an event, served
// earlier in the session, or already on this page), or the learner skipped
// ahead past it.
func (r *run) sequenced(i int32, placed []int32) bool {
	c, s := r.c, r.s
	p := c.prev[i]
	if p < 0 {
		return true
	}
	if k := c.seriesOf[i]; k >= 0 && s.furthest[k] >= int32(c.items[i].Episode) {
		return true
	}
	if w := s.reason(p); s.slot[p] == slotFiltered && (w == dropSeen || w == dropServed || w == dropHidden) {
		return true
	}
	if _, ok := r.l.Items[c.items[p].ID]; ok {
		return true
	}
	if s.histOf[p] != 0 {
		return true
	}
	return slices.Contains(placed, p)
}

// markDropped names, for the trace, why each candidate left off the page is
// not on it.
func (r *run) markDropped(creatorCap, topicCap int, placed []int32) {
	if !r.req.Explain {
		return
	}
	for k := range r.s.cands {
		cd := &r.s.cands[k]
		switch {
		case cd.pos >= 0:
		case !r.sequenced(cd.item, placed):
			cd.dropped = "sequencing"
		case int(r.s.creatorCount[r.c.creatorOf[cd.item]]) >= creatorCap:
			cd.dropped = "creator_cap"
		case !r.withinCaps(cd, math.MaxInt, topicCap):
			cd.dropped = "topic_cap"
		default:
			cd.dropped = "page_full"
		}
	}
}

// explorable reports whether a candidate may take an exploration slot: a
// fresh item, and for a learner with a history one that touches it (a topic
// they like, a creator they follow, or any collaborative or content signal),
// so exploring spends the place on a new item they may well want rather than
// on any new item at all.
func (r *run) explorable(cd *cand) bool {
	if cd.src[sFresh] == 0 {
		return false
	}
	if len(r.s.hist) == 0 {
		return true
	}
	x := &cd.feat
	return x[FeatTopicAffinity] > 0 || x[FeatFollowed] > 0 || x[FeatCoPositive] > 0 || x[FeatCoViewed] > 0 ||
		x[FeatEASE] > 0 || x[FeatSimilar] > 0 || x[FeatLatent] > 0
}
