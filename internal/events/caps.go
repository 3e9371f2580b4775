package events

import "time"

// Caps bound what one learner's events count for one item: no more than a
// learner can honestly do. An event over its cap is accepted and kept in the
// log, but adds nothing to the counters and nothing to the learner's interests;
// the states it sets (liked, saved, completed, hidden) still follow it. Fold
// applies the caps in log order from what earlier events counted (Tallies), so
// ingestion batch by batch and a recomputation from the whole log agree.
//
// Only a learner's first answer to each quiz question is graded: later answers
// are kept without a grade, so repeating the question reveals nothing.
//
// The caps migration (0011) of each engine writes these numbers out to tally the
// events stored before it; each engine's TestMigrationBackfillsCaps fails when
// one side changes without the other.
var caps = map[Type]limit{
	Impression: {kind: "impression", n: 20, daily: true},
	View:       {kind: "view", n: 10, daily: true},
	Complete:   {kind: "complete", n: 5, daily: true},
	Skip:       {kind: "skip", n: 10, daily: true},
	Like:       {kind: "like", n: 4, daily: true}, // likes and unlikes together
	Unlike:     {kind: "like", n: 4, daily: true},
	Save:       {kind: "save", n: 4, daily: true},
	Unsave:     {kind: "save", n: 4, daily: true},
	Share:      {kind: "share", n: 1},
	Hide:       {kind: "hide", n: 1},
	QuizAnswer: {kind: "quiz", n: 1}, // per question
}

type limit struct {
	kind  string
	n     int64
	daily bool // per UTC day of the event's time, else ever
}

// Cap is how many events of type t count for one learner and item, per day
// (daily) or ever; a quiz answer's cap is per question.
func Cap(t Type) (n int64, daily bool) {
	l := caps[t]
	return l.n, l.daily
}

// TallyKey names one cap of one learner: an item, a kind of event, and a scope:
// the UTC day (YYYY-MM-DD) of a daily cap, the question of a quiz answer, or ""
// for a cap that never resets.
type TallyKey struct {
	ItemID string
	Kind   string
	Scope  string
}

// Tallies count, per key, the events that counted so far.
type Tallies map[TallyKey]int64

// keyOf returns the cap an event counts against; 0 when it has none.
func keyOf(e Event) (TallyKey, int64) {
	l, ok := caps[e.Type]
	if !ok {
		return TallyKey{}, 0
	}
	if e.Type == QuizAnswer && e.Question == "" {
		// An answer stored before answers named their question: counted, as the
		// migration that brought the caps left it.
		return TallyKey{}, 0
	}
	k := TallyKey{ItemID: e.ItemID, Kind: l.kind}
	switch {
	case e.Type == QuizAnswer:
		k.Scope = e.Question
	case l.daily:
		k.Scope = e.At.UTC().Format(time.DateOnly)
	}
	return k, l.n
}

// TallyKeys returns the distinct keys evs count against: what a store reads
// before it folds them.
func TallyKeys(evs []Event) []TallyKey {
	seen := make(map[TallyKey]bool, len(evs))
	out := make([]TallyKey, 0, len(evs))
	for _, e := range evs {
		if k, n := keyOf(e); n > 0 && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
