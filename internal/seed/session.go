package seed

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

// session plays one visit: a feed of 10 to 40 items, each watched, finished,
// skipped, liked or hidden as the learner's interest in it says.
func (l *learner) session(start time.Time) {
	if gap := l.lastEnd.Add(20 * time.Minute); start.Before(gap) { // one device, one session at a time
		start = gap.Add(ms(l.r, 0, 3600))
	}
	if !start.Before(l.g.cfg.Now) {
		return
	}
	l.sessions++
	sid := fmt.Sprintf("seed-%d-s%d", l.i+1, l.sessions)
	n := 10 + int(30*math.Pow(l.r.Float64(), 1.6))
	t, autoplay := at(start), -1
	for p := range n {
		it := l.next(t, autoplay)
		if it < 0 {
			break
		}
		var ok bool
		if t, autoplay, ok = l.interact(it, p, t, sid); !ok {
			break
		}
	}
	l.lastEnd = t
}

// next chooses what the feed shows: the next episode of a series just finished,
// a series in progress, something new (exploration), a followed creator's item,
// or, mostly, an item of a topic drawn by interest. Items already seen are not
// shown again; a series is always entered at the learner's next episode.
func (l *learner) next(t time.Time, autoplay int) int {
	r := l.r
	if autoplay >= 0 && chance(r, 0.6) && l.x.items[autoplay].created.Before(t) {
		return autoplay
	}
	if len(l.inProgress) > 0 && chance(r, 0.2) {
		if it := l.episode(pick(r, l.inProgress), t); it >= 0 {
			return it
		}
	}
	for range 8 {
		var list []int
		switch u := r.Float64(); {
		case u < 0.12:
			list = l.x.all
		case u < 0.22 && len(l.following) > 0:
			list = l.x.byCreator[pick(r, l.following)]
		default:
			list = l.x.byLeaf[weighted(r, l.spec.interest)]
		}
		n := l.x.before(list, t)
		if n == 0 {
			continue
		}
		it := list[n-1-int(float64(n)*math.Pow(r.Float64(), 1.5))] // fresher items a little more often
		if s := l.x.items[it].series; s >= 0 {
			if it = l.episode(s, t); it < 0 {
				continue
			}
		}
		if !l.seen[it] {
			return it
		}
	}
	return -1
}

// episode is the learner's next episode of series s if it exists at t and has
// not been shown; -1 otherwise.
func (l *learner) episode(s int, t time.Time) int {
	eps := l.g.series[s]
	k := l.nextEp[s]
	if k >= len(eps) || l.seen[eps[k]] || !l.x.items[eps[k]].created.Before(t) {
		return -1
	}
	return eps[k]
}

// affinity is how much the learner cares about an item, 0 to 1: their interest
// in its topic relative to their strongest, a little for sibling topics, more
// for creators they follow, much less in a language they do not read.
func (l *learner) affinity(f itemFacts) float64 {
	a := l.spec.interest[f.leaf] / l.max
	if a == 0 && leaves[f.leaf].parent != "" {
		for _, li := range l.spec.top {
			if leaves[li].parent == leaves[f.leaf].parent {
				a = max(a, 0.2*l.spec.interest[li]/l.max)
			}
		}
	}
	if slices.Contains(l.following, f.creator) {
		a = min(1, a+0.15)
	}
	if !l.spec.speaks[f.lang] {
		a *= 0.2
	}
	return a
}

// lengthFactor makes long items less likely to be finished.
func lengthFactor(d time.Duration) float64 {
	return clamp(1.15-0.25*math.Log(d.Minutes()), 0.5, 1)
}

func scale(d time.Duration, f float64) time.Duration {
	return time.Duration(float64(d) * f).Truncate(time.Millisecond)
}

// interact plays one impression at position p from time t. It returns the time
// after it, the episode to offer next (-1: none), and false when the events
// would pass Now, which ends the session.
func (l *learner) interact(it, p int, t time.Time, sid string) (time.Time, int, bool) {
	r, f := l.r, l.x.items[it]
	l.seen[it] = true
	a := l.affinity(f)
	dur := time.Duration(f.durationMS) * time.Millisecond
	var out []EventPlan
	add := func(typ events.Type, when time.Time, watch time.Duration, answer string) {
		out = append(out, EventPlan{LearnerIndex: l.i, ItemKey: l.x.keys[it], Type: typ, At: at(when),
			SessionID: sid, WatchMS: watch.Milliseconds(), Position: p, Answer: answer})
	}
	watched := func(d time.Duration, complete bool) {
		t = t.Add(d)
		add(events.View, t, d, "")
		if complete {
			add(events.Complete, t, 0, "")
		}
	}
	skip := func() {
		d := ms(r, 0.5, 2.5)
		t = t.Add(d)
		add(events.Skip, t, d, "")
	}
	add(events.Impression, t, 0, "")
	t = t.Add(ms(r, 0.3, 1.5))
	completed := false
	switch f.kind {
	case content.Video, content.Image:
		pc := (0.08 + 0.72*a) * lengthFactor(dur)
		if f.kind == content.Image {
			pc = 0.25 + 0.6*a
		}
		switch {
		case chance(r, pc):
			watched(scale(dur, between(r, 1, 1.2)), true) // short videos loop a little
			completed = true
		case chance(r, 0.65-0.4*a):
			d := max(400*time.Millisecond, scale(dur, between(r, 0.02, 0.2)))
			watched(d, false)
			add(events.Skip, t, d, "")
		default:
			watched(scale(dur, between(r, 0.2, 0.9)), false)
		}
	case content.Article, content.Lesson:
		switch {
		case !chance(r, 0.2+0.65*a):
			skip()
		case chance(r, (0.3+0.55*a)*lengthFactor(dur/3)):
			watched(scale(dur, between(r, 0.7, 1.3)), true)
			completed = true
		default:
			watched(scale(dur, between(r, 0.05, 0.6)), false)
		}
	case content.QuizKind:
		if !chance(r, 0.25+0.65*a) {
			skip()
			break
		}
		begin := t
		pRight := clamp(0.35+0.5*a-0.06*float64(f.difficulty-3), 0.1, 0.95)
		answered := 0
		for _, q := range f.quiz {
			t = t.Add(scale(dur/time.Duration(len(f.quiz)), between(r, 0.6, 1.4)))
			answer := pick(r, q.wrong)
			if chance(r, pRight) {
				answer = q.right
			}
			add(events.QuizAnswer, t, 0, answer)
			if answered++; chance(r, 0.06) {
				break
			}
		}
		t = t.Add(ms(r, 1, 4))
		completed = answered == len(f.quiz)
		add(events.View, t, t.Sub(begin), "")
		if completed {
			add(events.Complete, t, 0, "")
		}
	}
	autoplay := -1
	if completed {
		autoplay = l.finished(f, &t, add, a)
	} else if a < 0.05 && chance(r, 0.05) {
		t = t.Add(ms(r, 0.5, 2))
		add(events.Hide, t, 0, "")
	}
	t = t.Add(ms(r, 0.2, 1.5))
	for _, e := range out {
		if e.At.After(l.g.cfg.Now) {
			return t, -1, false
		}
		l.events = append(l.events, e)
	}
	return t, autoplay, true
}

// finished reacts to a completion: likes, saves and shares at plausible rates,
// a follow after a few of a creator's items, and series progress. It returns
// the next episode to offer, or -1.
func (l *learner) finished(f itemFacts, t *time.Time, add func(events.Type, time.Time, time.Duration, string), a float64) int {
	r := l.r
	for _, react := range []struct {
		typ events.Type
		p   float64
	}{{events.Like, 0.015 + 0.08*a}, {events.Save, 0.004 + 0.03*a}, {events.Share, 0.002 + 0.01*a}} {
		if chance(r, react.p) {
			*t = t.Add(ms(r, 0.3, 3))
			add(react.typ, *t, 0, "")
		}
	}
	l.doneBy[f.creator]++
	if l.doneBy[f.creator] >= 3 && chance(r, 0.3) {
		l.follow(f.creator, at(*t))
	}
	if f.series < 0 {
		return -1
	}
	eps := l.g.series[f.series]
	l.nextEp[f.series] = f.episode // episodes count from 1: this is the next one's index
	if f.episode >= len(eps) {
		l.inProgress = slices.DeleteFunc(l.inProgress, func(s int) bool { return s == f.series })
		return -1
	}
	if !slices.Contains(l.inProgress, f.series) {
		l.inProgress = append(l.inProgress, f.series)
	}
	return eps[f.episode]
}
