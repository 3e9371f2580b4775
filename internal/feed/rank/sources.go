package rank

import (
	"github.com/lyolearn/lyo/internal/feed/model"
)

func modelWeighted(i int32, w float32) model.Weighted { return model.Weighted{Item: i, Weight: w} }

// offer adds catalogue item i to the candidates from source src with a score
// and an explanation anchor (−1 for none), unless a filter drops it. It
// reports whether the item is (now) a candidate.
func (r *run) offer(i int32, src int, score float32, ref int32) bool {
	s := r.s
	switch sl := s.slot[i]; {
	case sl == slotFiltered:
		// Filtered before (a learner's item, hidden, served): traced once, the
		// first time a source offers it.
		if r.req.Explain && s.why[i]&whyTraced == 0 {
			s.drops = append(s.drops, traceDrop{item: i, source: src, why: s.why[i]})
			s.why[i] |= whyTraced
		}
		return false
	case sl > 0:
		cd := &s.cands[sl-1]
		if score > cd.src[src] || cd.src[src] == 0 {
			cd.src[src], cd.ref[src] = score, ref
		}
		return true
	}
	if why := r.drop(i); why != dropNone {
		s.touch(i)
		s.slot[i], s.why[i] = slotFiltered, why
		if r.req.Explain {
			s.drops = append(s.drops, traceDrop{item: i, source: src, why: why})
			s.why[i] |= whyTraced
		}
		return false
	}
	if len(s.cands) >= r.cfg.MaxCandidates {
		return false
	}
	s.touch(i)
	cd := cand{item: i, pos: -1}
	for k := range cd.ref {
		cd.ref[k] = -1
	}
	cd.src[src], cd.ref[src] = score, ref
	s.cands = append(s.cands, cd)
	s.slot[i] = int32(len(s.cands))
	r.perSource[src]++
	return true
}

// drop applies the filters to an item no source has offered yet.
func (r *run) drop(i int32) uint8 {
	c, s := r.c, r.s
	f := c.q[i].flags
	switch {
	case f&itemVisible == 0:
		return dropNotVisible
	case f&itemAdultsOnly != 0 && r.l.Minor:
		return dropMinor
	case s.creatorFlag[c.creatorOf[i]]&flagBlocked != 0:
		return dropBlocked
	}
	if !r.itemsMarked {
		if st, ok := r.l.Items[c.items[i].ID]; ok {
			if st.Hidden {
				return dropHidden
			}
			return dropSeen
		}
	}
	for _, t := range c.topicsOf(i) {
		if s.topicFlag[t]&flagMuted != 0 {
			return dropMuted
		}
	}
	return dropNone
}

// offerList offers up to n items of a list (already in the source's order),
// scoring them by rank, and stops after scanning 4n entries so a learner who
// has seen the head of a long list costs no more than one who has not.
func (r *run) offerList(list []int32, src int, n int, ref int32, weight float32) int {
	got := 0
	for k, i := range list {
		if got >= n || k >= 4*n+16 {
			break
		}
		if r.offer(i, src, weight/float32(1+k/4), ref) {
			got++
		}
	}
	return got
}

// fromSeries offers the next episode of every series in progress (binge mode:
// the next few, which sequencing keeps in order).
func (r *run) fromSeries() {
	c, s := r.c, r.s
	depth := 1
	if r.req.Mode == Binge {
		depth = max(1, r.cfg.BingeDepth)
	}
	budget := r.cfg.Pool[sSeries]
	for _, k := range s.seriesTouched {
		eps := c.seriesEp[k]
		got := 0
		for _, i := range eps {
			if budget <= 0 || got >= depth {
				break
			}
			if int32(c.items[i].Episode) <= s.furthest[k] {
				continue
			}
			if r.offer(i, sSeries, 1, k) {
				got++
				budget--
			} else if w := s.reason(i); w != dropSeen && w != dropServed {
				break // a hidden or removed episode ends the run
			}
		}
	}
}

// fromFollowed offers recent items of the creators the learner follows.
func (r *run) fromFollowed() {
	c, s := r.c, r.s
	var follows int
	for _, k := range s.creatorTouched {
		if s.creatorFlag[k]&flagFollowed != 0 {
			follows++
		}
	}
	if follows == 0 {
		return
	}
	per := max(2, r.cfg.Pool[sFollowed]/follows)
	cutoff := r.req.Now.Add(-r.cfg.FollowWindow)
	for _, k := range s.creatorTouched {
		if s.creatorFlag[k]&(flagFollowed|flagBlocked) != flagFollowed {
			continue
		}
		got := 0
		for n, i := range c.byCreator[k] {
			if got >= per || n >= 4*per || c.items[i].PublishedAt.Before(cutoff) {
				break
			}
			age := r.req.Now.Sub(c.items[i].PublishedAt).Hours()
			if r.offer(i, sFollowed, float32(1/(1+max(age, 0)/24)), k) {
				got++
			}
		}
	}
}

// fromTopics offers the best items of the learner's topics, each topic's share
// of the pool in proportion to its weight.
func (r *run) fromTopics() {
	s := r.s
	tops := s.topTops[:min(len(s.topTops), 8)]
	var total float64
	for _, t := range tops {
		total += r.topicWeight(t)
	}
	for _, t := range tops {
		w := r.topicWeight(t)
		n := max(3, int(float64(r.cfg.Pool[sTopic])*w/total))
		r.offerList(r.c.byTopic[t], sTopic, n, t, float32(w))
	}
}

// fromTrending offers what is trending, overall and in the learner's topics.
func (r *run) fromTrending() {
	c, s := r.c, r.s
	n := r.cfg.Pool[sTrending]
	tops := s.topTops[:min(len(s.topTops), 3)]
	for _, t := range tops {
		r.offerList(c.trendingByTopic[t], sTrending, n/4, t, 1)
	}
	r.offerList(c.trending, sTrending, n-len(tops)*(n/4), -1, 1)
}

// fromFresh offers new items that still need exposure, from the learner's
// topics first; the bandit decides which of them get a place.
func (r *run) fromFresh() {
	c, s := r.c, r.s
	n := r.cfg.Pool[sFresh]
	tops := s.topTops[:min(len(s.topTops), 4)]
	for _, t := range tops {
		r.offerList(c.freshByTopic[t], sFresh, n/6, t, 1)
	}
	r.offerList(c.fresh, sFresh, n-len(tops)*(n/6), -1, 1)
}

// fromPopular offers topic-balanced quality: the best items of every topic in
// turn, most engaged topics first. For a learner with no history it is the
// page; for others a floor that keeps the page full.
func (r *run) fromPopular(n int) {
	c := r.c
	if len(c.topicOrder) == 0 || n <= 0 {
		return
	}
	got := 0
	cursor := make([]int, 0, 32)
	topics := c.topicOrder[:min(len(c.topicOrder), max(8, n/3))]
	cursor = append(cursor, make([]int, len(topics))...)
	for round := 0; got < n && round < 4*n; round++ {
		progressed := false
		for k, t := range topics {
			list := c.byTopic[t]
			for cursor[k] < len(list) && cursor[k] < 4*n {
				i := list[cursor[k]]
				cursor[k]++
				if r.offer(i, sPopular, float32(1/(1+float64(round)/4)), t) {
					got++
					progressed = true
					break
				}
			}
			if got >= n {
				break
			}
		}
		if !progressed {
			break
		}
	}
}
