package rank

import (
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

	wCo             []model.Weighted2 // positive (A) and viewed (B) components
	wAll            []model.Weighted  // both together, for EASE and content
	refCo, refAll   []int32           // history index of each weighted entry
	accCo           *model.Accumulator
	accEASE, accSim *model.Accumulator
	top             *model.TopK
	solver          *model.Solver
	user            []float32

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

func newScratch(c *Catalogue) any {
	n := len(c.items)
	s := &scratch{
		slot: make([]int32, n), why: make([]uint8, n), histOf: make([]int32, n),
		topicAff: make([]float32, c.topics.Len()), topicFlag: make([]uint8, c.topics.Len()),
		topicSession: make([]int32, c.topics.Len()), topicCount: make([]int32, c.topics.Len()),
		creatorAff: make([]float32, c.creators.Len()), creatorFlag: make([]uint8, c.creators.Len()),
		creatorCount: make([]int32, c.creators.Len()),
		furthest:     make([]int32, c.series.Len()),
		top:          model.NewTopK(64),
	}
	if snap := c.snap; snap != nil && snap.Items != nil {
		m := snap.Items.Len()
		s.accCo = model.NewAccumulator(m)
		s.accEASE, s.accSim = model.NewAccumulator(m), model.NewAccumulator(m)
		if f := snap.Factors; f != nil {
			s.solver = model.NewSolver(f.K)
			s.user = make([]float32, f.K)
		}
	}
	return s
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
