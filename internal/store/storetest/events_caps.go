package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed/rank"
	"github.com/lyolearn/lyo/internal/store"
)

// testEventsCaps checks what a store owes the caps: the tallies fold is given
// are what earlier batches counted, whatever the batch or the concurrency; an
// answer fold leaves ungraded is stored without its grade; a second graded
// answer to one question is refused whole; Forget clears the tallies.
func testEventsCaps(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	creator := mustCreate(t, s, newUser(0))
	u, v := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	x := mustItem(t, s, creator.ID, 1)
	facts := map[string]events.ItemFacts{x: {ID: x, Visible: true}}
	fold := func(prior events.Tallies, fresh []events.Event) events.Deltas {
		return events.Fold(prior, fresh, facts)
	}
	ingest := func(userID string, evs ...events.Event) {
		t.Helper()
		if _, err := es.Ingest(ctx, userID, evs, fold); err != nil {
			t.Fatalf("Ingest: %v", err)
		}
	}
	views := func(prefix string, n int) []events.Event {
		out := make([]events.Event, n)
		for i := range out {
			out[i] = ev(fmt.Sprintf("%s%d", prefix, i), events.View, x, 10)
			out[i].WatchMS = 100
		}
		return out
	}
	maxViews, _ := events.Cap(events.View)

	// Two batches over one day's cap count the cap, once.
	ingest(u.ID, views("a", int(maxViews)-3)...)
	ingest(u.ID, views("b", 8)...)
	if got := mustStats(t, es, x)[x]; got.Views != maxViews || got.WatchMS != 100*maxViews {
		t.Errorf("after two batches: %d views, %d ms, want %d and %d", got.Views, got.WatchMS, maxViews, 100*maxViews)
	}

	// Concurrent batches of another learner agree on the cap too.
	var wg sync.WaitGroup
	for k := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := es.Ingest(ctx, v.ID, views(fmt.Sprintf("c%d-", k), 4), fold); err != nil {
				t.Errorf("concurrent Ingest: %v", err)
			}
		}()
	}
	wg.Wait()
	if got := mustStats(t, es, x)[x]; got.Views != 2*maxViews {
		t.Errorf("after concurrent batches: %d views, want %d", got.Views, 2*maxViews)
	}

	// The trending roll-up reads only what counted.
	trending, ok := s.(interface {
		RollUpTrending(ctx context.Context, until, keepFrom time.Time) (int, error)
		TrendingBuckets(ctx context.Context, since time.Time) ([]rank.Bucket, error)
	})
	if !ok {
		t.Fatalf("%T keeps no trending roll-up", s)
	}
	if _, err := trending.RollUpTrending(ctx, t0.Add(24*time.Hour), t0.Add(-24*time.Hour)); err != nil {
		t.Fatalf("RollUpTrending: %v", err)
	}
	buckets, err := trending.TrendingBuckets(ctx, t0.Add(-24*time.Hour))
	if err != nil {
		t.Fatalf("TrendingBuckets: %v", err)
	}
	var rolled int64
	for _, b := range buckets {
		if b.ItemID == x {
			rolled += b.Views
		}
	}
	if rolled != 2*maxViews {
		t.Errorf("trending counts %d views, want the %d that counted", rolled, 2*maxViews)
	}

	// Only the first answer to a question keeps its grade, across batches.
	yes, no := true, false
	answer := func(id, question string, correct *bool) events.Event {
		e := ev(id, events.QuizAnswer, x, 11)
		e.Answer, e.Question, e.Correct = id, question, correct
		return e
	}
	ingest(u.ID, answer("q1-first", "q1", &no), answer("q1-again", "q1", &yes), answer("q2-first", "q2", &yes))
	ingest(u.ID, answer("q1-third", "q1", &yes))
	log, _, err := es.Events(ctx, u.ID, 0, 0)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	graded := map[string]string{}
	for _, e := range log {
		if e.Type != events.QuizAnswer {
			continue
		}
		graded[e.ClientID] = "none"
		if e.Correct != nil {
			graded[e.ClientID] = fmt.Sprint(*e.Correct) + " " + e.Question
		}
	}
	want := map[string]string{"q1-first": "false q1", "q1-again": "none", "q2-first": "true q2", "q1-third": "none"}
	if fmt.Sprint(graded) != fmt.Sprint(want) {
		t.Errorf("stored grades %v, want %v", graded, want)
	}
	if got := mustStats(t, es, x)[x]; got.QuizAnswers != 2 || got.QuizCorrect != 1 {
		t.Errorf("quiz totals %d answers, %d right, want 2 and 1", got.QuizAnswers, got.QuizCorrect)
	}

	// A store never keeps two graded answers to one question, whatever fold says.
	lax := func(_ events.Tallies, fresh []events.Event) events.Deltas { return events.Fold(nil, fresh, facts) }
	if _, err := es.Ingest(ctx, u.ID, []events.Event{answer("q2-again", "q2", &no), ev("imp", events.Impression, x, 12)}, lax); err == nil {
		t.Errorf("a second graded answer to q2 was stored")
	}
	if got := mustStats(t, es, x)[x]; got.QuizAnswers != 2 || got.Impressions != 0 {
		t.Errorf("the refused batch left %+v", got)
	}

	// Forget clears the tallies with the log: counting starts again.
	log, _, _ = es.Events(ctx, u.ID, 0, 0)
	if err := es.Forget(ctx, u.ID, events.Fold(nil, log, facts)); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	ingest(u.ID, views("d", 1)...)
	if got := mustStats(t, es, x)[x]; got.Views != maxViews+1 {
		t.Errorf("after Forget and one view: %d views, want %d", got.Views, maxViews+1)
	}
}
