package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// index finds the items of a leaf or a creator that exist at a given time.
type index struct {
	items     []itemFacts
	keys      []string
	byLeaf    [][]int // item indexes in creation order
	byCreator [][]int
	all       []int
	makers    [][]int // per leaf, the creators whose main topic it is
}

func (g *generator) index(plans []ItemPlan) *index {
	x := &index{items: g.items, keys: make([]string, len(plans)), byLeaf: make([][]int, len(leaves)), byCreator: make([][]int, len(g.creatorSpecs)),
		makers: make([][]int, len(leaves))}
	for i, it := range g.items {
		x.keys[i] = plans[i].Key
		x.byLeaf[it.leaf] = append(x.byLeaf[it.leaf], i)
		x.byCreator[it.creator] = append(x.byCreator[it.creator], i)
		x.all = append(x.all, i)
	}
	for c, spec := range g.creatorSpecs {
		x.makers[spec.leaves[0]] = append(x.makers[spec.leaves[0]], c)
	}
	return x
}

// before is how many of list (in creation order) exist at t.
func (x *index) before(list []int, t time.Time) int {
	return sort.Search(len(list), func(j int) bool { return !x.items[list[j]].created.Before(t) })
}

// simulate plays every learner's sessions and returns their follows and events.
func (g *generator) simulate(items []ItemPlan) ([]FollowPlan, []EventPlan) {
	x := g.index(items)
	var follows []FollowPlan
	var evs []EventPlan
	for li := range g.learnerSpecs {
		l := newLearner(g, x, li)
		l.onboard()
		for _, start := range l.sessionStarts() {
			l.session(start)
		}
		slices.SortStableFunc(l.events, func(a, b EventPlan) int { return a.At.Compare(b.At) })
		for n := range l.events {
			l.events[n].ID = fmt.Sprintf("seed-%d-%d", li+1, n+1)
		}
		evs = append(evs, l.events...)
		follows = append(follows, l.follows...)
	}
	slices.SortStableFunc(follows, func(a, b FollowPlan) int { return a.At.Compare(b.At) })
	return follows, evs
}

// learner is one learner's state while their sessions play.
type learner struct {
	g          *generator
	x          *index
	r          *rand.Rand
	i          int
	spec       learnerSpec
	max        float64 // the highest interest
	seen       map[int]bool
	doneBy     map[int]int // completions per creator
	following  []int
	nextEp     map[int]int // series → the episode to watch next
	inProgress []int       // series started and not finished, in start order
	events     []EventPlan
	follows    []FollowPlan
	sessions   int
	lastEnd    time.Time
}

func newLearner(g *generator, x *index, i int) *learner {
	l := &learner{g: g, x: x, r: newRand(g.cfg.Seed, streamSimulation+uint64(i)), i: i, spec: g.learnerSpecs[i],
		seen: map[int]bool{}, doneBy: map[int]int{}, nextEp: map[int]int{}}
	l.max = slices.Max(l.spec.interest)
	return l
}

// onboard follows a creator or two of the learner's favourite topic, as the
// sign-up flow suggests.
func (l *learner) onboard() {
	makers := l.x.makers[l.spec.top[0]]
	if len(makers) == 0 || !chance(l.r, 0.5) {
		return
	}
	for range 1 + l.r.IntN(2) {
		l.follow(pick(l.r, makers), at(l.spec.joined.Add(ms(l.r, 60, 600))))
	}
}

func (l *learner) follow(creator int, t time.Time) {
	if slices.Contains(l.following, creator) || t.After(l.g.cfg.Now) {
		return
	}
	l.following = append(l.following, creator)
	l.follows = append(l.follows, FollowPlan{LearnerIndex: l.i, CreatorIndex: creator, At: t})
}

// hourWeights shape a day: a little in the morning, lunch, most in the evening.
var hourWeights = []float64{1, 0.5, 0.3, 0.2, 0.2, 0.4, 1.5, 3, 3, 2, 2, 2.5, 3.5, 3, 2, 2, 2.5, 3.5, 5, 6, 6.5, 6, 4, 2}

// sessionStarts draws when the learner opens the app: the first soon after they
// joined (or when the window opens), the rest on random days at likely hours.
func (l *learner) sessionStarts() []time.Time {
	cfg := l.g.cfg
	lo := l.spec.joined
	if lo.Before(l.g.start) {
		lo = l.g.start
	}
	hi := cfg.Now.Add(-10 * time.Minute)
	if !lo.Before(hi) {
		return nil
	}
	active := hi.Sub(lo).Hours() / l.g.window.Hours()
	n := max(1, int(math.Round(1.9*float64(cfg.Days)/30*l.spec.activity*active)))
	starts := []time.Time{lo.Add(ms(l.r, 120, 1200))}
	if l.spec.joined.Before(l.g.start) {
		starts[0] = l.dayTime(lo, hi)
	}
	for len(starts) < n {
		starts = append(starts, l.dayTime(lo, hi))
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	return starts
}

// dayTime picks a day in [lo, hi) and an hour by hourWeights.
func (l *learner) dayTime(lo, hi time.Time) time.Time {
	for range 10 {
		day := lo.Add(time.Duration(l.r.Float64() * float64(hi.Sub(lo)))).Truncate(24 * time.Hour)
		t := day.Add(time.Duration(weighted(l.r, hourWeights))*time.Hour + ms(l.r, 0, 3600))
		if !t.Before(lo) && t.Before(hi) {
			return t
		}
	}
	return lo.Add(time.Duration(l.r.Float64() * float64(hi.Sub(lo))))
}
