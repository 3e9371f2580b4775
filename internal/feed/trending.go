package feed

import (
	"context"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// rollUpLag is how long after an event is received the trending roll-up reads
// it: time enough for the transaction that stores it to commit, on any node.
const rollUpLag = 10 * time.Second

// keepBuckets is how long trending buckets are kept: the longest window and a
// margin.
const keepBuckets = rank.WindowWeek + 24*time.Hour

// RollUpTrending adds the events received since the last roll-up (up to a
// few seconds ago) to the trending counters.
func (s *Service) RollUpTrending(ctx context.Context) (int, error) {
	now := s.now().UTC()
	return s.store.RollUpTrending(ctx, now.Add(-rollUpLag), now.Add(-keepBuckets))
}

// Trend is an item of a trending list.
type Trend struct {
	Entry
	// Velocity is the item's time-decayed engagement per hour in the window.
	Velocity float64
}

// Trending returns a page of the items whose engagement grows fastest in the
// window, in a topic when one is named, highest velocity first. It is the same
// for everyone: it reads no learner.
func (s *Service) Trending(_ context.Context, window time.Duration, topic string, offset, limit int) ([]Trend, bool, error) {
	x := s.cat.Current()
	explanation := "Trending now"
	if topic != "" {
		name, ok := x.TopicName(topic)
		if !ok {
			return nil, false, fault.New(ErrNotFound, "unknown_topic", "no topic has the slug %q", topic)
		}
		explanation = "Trending in " + name
	}
	var out []Trend
	skipped := 0
	for _, t := range x.Trending(window) {
		sum, ok := x.Summary(t.ItemID)
		if !ok || (topic != "" && !slices.Contains(sum.Topics, topic)) {
			continue
		}
		if skipped < offset {
			skipped++
			continue
		}
		if len(out) == limit {
			return out, true, nil
		}
		out = append(out, Trend{Entry: Entry{Item: sum, Explanation: explanation, Source: string(rank.SourceTrending)}, Velocity: t.Score})
	}
	return out, false, nil
}
