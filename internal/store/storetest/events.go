package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

// eventStore is s as an events.Store; store.Store does not include it yet.
func eventStore(t *testing.T, s store.Store) events.Store {
	t.Helper()
	es, ok := s.(events.Store)
	if !ok {
		t.Fatalf("%T does not implement events.Store", s)
	}
	return es
}

// mustItem creates a published item of creatorID and returns its ID. Events need
// no item row, but hidden items refer to items.
func mustItem(t *testing.T, s store.Store, creatorID string, i int) string {
	t.Helper()
	cs, ok := s.(content.Store)
	if !ok {
		t.Fatalf("%T does not implement content.Store", s)
	}
	now := t0.Add(time.Duration(i) * time.Second)
	it := content.Item{ID: id.New(now), CreatorID: creatorID, Kind: content.Video, Title: fmt.Sprintf("Item %d", i),
		Status: content.Published, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	if err := cs.CreateItem(context.Background(), it); err != nil {
		t.Fatalf("CreateItem(%d): %v", i, err)
	}
	return it.ID
}

// ev is an event at minute m after t0, received a second later.
func ev(clientID string, typ events.Type, itemID string, m int) events.Event {
	at := t0.Add(time.Duration(m) * time.Minute)
	return events.Event{ClientID: clientID, Type: typ, ItemID: itemID, At: at, ReceivedAt: at.Add(time.Second)}
}

// countFold is a small stand-in for events.Fold: one count per event, a view's
// watch time, states in event order, and an affinity of 1 per event for topic
// "t-<item>" and creator "c".
func countFold(_ events.Tallies, evs []events.Event) events.Deltas {
	d := events.Deltas{Items: map[string]events.ItemCounts{}, Topics: map[string]float64{}, Creators: map[string]float64{},
		UserItems: map[string]events.UserItemDelta{}}
	for _, e := range evs {
		c, u := d.Items[e.ItemID], d.UserItems[e.ItemID]
		if u.FirstAt.IsZero() || e.At.Before(u.FirstAt) {
			u.FirstAt = e.At
		}
		if e.At.After(u.LastAt) {
			u.LastAt = e.At
		}
		yes, no := true, false
		switch e.Type {
		case events.Impression:
			c.Impressions++
			u.Impressions++
		case events.View:
			c.Views++
			u.Views++
			c.WatchMS += e.WatchMS
			u.WatchMS += e.WatchMS
		case events.Complete:
			c.Completions++
			u.Completed = true
		case events.Like:
			u.Liked = &yes
		case events.Unlike:
			u.Liked = &no
		case events.Save:
			u.Saved = &yes
		case events.Unsave:
			u.Saved = &no
		case events.Share:
			c.Shares++
		case events.Skip:
			c.Skips++
		case events.Hide:
			c.Hides++
			at := e.At
			u.HiddenAt = &at
		case events.QuizAnswer:
			c.QuizAnswers++
			if e.Correct != nil && *e.Correct {
				c.QuizCorrect++
			}
		}
		d.Items[e.ItemID], d.UserItems[e.ItemID] = c, u
		d.Topics["t-"+e.ItemID]++
		d.Creators["c"]++
	}
	return d
}

// recorder folds with countFold and keeps what each call received.
type recorder struct {
	mu    sync.Mutex
	calls [][]events.Event
}

func (r *recorder) fold(_ events.Tallies, fresh []events.Event) events.Deltas {
	r.mu.Lock()
	r.calls = append(r.calls, fresh)
	r.mu.Unlock()
	return countFold(nil, fresh)
}

func mustIngest(t *testing.T, es events.Store, userID string, evs ...events.Event) []bool {
	t.Helper()
	got, err := es.Ingest(context.Background(), userID, evs, countFold)
	if err != nil {
		t.Fatalf("Ingest(%s): %v", userID, err)
	}
	return got
}

func mustStats(t *testing.T, es events.Store, itemIDs ...string) map[string]events.ItemCounts {
	t.Helper()
	got, err := es.ItemStats(context.Background(), itemIDs)
	if err != nil {
		t.Fatalf("ItemStats: %v", err)
	}
	return got
}

func testEventsIngestDedup(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	u := mustCreate(t, s, newUser(1))
	correct := true
	a := ev("a", events.Impression, "x", 1)
	b := ev("b", events.QuizAnswer, "x", 2)
	b.SessionID, b.Answer, b.Correct, b.Position = "s1", "choice-2", &correct, 3
	aAgain := ev("a", events.View, "y", 3) // same client ID, other content: the first wins
	c := ev("c", events.View, "y", 4)
	c.WatchMS = 1500

	var rec recorder
	got, err := es.Ingest(ctx, u.ID, []events.Event{a, b, aAgain, c}, rec.fold)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	if want := []bool{true, true, false, true}; !cmp.Equal(got, want) {
		t.Errorf("first batch new = %v, want %v", got, want)
	}
	withUser := func(evs ...events.Event) []events.Event {
		for i := range evs {
			evs[i].UserID = u.ID
		}
		return evs
	}
	if diff := cmp.Diff([][]events.Event{withUser(a, b, c)}, rec.calls, sameMicro); diff != "" {
		t.Errorf("fold received (-want +got):\n%s", diff)
	}
	stats := mustStats(t, es, "x", "y")
	want := map[string]events.ItemCounts{"x": {Impressions: 1, QuizAnswers: 1, QuizCorrect: 1}, "y": {Views: 1, WatchMS: 1500}}
	if diff := cmp.Diff(want, stats); diff != "" {
		t.Errorf("ItemStats after first batch (-want +got):\n%s", diff)
	}

	// One old, one new twice.
	rec.calls = nil
	d := ev("d", events.Impression, "y", 5)
	got, err = es.Ingest(ctx, u.ID, []events.Event{b, d, d}, rec.fold)
	if err != nil {
		t.Fatalf("second Ingest: %v", err)
	}
	if want := []bool{false, true, false}; !cmp.Equal(got, want) {
		t.Errorf("second batch new = %v, want %v", got, want)
	}
	if diff := cmp.Diff([][]events.Event{withUser(d)}, rec.calls, sameMicro); diff != "" {
		t.Errorf("second fold received (-want +got):\n%s", diff)
	}

	// A client retrying the whole first batch changes nothing.
	rec.calls = nil
	before := mustStats(t, es, "x", "y")
	got, err = es.Ingest(ctx, u.ID, []events.Event{a, b, aAgain, c}, rec.fold)
	if err != nil {
		t.Fatalf("retried Ingest: %v", err)
	}
	if want := []bool{false, false, false, false}; !cmp.Equal(got, want) {
		t.Errorf("retried batch new = %v, want %v", got, want)
	}
	for _, call := range rec.calls {
		if len(call) > 0 {
			t.Errorf("retried batch folded %d events, want none", len(call))
		}
	}
	if diff := cmp.Diff(before, mustStats(t, es, "x", "y")); diff != "" {
		t.Errorf("ItemStats changed on retry (-before +after):\n%s", diff)
	}
	log, _, err := es.Events(ctx, u.ID, 0, 0)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if diff := cmp.Diff(withUser(a, b, c, d), log, sameMicro); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}

	// Another learner's client IDs are their own.
	other := mustCreate(t, s, newUser(2))
	if got := mustIngest(t, es, other.ID, a); !got[0] {
		t.Error("another learner's event with the same client ID was not new")
	}
	if n := mustStats(t, es, "x")["x"].Impressions; n != 2 {
		t.Errorf("x impressions = %d, want 2", n)
	}
	if got, err := es.Ingest(ctx, u.ID, nil, countFold); err != nil || len(got) != 0 {
		t.Errorf("Ingest(no events) = %v, %v; want nothing", got, err)
	}
}

func testEventsIngestErrors(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	u := mustCreate(t, s, newUser(1))
	_, err := es.Ingest(ctx, id.New(t0), []events.Event{ev("a", events.Impression, "x", 1)}, countFold)
	if !errors.Is(err, events.ErrNotFound) {
		t.Errorf("Ingest for an unknown learner = %v, want events.ErrNotFound", err)
	}
	// An event that names another learner must not land in this one's log.
	e := ev("a", events.Impression, "x", 1)
	e.UserID = "someone-else"
	if _, err := es.Ingest(ctx, u.ID, []events.Event{e}, countFold); err == nil {
		t.Error("Ingest of another learner's event succeeded")
	}
	// A failed fold application leaves no event behind: the retry is new.
	bad := func(events.Tallies, []events.Event) events.Deltas {
		return events.Deltas{UserItems: map[string]events.UserItemDelta{"x": {}}} // no time range
	}
	if _, err := es.Ingest(ctx, u.ID, []events.Event{ev("b", events.Impression, "x", 1)}, bad); err == nil {
		t.Error("Ingest with a user item delta lacking times succeeded")
	}
	if got := mustIngest(t, es, u.ID, ev("b", events.Impression, "x", 1)); !got[0] {
		t.Error("event of a failed Ingest was kept: its retry is not new")
	}
	if n := mustStats(t, es, "x")["x"].Impressions; n != 1 {
		t.Errorf("x impressions = %d, want 1", n)
	}

	// A fold that panics must not leave the transaction open: later writes go on.
	func() {
		defer func() { recover() }()
		es.Ingest(ctx, u.ID, []events.Event{ev("c", events.Impression, "x", 1)}, func(events.Tallies, []events.Event) events.Deltas { panic("fold") })
	}()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	got, err := es.Ingest(wctx, u.ID, []events.Event{ev("c", events.Impression, "x", 1)}, countFold)
	if err != nil || !got[0] {
		t.Errorf("Ingest after a panicking fold = %v, %v; want the event new", got, err)
	}
}

func testEventsItemStats(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	// Distinct numbers per counter catch a column written to or read from another.
	fixed := func(k int64) func(events.Tallies, []events.Event) events.Deltas {
		return func(events.Tallies, []events.Event) events.Deltas {
			return events.Deltas{Items: map[string]events.ItemCounts{"x": {Impressions: 1 * k, Views: 2 * k, Completions: 3 * k,
				Shares: 4 * k, Skips: 5 * k, Hides: 6 * k, QuizAnswers: 7 * k, QuizCorrect: 8 * k, WatchMS: 9 * k}}}
		}
	}
	for i, k := range []int64{1, 10} {
		u := mustCreate(t, s, newUser(i))
		if _, err := es.Ingest(ctx, u.ID, []events.Event{ev("a", events.Impression, "x", 1)}, fixed(k)); err != nil {
			t.Fatalf("Ingest: %v", err)
		}
	}
	got := mustStats(t, es, "x", "never-seen")
	want := map[string]events.ItemCounts{
		"x":          {Impressions: 11, Views: 22, Completions: 33, Shares: 44, Skips: 55, Hides: 66, QuizAnswers: 77, QuizCorrect: 88, WatchMS: 99},
		"never-seen": {},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ItemStats (-want +got):\n%s", diff)
	}
	if got := mustStats(t, es); len(got) != 0 {
		t.Errorf("ItemStats() = %v, want empty", got)
	}
}
