package synth

import (
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/lyolearn/lyo/internal/events"
)

// How a learner's feed is made up, and how they react.
const (
	eventsPerSession = 25   // on average; sessions vary around it
	continueChance   = 0.35 // the next impression continues a series in progress
	followedChance   = 0.08 // … or shows a followed creator's newest item
	exploreChance    = 0.2  // … or comes from any topic rather than an interest
	ownLanguage      = 0.85 // a non-English speaker's item is in their language
	completeRatio    = 0.9  // a view of at least this share of the item completes it
	followAfter      = 3    // completions of a creator's items before a learner may follow them
)

// History plays learner i's sessions: exactly Learner(i).Events events, unless
// the learner runs out of items they have not seen.
func (g *Generator) History(i int) History {
	s := g.newSim(i)
	s.run()
	return s.h
}

// Histories yields every learner's History in index order, one at a time.
func (g *Generator) Histories() iter.Seq[History] {
	return func(yield func(History) bool) {
		for i := range g.learners {
			if !yield(g.History(i)) {
				return
			}
		}
	}
}

// interestSet is a learner's interests in the form the simulation reads.
type interestSet struct {
	leaves  []int
	weights cumulative
	weight  map[int]float64
	parents map[int]bool
}

func (g *Generator) interestSet(in []Interest) interestSet {
	s := interestSet{weight: map[int]float64{}, parents: map[int]bool{}}
	w := make([]float64, len(in))
	for k, it := range in {
		j := g.leafIndex(it.Topic)
		s.leaves = append(s.leaves, j)
		s.weight[j] = it.Weight
		s.parents[g.leaves[j].parentIndex] = true
		w[k] = it.Weight
	}
	s.weights = newCumulative(w)
	return s
}

// sim is one learner's state while their sessions play.
type sim struct {
	g             *Generator
	l             Learner
	r             *rand.Rand
	h             History
	left          int // events still to make
	before, after interestSet
	lang          int
	seen          map[int32]bool
	next          map[int32]int // series → position of the episode to watch next; len(episodes) when done or given up
	active        []int32       // series started and not finished, in start order
	doneBy        map[int32]int // completions per creator
	followed      []int32
	t             time.Time
	session, pos  int
}

func (g *Generator) newSim(i int) *sim {
	l := g.learners[i]
	s := &sim{g: g, l: l, r: newRand(g.cfg.Seed, streamHistory, uint64(i)), left: l.Events, lang: langIndex(l.Language),
		seen: map[int32]bool{}, next: map[int32]int{}, doneBy: map[int32]int{}, h: History{Learner: i}}
	s.before = g.interestSet(l.Interests)
	if !l.DriftAt.IsZero() {
		s.after = g.interestSet(l.Drifted)
	}
	return s
}

func (s *sim) current() *interestSet {
	if !s.l.DriftAt.IsZero() && !s.t.Before(s.l.DriftAt) {
		return &s.after
	}
	return &s.before
}

// run spreads the learner's sessions over their time on the platform, mostly
// around a favourite hour of the day, and fills them with events.
func (s *sim) run() {
	if s.left == 0 {
		return
	}
	r := s.r
	hour := clamp(19+3*r.NormFloat64(), 6, 23.5)
	from := s.l.CreatedAt
	if from.Before(s.g.start) {
		from = s.g.start
	}
	to := s.g.cfg.Now.Add(-30 * time.Minute)
	if !from.Before(to) {
		from = to.Add(-time.Hour)
	}
	n := max(1, int(math.Round(float64(s.left)/eventsPerSession)))
	starts := make([]time.Time, n)
	for k := range starts {
		t := from.Add(time.Duration(r.Float64() * float64(to.Sub(from))))
		h := float64(t.Hour()) + float64(t.Minute())/60
		shift := math.Remainder(hour+2*r.NormFloat64()-h, 24)
		if moved := t.Add(time.Duration(shift * float64(time.Hour))); !moved.Before(from) && moved.Before(to) {
			t = moved
		}
		starts[k] = t.Truncate(time.Second)
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	for k := 0; k < n && s.left > 0; k++ {
		quota := s.left
		if k < n-1 {
			quota = min(s.left, max(1, int(float64(s.left/(n-k))*logNormal(r, 1, 0.4))))
		}
		s.t = starts[k]
		if k > 0 && s.t.Before(s.h.lastAt().Add(10*time.Minute)) {
			s.t = s.h.lastAt().Add(10*time.Minute + seconds(r, 0, 3600))
		}
		s.session, s.pos = k, 0
		for target := len(s.h.Events) + quota; s.left > 0 && len(s.h.Events) < target; s.pos++ {
			item, ok := s.choose()
			if !ok {
				return // the learner has seen everything there is
			}
			s.show(item)
		}
	}
}

func (h History) lastAt() time.Time {
	if len(h.Events) == 0 {
		return time.Time{}
	}
	return h.Events[len(h.Events)-1].At
}

func seconds(r *rand.Rand, lo, hi float64) time.Duration {
	return time.Duration(between(r, lo, hi) * float64(time.Second)).Truncate(time.Millisecond)
}

// choose picks the next item to show: a series in progress, a followed
// creator's newest item, an interest's popular item, or anything popular.
func (s *sim) choose() (int32, bool) {
	r, x := s.r, s.g.catalog
	avail := x.available(s.t)
	if len(s.active) > 0 && chance(r, continueChance) {
		for _, sid := range s.active {
			if ep := s.g.series[sid].episodes[s.next[sid]]; int(ep) < avail {
				return ep, true
			}
		}
	}
	if len(s.followed) > 0 && chance(r, followedChance) {
		list := x.byCreator[s.followed[r.IntN(len(s.followed))]]
		n := sort.Search(len(list), func(k int) bool { return int(list[k]) >= avail })
		for k := n - 1; k >= max(0, n-20); k-- {
			if it, ok := s.resolve(list[k], avail); ok {
				return it, true
			}
		}
	}
	explore := chance(r, exploreChance)
	for try := range 4 {
		var leaf int
		if explore || try >= 2 {
			leaf = x.leafPop.pick(r)
		} else {
			in := s.current()
			leaf = in.leaves[in.weights.pick(r)]
		}
		if it, ok := s.inTopic(leaf, avail); ok {
			return it, true
		}
	}
	start := r.IntN(max(avail, 1))
	for k := range avail {
		if it, ok := s.resolve(int32((start+k)%avail), avail); ok {
			return it, true
		}
	}
	return -1, false
}

// inTopic draws an unseen item of a leaf by its Zipf popularity, in the
// learner's language most of the time.
func (s *sim) inTopic(leaf, avail int) (int32, bool) {
	r, x := s.r, s.g.catalog
	lang := s.lang
	if !chance(r, ownLanguage) {
		lang = 0
	}
	list := x.list(leaf, lang)
	for l := 0; len(list) == 0 && l < len(languages); l++ {
		list = x.list(leaf, l)
	}
	if len(list) == 0 {
		return -1, false
	}
	for range 12 {
		if it, ok := s.resolve(list[x.zipf.pickPrefix(r, len(list))], avail); ok {
			return it, true
		}
	}
	for _, i := range list { // the topic is mostly seen: the most popular left
		if it, ok := s.resolve(i, avail); ok {
			return it, true
		}
	}
	return -1, false
}

// resolve says what the learner is shown when the feed lands on item i: i
// itself, or, for an episode, the next episode of that series for this learner
// (the first when they have not started it). ok is false when that is unseen
// or not published yet, or the series is finished or given up.
func (s *sim) resolve(i int32, avail int) (int32, bool) {
	if int(i) >= avail || s.seen[i] {
		return -1, false
	}
	m := s.g.items[i]
	if m.series < 0 {
		return i, true
	}
	eps := s.g.series[m.series].episodes
	pos := s.next[m.series]
	if pos >= len(eps) || int(eps[pos]) >= avail || s.seen[eps[pos]] {
		return -1, false
	}
	return eps[pos], true
}

// emit appends an event of the current impression, while the budget lasts.
func (s *sim) emit(typ events.Type, item int32, mod func(*Event)) bool {
	if s.left == 0 {
		return false
	}
	at := s.t
	if now := s.g.cfg.Now; at.After(now) {
		at = now
	}
	e := Event{Seq: len(s.h.Events), Learner: s.l.Index, Item: int(item), Type: typ, At: at.Truncate(time.Millisecond),
		Session: s.session, Position: s.pos}
	if mod != nil {
		mod(&e)
	}
	s.h.Events = append(s.h.Events, e)
	s.left--
	return true
}
