package feed

import (
	"slices"
	"time"
)

// sessionGap is the pause that ends a run of continuous use.
const sessionGap = 10 * time.Minute

// span is a stretch of continuous use.
type span struct{ from, to time.Time }

func (s span) minutes() float64 { return s.to.Sub(s.from).Minutes() }

// activeSpans merges what events say of a learner's time into stretches of
// continuous use: each event covers its moment and, for a view, the time
// watched before it; events closer than sessionGap belong to one stretch. The
// events may come in any order; the spans come oldest first.
func activeSpans(evs []Activity) []span {
	if len(evs) == 0 {
		return nil
	}
	parts := make([]span, 0, len(evs))
	for _, e := range evs {
		watched := time.Duration(max(e.WatchMS, 0)) * time.Millisecond
		parts = append(parts, span{from: e.At.Add(-watched), to: e.At})
	}
	slices.SortFunc(parts, func(a, b span) int { return a.from.Compare(b.from) })
	out := []span{parts[0]}
	for _, p := range parts[1:] {
		last := &out[len(out)-1]
		if p.from.Sub(last.to) <= sessionGap {
			if p.to.After(last.to) {
				last.to = p.to
			}
			continue
		}
		out = append(out, p)
	}
	return out
}
