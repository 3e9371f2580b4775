package synth

import (
	"math"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

// Affinity of a learner for an item's topic: within their interests it rises
// with the interest's weight; a sibling of an interest is mildly interesting;
// anything else hardly at all, except now and then out of curiosity.
const (
	siblingAffinity  = 0.3
	strangerAffinity = 0.1
	curiosity        = 0.2 // an item outside the learner's interests catches their eye
	curiousAffinity  = 0.8
)

// affinity is how much the learner cares about item m's topics now, 0–1.
func (s *sim) affinity(m meta) float64 {
	in := s.current()
	w := in.weight[int(m.leaf)]
	if m.second >= 0 {
		w = math.Max(w, in.weight[int(m.second)])
	}
	switch {
	case w > 0:
		return 0.55 + 0.45*math.Min(1, 2*w)
	case in.parents[s.g.leaves[m.leaf].parentIndex]:
		return siblingAffinity
	}
	return strangerAffinity
}

// engagement combines what makes a learner stay with an item, 0–1: interest,
// difficulty fit, the item's latent quality and its language.
func (s *sim) engagement(m meta, affinity float64) float64 {
	fit := 1 - math.Abs(float64(m.diff)-s.l.Level)/4
	lang := 1.0
	if int(m.lang) != s.lang {
		lang = 0.6
	}
	return clamp(affinity*(0.55+0.45*fit)*(0.6+0.8*float64(m.quality))*lang, 0, 1)
}

// show plays one impression of item i and what the learner does with it.
func (s *sim) show(i int32) {
	r := s.r
	m := s.g.items[i]
	s.seen[i] = true
	if m.series >= 0 {
		s.advance(m)
	}
	aff := s.affinity(m)
	if aff < curiousAffinity && chance(r, curiosity) {
		aff = curiousAffinity
	}
	e := s.engagement(m, aff)
	s.emit(events.Impression, i, nil)
	s.t = s.t.Add(seconds(r, 0.5, 2.5))
	if !chance(r, clamp(0.08+0.9*e, 0.02, 0.97)) {
		s.emit(events.Skip, i, nil)
		if aff <= strangerAffinity && chance(r, 0.06) {
			s.t = s.t.Add(seconds(r, 0.5, 1.5))
			s.emit(events.Hide, i, nil)
		}
		if m.series >= 0 {
			s.giveUp(m.series)
		}
		s.t = s.t.Add(seconds(r, 1, 4))
		return
	}
	ratio := beta(r, clamp(0.15+0.8*e, 0.05, 0.95), 5)
	completed := ratio >= completeRatio
	watch := int64(ratio * float64(m.duration))
	if completed {
		watch = int64(float64(m.duration) * between(r, 0.95, 1.05))
	}
	watch = max(watch, 300)
	s.emit(events.View, i, func(e *Event) { e.WatchMS = watch })
	s.t = s.t.Add(msDuration(watch))
	if kinds[m.kind] == content.QuizKind {
		completed = s.answer(i, m, ratio)
	}
	if completed {
		s.emit(events.Complete, i, nil)
		s.finished(m)
	} else if m.series >= 0 && ratio < 0.5 && chance(r, 0.5) {
		s.giveUp(m.series)
	}
	like, save, share := 0.03*e, 0.01*e, 0.0
	if completed {
		like, save, share = 0.1+0.5*e*e, 0.04+0.25*e*e, 0.01+0.08*e*e
	}
	for _, a := range []struct {
		typ events.Type
		p   float64
	}{{events.Like, like}, {events.Save, save}, {events.Share, share}} {
		if chance(r, a.p) {
			s.t = s.t.Add(seconds(r, 1, 3))
			s.emit(a.typ, i, nil)
		}
	}
	s.t = s.t.Add(seconds(r, 2, 6))
}

func msDuration(v int64) time.Duration { return time.Duration(v) * time.Millisecond }

// answer plays a quiz: the more the learner watched, the more questions they
// answer; each is right more often when their level is above the difficulty.
// It reports whether they answered every question.
func (s *sim) answer(i int32, m meta, ratio float64) bool {
	r := s.r
	n := int(m.questions)
	answered := 0
	if ratio >= 0.3 {
		answered = min(n, int(math.Ceil(ratio*float64(n)+0.1)))
	}
	p := 1 / (1 + math.Exp(-(1.3*(s.l.Level-float64(m.diff)) + 0.6)))
	for q := range answered {
		s.t = s.t.Add(seconds(r, 4, 15))
		right := s.g.right(int(i), q)
		choice, correct := right, chance(r, p)
		if !correct {
			choice = (right + 1 + r.IntN(3)) % 4
		}
		s.emit(events.QuizAnswer, i, func(e *Event) { e.Answer, e.Correct = choiceID(q, choice), correct })
	}
	return n > 0 && answered == n
}

// advance moves the learner past the episode they are shown.
func (s *sim) advance(m meta) {
	sid := m.series
	s.next[sid] = int(m.episode)
	if int(m.episode) >= len(s.g.series[sid].episodes) {
		s.active = slices.DeleteFunc(s.active, func(x int32) bool { return x == sid })
	} else if !slices.Contains(s.active, sid) {
		s.active = append(s.active, sid)
	}
}

// giveUp drops a series: none of its episodes is shown again.
func (s *sim) giveUp(sid int32) {
	s.next[sid] = len(s.g.series[sid].episodes)
	s.active = slices.DeleteFunc(s.active, func(x int32) bool { return x == sid })
}

// finished counts a completion; a creator whose items the learner keeps
// finishing may win a follower.
func (s *sim) finished(m meta) {
	c := m.creator
	s.doneBy[c]++
	if s.doneBy[c] == followAfter && s.left > 0 && chance(s.r, 0.6) {
		s.followed = append(s.followed, c)
		at := s.t.Add(seconds(s.r, 1, 3))
		if now := s.g.cfg.Now; at.After(now) {
			at = now
		}
		s.h.Follows = append(s.h.Follows, Follow{Learner: s.l.Index, Creator: int(c), At: at.Truncate(time.Millisecond)})
	}
}
