package rank

import (
	"sync"

	"github.com/lyolearn/lyo/internal/feed/model"
)

// Why a catalogue item was dropped before ranking (dense codes, named in traces).
const (
	dropNone uint8 = iota
	dropSeen
	dropHidden
	dropBlocked
	dropNotVisible
	dropMinor
	dropMuted
	dropServed
)

var dropNames = [...]string{"", "seen", "hidden", "blocked", "not_visible", "minor", "muted", "served"}

// whyTraced marks a drop reason already written to the trace.
const whyTraced uint8 = 0x80

// reason is why catalogue item i was filtered (dropNone when it was not).
func (s *scratch) reason(i int32) uint8 { return s.why[i] &^ whyTraced }

// Slot states of a catalogue item within one request.
const (
	slotFree     int32 = 0
	slotFiltered int32 = -1
)

// cand is one candidate of one request.
type cand struct {
	item     int32
	src      [numSources]float32 // what each source offered (0: not offered)
	ref      [numSources]int32   // what each source's explanation names: a history index or a topic, −1
	feat     Features
	pred     Predictions
	score    float64
	sample   float64 // exploration draw (fresh items)
	latent   float32 // ALS preference
	maxSim   float32 // MMR: similarity to the closest item already placed
	pos      int32   // place on the page, −1
	dropped  string
	explored bool
}

// histItem is one distinct item of the learner's recent history.
type histItem struct {
	cat  int32   // catalogue index, −1 when not indexed
	mod  int32   // snapshot index, −1 when untrained
	pos  float32 // positive component (may be negative: skipped, hidden)
	view float32 // viewed component
	verb uint8   // strongest event, for explanations
}

// scratch is the per-request working memory, pooled per catalogue so a
// request allocates little; every dense array is cleared through its touched
// list, costing only what the last request used.
type scratch struct {
	slot    []int32 // per catalogue item: slotFree, slotFiltered or candidate index + 1
	why     []uint8 // per catalogue item: drop reason when filtered
	histOf  []int32 // per catalogue item: history index + 1
	touched []int32

	cands []cand
	hist  []histItem
	drops []traceDrop

	wCo             []model.Weighted2  // positive (A) and viewed (B) components
	wAll            []model.Weighted   // both together, for EASE and content
	refCo, refAll   []int32            // history index of each weighted entry
	accCo           *model.Accumulator // nil when no model is bound
	accEASE, accSim *model.Accumulator
	// The accumulators kept for the next catalogue with a model, while
	// this one has none.
	accCoKept, accEASEKept, accSimKept *model.Accumulator
	top                                *model.TopK
	solver                             *model.Solver
	user                               []float32 // nil when the model has no factors
	userKept                           []float32 // user's array, kept while a catalogue has none

	topicAff     []float32 // per topic: the learner's affinity
	topicFlag    []uint8   // per topic: muted, boosted, chosen
	topicSession []int32   // per topic: served items in this session
	topicCount   []int32   // per topic: items on the page
	topicTouched []int32

	creatorAff     []float32
	creatorFlag    []uint8 // followed, blocked
	creatorCount   []int32
	creatorTouched []int32

	furthest       []int32 // per series: furthest episode with an event
	seriesTouched  []int32
	order, topTops []int32
}

const (
	flagMuted uint8 = 1 << iota
	flagBoosted
	flagChosen
	flagFollowed
	flagBlocked
)

type traceDrop struct {
	item   int32
	source int
	why    uint8
}

// Scratches pools the per-request working memory of rankings across
// catalogues. Serving builds a new catalogue every few seconds; with a pool of
// its own each would allocate megabytes of dense arrays per request in flight
// until its pool filled, while the last catalogue's pool was still alive.
// Shared, a scratch left by one catalogue is fitted to the next, reusing its
// arrays when they are large enough. The zero value is ready to use.
type Scratches struct{ pool sync.Pool }

// get returns a clean scratch fitted to c.
func (p *Scratches) get(c *Catalogue) *scratch {
	s, _ := p.pool.Get().(*scratch)
	if s == nil {
		s = &scratch{top: model.NewTopK(64)}
	}
	s.fit(c)
	return s
}

// put takes back a scratch once reset.
func (p *Scratches) put(s *scratch) { p.pool.Put(s) }

// fit sizes every dense array to c. Every entry up to an array's capacity is
// clean (reset clears what a request touched), so an array is resliced when
// its capacity is enough and made anew only when it is not.
func (s *scratch) fit(c *Catalogue) {
	n, nt, nc := len(c.items), c.topics.Len(), c.creators.Len()
	s.slot, s.why, s.histOf = fit(s.slot, n), fit(s.why, n), fit(s.histOf, n)
	s.topicAff, s.topicFlag = fit(s.topicAff, nt), fit(s.topicFlag, nt)
	s.topicSession, s.topicCount = fit(s.topicSession, nt), fit(s.topicCount, nt)
	s.creatorAff, s.creatorFlag, s.creatorCount = fit(s.creatorAff, nc), fit(s.creatorFlag, nc), fit(s.creatorCount, nc)
	s.furthest = fit(s.furthest, c.series.Len())
	s.accCo, s.accEASE, s.accSim, s.user = nil, nil, nil, nil
	snap := c.snap
	if snap == nil || snap.Items == nil {
		return
	}
	m := snap.Items.Len()
	for _, a := range []**model.Accumulator{&s.accCoKept, &s.accEASEKept, &s.accSimKept} {
		if *a == nil {
			*a = model.NewAccumulator(m)
		} else {
			(*a).Fit(m)
		}
	}
	s.accCo, s.accEASE, s.accSim = s.accCoKept, s.accEASEKept, s.accSimKept
	if f := snap.Factors; f != nil {
		if s.solver == nil || len(s.userKept) != f.K {
			s.solver, s.userKept = model.NewSolver(f.K), make([]float32, f.K)
		}
		s.user = s.userKept
	}
}

// fit returns a with length n: resliced within its capacity, else made anew.
func fit[T any](a []T, n int) []T {
	if n <= cap(a) {
		return a[:n]
	}
	return make([]T, n)
}

// reset clears everything a request touched.
func (s *scratch) reset() {
	for _, i := range s.touched {
		s.slot[i], s.why[i], s.histOf[i] = slotFree, dropNone, 0
	}
	for _, t := range s.topicTouched {
		s.topicAff[t], s.topicFlag[t], s.topicSession[t], s.topicCount[t] = 0, 0, 0, 0
	}
	for _, k := range s.creatorTouched {
		s.creatorAff[k], s.creatorFlag[k], s.creatorCount[k] = 0, 0, 0
	}
	for _, k := range s.seriesTouched {
		s.furthest[k] = 0
	}
	for _, a := range []*model.Accumulator{s.accCo, s.accEASE, s.accSim} {
		if a != nil {
			a.Reset()
		}
	}
	s.touched, s.topicTouched, s.creatorTouched, s.seriesTouched = s.touched[:0], s.topicTouched[:0], s.creatorTouched[:0], s.seriesTouched[:0]
	s.cands, s.hist, s.drops = s.cands[:0], s.hist[:0], s.drops[:0]
	s.wCo, s.wAll, s.refCo, s.refAll = s.wCo[:0], s.wAll[:0], s.refCo[:0], s.refAll[:0]
	s.order, s.topTops = s.order[:0], s.topTops[:0]
}

// touch records that catalogue item i's dense entries are in use.
func (s *scratch) touch(i int32) {
	if s.slot[i] == slotFree && s.why[i] == dropNone && s.histOf[i] == 0 {
		s.touched = append(s.touched, i)
	}
}

func (s *scratch) touchTopic(t int32) {
	if s.topicAff[t] == 0 && s.topicFlag[t] == 0 && s.topicSession[t] == 0 && s.topicCount[t] == 0 {
		s.topicTouched = append(s.topicTouched, t)
	}
}

func (s *scratch) touchCreator(k int32) {
	if s.creatorAff[k] == 0 && s.creatorFlag[k] == 0 && s.creatorCount[k] == 0 {
		s.creatorTouched = append(s.creatorTouched, k)
	}
}
