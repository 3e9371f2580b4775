package feed

import (
	"context"
	"time"

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

// RunRollUp rolls up trending counters every period until ctx ends.
func (s *Service) RunRollUp(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.RollUpTrending(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "feed: trending roll-up failed; it will catch up on the next run", "error", err)
		}
	}
}
