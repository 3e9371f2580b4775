package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

// BenchmarkIngest measures events.Store.Ingest with events.Fold over 1000 items
// and a handful of learners, in batches of 100 and 500, one caller at a time and
// with parallel callers (as HTTP handlers would be), and reports events/s. open
// returns a store on a fresh database, migrated or not.
func BenchmarkIngest(b *testing.B, open func(b *testing.B) store.Store) {
	// Cancellable, like a request's context: a driver may do work per statement
	// to watch it.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := open(b)
	b.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		b.Fatalf("Migrate: %v", err)
	}
	es, ok := s.(events.Store)
	if !ok {
		b.Fatalf("%T does not implement events.Store", s)
	}
	cs, ok := s.(content.Store)
	if !ok {
		b.Fatalf("%T does not implement content.Store", s)
	}
	const learners, creators, items = 16, 20, 1000
	var users []string
	for i := range learners + creators {
		u := newUser(i)
		if err := s.CreateUser(ctx, u); err != nil {
			b.Fatalf("CreateUser: %v", err)
		}
		users = append(users, u.ID)
	}
	topics := []string{"algebra", "biology", "chemistry", "drawing", "english", "french", "geometry", "history", "music", "physics"}
	facts := make(map[string]events.ItemFacts, items)
	itemIDs := make([]string, items)
	for i := range items {
		now := t0.Add(time.Duration(i) * time.Millisecond)
		it := content.Item{ID: id.New(now), CreatorID: users[learners+i%creators], Kind: content.Video, Title: fmt.Sprintf("Item %d", i),
			Topics: []string{topics[i%len(topics)], topics[(i*7+3)%len(topics)]}, DurationMS: 60_000,
			Status: content.Published, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
		if err := cs.CreateItem(ctx, it); err != nil {
			b.Fatalf("CreateItem: %v", err)
		}
		itemIDs[i] = it.ID
		facts[it.ID] = events.ItemFacts{ID: it.ID, CreatorID: it.CreatorID, Topics: it.Topics, DurationMS: it.DurationMS, Visible: true}
	}
	fold := func(prior events.Tallies, fresh []events.Event) events.Deltas {
		return events.Fold(prior, fresh, facts)
	}

	var seq atomic.Int64 // client IDs unique across every run
	batch := func(r *rand.Rand, userID string, n int) []events.Event {
		evs := make([]events.Event, n)
		base := seq.Add(int64(n)) - int64(n)
		now := time.Now()
		for i := range evs {
			e := events.Event{UserID: userID, ClientID: fmt.Sprintf("c%d", base+int64(i)), ItemID: itemIDs[r.IntN(items)],
				At: now.Add(time.Duration(i-n) * time.Second), ReceivedAt: now, SessionID: "s"}
			// A feed session: mostly impressions and views, some learning signals.
			switch p := r.IntN(100); {
			case p < 50:
				e.Type = events.Impression
			case p < 78:
				e.Type, e.WatchMS = events.View, r.Int64N(60_000)
			case p < 84:
				e.Type = events.Complete
			case p < 88:
				e.Type = events.Like
			case p < 89:
				e.Type = events.Unlike
			case p < 91:
				e.Type = events.Save
			case p < 92:
				e.Type = events.Share
			case p < 96:
				e.Type = events.Skip
			case p < 97:
				e.Type = events.Hide
			default:
				correct := r.IntN(2) == 0
				e.Type, e.Answer, e.Correct = events.QuizAnswer, "a", &correct
			}
			evs[i] = e
		}
		return evs
	}
	for _, n := range []int{100, 500} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, uint64(n)))
			i := 0
			for b.Loop() {
				u := users[i%learners]
				i++
				if _, err := es.Ingest(ctx, u, batch(r, u, n), fold); err != nil {
					b.Fatalf("Ingest: %v", err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
		})
		b.Run(fmt.Sprintf("batch=%d/parallel", n), func(b *testing.B) {
			var worker atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				w := worker.Add(1)
				r := rand.New(rand.NewPCG(uint64(w), uint64(n)))
				i := int(w)
				for pb.Next() {
					u := users[i%learners]
					i++
					if _, err := es.Ingest(ctx, u, batch(r, u, n), fold); err != nil {
						b.Errorf("Ingest: %v", err) // Fatal may not be called from a worker
						return
					}
				}
			})
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
