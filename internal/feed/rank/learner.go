package rank

import (
	"cmp"
	"math"
	"slices"

	"github.com/lyolearn/lyo/internal/feed/model"
)

// prepare loads the learner into the scratch space: creator and topic flags and
// affinities, items already served or hidden, the recency-weighted history and
// series progress.
func (r *run) prepare() {
	c, s, l := r.c, r.s, r.l
	for _, id := range l.Follows {
		if k, ok := c.creators.Index(id); ok {
			s.touchCreator(k)
			s.creatorFlag[k] |= flagFollowed
		}
	}
	for _, id := range l.Blocked {
		if k, ok := c.creators.Index(id); ok {
			s.touchCreator(k)
			s.creatorFlag[k] |= flagBlocked
		}
	}
	for id, v := range l.Creators {
		if k, ok := c.creators.Index(id); ok && finite(v) {
			s.touchCreator(k)
			s.creatorAff[k] = float32(v)
			r.maxCreator = math.Max(r.maxCreator, math.Abs(v))
		}
	}
	for id, v := range l.Topics {
		if t, ok := c.topics.Index(id); ok && finite(v) {
			s.touchTopic(t)
			s.topicAff[t] = float32(v)
			r.maxTopic = math.Max(r.maxTopic, v)
			r.topicScale = math.Max(r.topicScale, math.Abs(v))
		}
	}
	setTopic := func(ids []string, f uint8) {
		for _, id := range ids {
			if t, ok := c.topics.Index(id); ok {
				s.touchTopic(t)
				s.topicFlag[t] |= f
			}
		}
	}
	setTopic(l.Muted, flagMuted)
	setTopic(l.Boosted, flagBoosted)
	setTopic(l.Chosen, flagChosen)
	for _, id := range l.Hidden {
		r.filter(id, dropHidden)
	}
	// Mark the learner's items up front when there are not too many: one
	// lookup each, instead of a map lookup for every item a source offers.
	if len(l.Items) <= markItemsBelow {
		for id, st := range l.Items {
			why := dropSeen
			if st.Hidden {
				why = dropHidden
			}
			r.filter(id, why)
		}
		r.itemsMarked = true
	}
	for _, id := range r.req.Served {
		if i, ok := c.byID[id]; ok {
			for _, t := range c.topicsOf(i) {
				s.touchTopic(t)
				s.topicSession[t]++
			}
			r.served++
		}
		r.filter(id, dropServed)
	}
	for _, p := range l.Series {
		if k, ok := c.series.Index(p.SeriesID); ok {
			r.advance(k, p.Episode)
		}
	}
	r.history()
	r.topTopics()
}

// markItemsBelow bounds the learners whose items are marked in prepare; a
// longer history is looked up per offered item instead.
const markItemsBelow = 4096

// filter marks an item as dropped before any source offers it.
func (r *run) filter(id string, why uint8) {
	i, ok := r.c.byID[id]
	if !ok || r.s.slot[i] != slotFree {
		return
	}
	r.s.touch(i)
	r.s.slot[i], r.s.why[i] = slotFiltered, why
}

// advance records that the learner reached episode ep of series k.
func (r *run) advance(k int32, ep int) {
	if int32(ep) > r.s.furthest[k] {
		if r.s.furthest[k] == 0 {
			r.s.seriesTouched = append(r.s.seriesTouched, k)
		}
		r.s.furthest[k] = int32(ep)
	}
}

// history folds the recent interactions into distinct items, most recent
// first, each weighted by HistoryDecay^position: recency by position from the
// end of the history, so a learner who binged yesterday and one who trickled
// over a month are both led by what they did last.
func (r *run) history() {
	c, s, l := r.c, r.s, r.l
	var diffSum, diffN float64
	for k := len(l.Recent) - 1; k >= 0; k-- {
		in := l.Recent[k]
		i, ok := c.byID[in.ItemID]
		if !ok {
			continue
		}
		h := int(s.histOf[i]) - 1
		if h < 0 {
			if len(s.hist) >= r.cfg.HistoryLen {
				break // older events count for little, and reading them costs
			}
			s.touch(i)
			s.hist = append(s.hist, histItem{cat: i, mod: c.toModel[i]})
			h = len(s.hist) - 1
			s.histOf[i] = int32(h + 1)
			if k := c.seriesOf[i]; k >= 0 {
				r.advance(k, c.items[i].Episode)
			}
		}
		e := &s.hist[h]
		e.pos += positive(in)
		e.view = max(e.view, viewed(in))
		e.verb = max(e.verb, verbOf(in.Type))
	}
	decay := float32(1)
	for h := range s.hist {
		e := &s.hist[h]
		e.pos = min(e.pos, 2) * decay
		e.view *= decay
		decay *= float32(r.cfg.HistoryDecay)
		if d := c.items[e.cat].Difficulty; d > 0 && e.pos > 0 {
			diffSum += float64(d)
			diffN++
		}
		if e.mod < 0 {
			continue
		}
		if e.pos != 0 || e.view > 0 {
			s.wCo = append(s.wCo, model.Weighted2{Item: e.mod, A: e.pos, B: e.view})
			s.refCo = append(s.refCo, int32(h))
		}
		if w := float32(r.cfg.PositiveWeight)*max(e.pos, 0) + e.view; w > 0 {
			s.wAll = append(s.wAll, modelWeighted(e.mod, w))
			s.refAll = append(s.refAll, int32(h))
		}
	}
	if diffN > 0 {
		r.level = diffSum / diffN
	}
}

// topTopics orders the topics the learner engages with (positive affinity, not
// muted), strongest first, then the chosen and boosted ones.
func (r *run) topTopics() {
	s := r.s
	for _, t := range s.topicTouched {
		if s.topicFlag[t]&flagMuted != 0 || slices.Contains(s.topTops, t) {
			continue
		}
		if s.topicAff[t] > 0 || s.topicFlag[t]&(flagBoosted|flagChosen) != 0 {
			s.topTops = append(s.topTops, t)
		}
	}
	slices.SortFunc(s.topTops, func(a, b int32) int {
		if d := cmp.Compare(r.topicWeight(b), r.topicWeight(a)); d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	})
}

// topicWeight is how much topic t counts for this learner, 0–2.
func (r *run) topicWeight(t int32) float64 {
	s := r.s
	w := 0.0
	if r.maxTopic > 0 && s.topicAff[t] > 0 {
		w = float64(s.topicAff[t]) / r.maxTopic
	}
	if s.topicFlag[t]&flagChosen != 0 {
		w = math.Max(w, 0.5)
	}
	if s.topicFlag[t]&flagBoosted != 0 {
		w++
	}
	return w
}

// finite reports whether an affinity is usable: a NaN or infinite value from
// a damaged aggregate is ignored rather than spread through the scores.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
