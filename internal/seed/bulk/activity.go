package bulk

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/seed/synth"
)

// activity generates and ingests every learner's history, Workers learners at
// a time, and imports their follows a batch at a time.
func (l *loader) activity(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var mu sync.Mutex // guards sum and follows
	var follows []content.Edge
	flush := func(force bool) error {
		mu.Lock()
		if len(follows) == 0 || (!force && len(follows) < l.o.Batch) {
			mu.Unlock()
			return nil
		}
		batch := follows
		follows = nil
		l.sum.Follows += len(batch)
		mu.Unlock()
		if err := l.st.ImportFollows(ctx, batch); err != nil {
			return fmt.Errorf("follows: %w", err)
		}
		return nil
	}
	var wg sync.WaitGroup
	for range l.o.Workers {
		wg.Go(func() {
			for i := range next {
				h := l.g.History(i)
				accepted, refused, err := l.ingest(ctx, h)
				mu.Lock()
				l.sum.Events += len(h.Events)
				l.sum.Accepted += accepted
				for reason, n := range refused {
					l.sum.Refused[reason] += n
				}
				for _, f := range h.Follows {
					follows = append(follows, content.Edge{UserID: l.learnerIDs[f.Learner], CreatorID: l.creatorIDs[f.Creator], CreatedAt: f.At})
				}
				mu.Unlock()
				if err == nil {
					err = flush(false)
				}
				if err != nil {
					cancel(err)
					return
				}
			}
		})
	}
feed:
	for i := range l.learnerIDs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return flush(true)
}

// ingest sends a learner's events in order, EventBatch at a time.
func (l *loader) ingest(ctx context.Context, h synth.History) (accepted int, refused map[string]int, err error) {
	userID := l.learnerIDs[h.Learner]
	refused = map[string]int{}
	batch := make([]events.Input, 0, min(len(h.Events), l.o.EventBatch))
	for from := 0; from < len(h.Events); from += l.o.EventBatch {
		batch = batch[:0]
		for _, e := range h.Events[from:min(from+l.o.EventBatch, len(h.Events))] {
			batch = append(batch, l.input(e))
		}
		results, err := l.in.Import(ctx, userID, batch)
		if err != nil {
			return accepted, refused, fmt.Errorf("events of learner %d: %w", h.Learner+1, err)
		}
		for _, r := range results {
			switch r.Status {
			case "accepted":
				accepted++
			case "rejected":
				refused[r.Reason]++
			default:
				refused[r.Status]++
			}
		}
		l.nEvents.Add(int64(len(batch)))
	}
	return accepted, refused, nil
}

// input is a generated event as a client sends it; its ID is unique per learner.
func (l *loader) input(e synth.Event) events.Input {
	return events.Input{ID: "syn-" + strconv.Itoa(e.Seq), Type: e.Type, ItemID: l.itemIDs[e.Item],
		At: e.At.UTC().Format(time.RFC3339Nano), SessionID: "s" + strconv.Itoa(e.Session), WatchMS: e.WatchMS,
		Position: e.Position, Answer: e.Answer}
}
