package storetest

import (
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/events"
)

// CapsBackfill returns the events of one learner that an older release, before
// the caps, stored all counted, and the tallies the caps migration must derive
// from them (every other learner has none). The events exceed every cap on one
// UTC day, add a few on the next, mix likes with unlikes and saves with unsaves
// on one item, and hold quiz answers that name no question.
//
// The tallies are computed here from events.Cap and the keys events.TallyKeys
// gives each event alone, not by events.Fold nor by the migration's SQL, which
// writes the caps as literal numbers: a cap changed on one side only makes the
// engines' migration tests fail.
func CapsBackfill() ([]events.Event, map[events.TallyKey]int64) {
	// Late on one UTC day and early on the next: a day taken in any other time
	// zone would join or split them.
	day1 := time.Date(2026, 1, 2, 23, 50, 0, 0, time.UTC)
	day2 := time.Date(2026, 1, 3, 0, 10, 0, 0, time.UTC)
	var evs []events.Event
	add := func(typ events.Type, item string, at time.Time, n int) {
		for range n {
			at = at.Add(time.Second)
			evs = append(evs, events.Event{ClientID: fmt.Sprintf("c%d", len(evs)), Type: typ, ItemID: item,
				At: at, ReceivedAt: at.Add(time.Minute)})
		}
	}
	for _, typ := range []events.Type{events.Impression, events.View, events.Complete, events.Skip, events.Like,
		events.Unlike, events.Save, events.Unsave, events.Share, events.Hide} {
		n, _ := events.Cap(typ)
		item := "item-" + string(typ)
		add(typ, item, day1, int(n)+3)
		add(typ, item, day2, 2)
	}
	add(events.Like, "item-mixed", day1, 3)
	add(events.Unlike, "item-mixed", day1.Add(time.Minute), 3)
	add(events.Save, "item-mixed", day1, 3)
	add(events.Unsave, "item-mixed", day1.Add(time.Minute), 2)
	add(events.QuizAnswer, "item-quiz", day1, 3)

	count := map[events.TallyKey]int64{}
	limit := map[events.TallyKey]int64{}
	for _, e := range evs {
		keys := events.TallyKeys([]events.Event{e})
		if len(keys) == 0 {
			continue
		}
		count[keys[0]]++
		limit[keys[0]], _ = events.Cap(e.Type)
	}
	want := make(map[events.TallyKey]int64, len(count))
	for k, n := range count {
		want[k] = min(n, limit[k])
	}
	return evs, want
}
