package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store"
)

func testEventsLikes(t *testing.T, s store.Store) {
	es := eventStore(t, s)
	a, b := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	check := func(step string, likes, saves int64) {
		t.Helper()
		if got := mustStats(t, es, "x")["x"]; got.Likes != likes || got.Saves != saves {
			t.Errorf("%s: likes %d, saves %d; want %d, %d", step, got.Likes, got.Saves, likes, saves)
		}
	}
	mustIngest(t, es, a.ID, ev("1", events.Like, "x", 1))
	check("a likes", 1, 0)
	mustIngest(t, es, a.ID, ev("2", events.Unlike, "x", 2))
	check("a unlikes", 0, 0)
	mustIngest(t, es, a.ID, ev("3", events.Unlike, "x", 3))
	check("a unlikes again", 0, 0)
	mustIngest(t, es, a.ID, ev("4", events.Like, "x", 4))
	check("a likes again", 1, 0)
	mustIngest(t, es, a.ID, ev("5", events.Like, "x", 5), ev("6", events.Save, "x", 5))
	check("a likes once more and saves", 1, 1)
	mustIngest(t, es, b.ID, ev("1", events.Like, "x", 6))
	check("b likes", 2, 1)
	// Within a batch the last state wins: liked, then not, is no change for b.
	mustIngest(t, es, b.ID, ev("2", events.Unlike, "x", 7), ev("3", events.Like, "x", 8), ev("4", events.Unlike, "x", 9))
	check("b unlikes", 1, 1)
	mustIngest(t, es, b.ID, ev("5", events.Like, "x", 10), ev("6", events.Unlike, "x", 11))
	check("b likes and unlikes in one batch", 1, 1)
	mustIngest(t, es, a.ID, ev("7", events.Unsave, "x", 12))
	check("a unsaves", 1, 0)

	got, err := es.UserItems(context.Background(), a.ID, []string{"x"})
	if err != nil {
		t.Fatalf("UserItems: %v", err)
	}
	if u := got["x"]; !u.Liked || u.Saved {
		t.Errorf("a's state: liked %v, saved %v; want liked, not saved", u.Liked, u.Saved)
	}
}

// Nodes ingest at once: for different learners on the same item, for one learner
// from two devices, and the same batch twice (a retry racing the original).
func testEventsConcurrentIngest(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	const learners, batches, perBatch = 8, 5, 10
	users := make([]string, learners)
	for i := range users {
		users[i] = mustCreate(t, s, newUser(i)).ID
	}
	errs := make(chan error, 3*learners*batches)
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			for j := range batches {
				var batch []events.Event
				for k := range perBatch {
					e := ev(fmt.Sprintf("%d-%d", j, k), events.View, "x", j)
					e.WatchMS = 100
					batch = append(batch, e)
				}
				// Every learner ends up liking x; the odd ones toggle on the way.
				if i%2 == 1 && j == 1 {
					batch = append(batch, ev(fmt.Sprintf("unlike-%d", j), events.Unlike, "x", j))
				} else {
					batch = append(batch, ev(fmt.Sprintf("like-%d", j), events.Like, "x", j))
				}
				if _, err := es.Ingest(ctx, u, batch, countFold); err != nil {
					errs <- err
				}
			}
		})
	}
	// One learner, four devices, each liking and saving y once.
	for d := range 4 {
		wg.Go(func() {
			batch := []events.Event{ev(fmt.Sprintf("dev%d-like", d), events.Like, "y", d), ev(fmt.Sprintf("dev%d-save", d), events.Save, "y", d)}
			if _, err := es.Ingest(ctx, users[0], batch, countFold); err != nil {
				errs <- err
			}
		})
	}
	// The same batch four times at once: exactly one call may take each event.
	same := []events.Event{ev("r1", events.Impression, "z", 1), ev("r2", events.Like, "z", 2)}
	newCount := make([]int, len(same))
	var mu sync.Mutex
	for range 4 {
		wg.Go(func() {
			got, err := es.Ingest(ctx, users[1], same, countFold)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for i, n := range got {
				if n {
					newCount[i]++
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Ingest: %v", err)
	}
	if !cmp.Equal(newCount, []int{1, 1}) {
		t.Errorf("racing retries: times each event was new = %v, want [1 1]", newCount)
	}
	want := map[string]events.ItemCounts{
		"x": {Views: learners * batches * perBatch, WatchMS: 100 * learners * batches * perBatch, Likes: learners},
		"y": {Likes: 1, Saves: 1},
		"z": {Impressions: 1, Likes: 1},
	}
	if diff := cmp.Diff(want, mustStats(t, es, "x", "y", "z")); diff != "" {
		t.Errorf("ItemStats after concurrent ingestion (-want +got):\n%s", diff)
	}
	for _, u := range users {
		got, err := es.UserItems(ctx, u, []string{"x"})
		if err != nil {
			t.Fatalf("UserItems: %v", err)
		}
		if x := got["x"]; x.Views != batches*perBatch || !x.Liked {
			t.Errorf("learner %s: x views %d, liked %v; want %d, liked", u, x.Views, x.Liked, batches*perBatch)
		}
	}
}

func testEventsAffinities(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	u, other := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	fixed := func(topics, creators map[string]float64) func(events.Tallies, []events.Event) events.Deltas {
		return func(events.Tallies, []events.Event) events.Deltas {
			return events.Deltas{Topics: topics, Creators: creators}
		}
	}
	batches := []struct{ topics, creators map[string]float64 }{
		{map[string]float64{"go": 1.5, "sql": 0.25}, map[string]float64{"c1": 2}},
		{map[string]float64{"go": 1}, map[string]float64{"c2": -0.5, "go": 7}}, // a creator ID may equal a slug
		{nil, nil},
	}
	for i, b := range batches {
		if _, err := es.Ingest(ctx, u.ID, []events.Event{ev(fmt.Sprint(i), events.View, "x", i)}, fixed(b.topics, b.creators)); err != nil {
			t.Fatalf("Ingest %d: %v", i, err)
		}
	}
	topics, creators, err := es.Affinities(ctx, u.ID)
	if err != nil {
		t.Fatalf("Affinities: %v", err)
	}
	if diff := cmp.Diff(map[string]float64{"go": 2.5, "sql": 0.25}, topics); diff != "" {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]float64{"c1": 2, "c2": -0.5, "go": 7}, creators); diff != "" {
		t.Errorf("creators (-want +got):\n%s", diff)
	}
	topics, creators, err = es.Affinities(ctx, other.ID)
	if err != nil || len(topics) != 0 || len(creators) != 0 {
		t.Errorf("another learner's affinities = %v, %v, %v; want none", topics, creators, err)
	}
}

func testEventsUserItems(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	u, other := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	view := func(clientID string, m int, ms int64) events.Event {
		e := ev(clientID, events.View, "x", m)
		e.WatchMS = ms
		return e
	}
	mustIngest(t, es, u.ID, ev("1", events.Impression, "x", 10), view("2", 12, 3000), ev("3", events.Impression, "y", 11))
	// Replayed late: an impression from before the first, and a completion.
	mustIngest(t, es, u.ID, ev("4", events.Impression, "x", 5), ev("5", events.Complete, "x", 20))
	// A later view without completion does not undo it, nor move first or last.
	mustIngest(t, es, u.ID, view("6", 15, 500))
	mustIngest(t, es, other.ID, ev("1", events.Impression, "x", 1))

	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	x := events.UserItem{ItemID: "x", FirstAt: at(5), LastAt: at(20), Impressions: 2, Views: 2, WatchMS: 3500, Completed: true}
	y := events.UserItem{ItemID: "y", FirstAt: at(11), LastAt: at(11), Impressions: 1}
	for _, tc := range []struct {
		ids  []string
		want map[string]events.UserItem
	}{
		{nil, map[string]events.UserItem{"x": x, "y": y}},
		{[]string{"x", "unknown"}, map[string]events.UserItem{"x": x}},
		{[]string{}, map[string]events.UserItem{}},
	} {
		got, err := es.UserItems(ctx, u.ID, tc.ids)
		if err != nil {
			t.Fatalf("UserItems(%v): %v", tc.ids, err)
		}
		if diff := cmp.Diff(tc.want, got, sameMicro); diff != "" {
			t.Errorf("UserItems(%v) (-want +got):\n%s", tc.ids, diff)
		}
		for _, it := range got {
			if it.FirstAt.Location() != time.UTC || it.LastAt.Location() != time.UTC {
				t.Errorf("UserItems(%v)[%s]: times not in UTC", tc.ids, it.ItemID)
			}
		}
	}
}

func testEventsHide(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	cs := s.(content.Store)
	creator, u := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	x, gone := mustItem(t, s, creator.ID, 1), mustItem(t, s, creator.ID, 2)
	if err := cs.DeleteItem(ctx, gone); err != nil {
		t.Fatalf("DeleteItem: %v", err)
	}
	// An item deleted after its events were validated is no reason to fail.
	mustIngest(t, es, u.ID, ev("1", events.Hide, x, 1), ev("2", events.Hide, gone, 1))
	// Hiding again keeps the first time.
	mustIngest(t, es, u.ID, ev("3", events.Hide, x, 2))
	hidden, err := es.HiddenItems(ctx, u.ID, events.Hidden{}, 10)
	if err != nil {
		t.Fatalf("HiddenItems: %v", err)
	}
	if len(hidden) != 1 || hidden[0].ItemID != x || !sameTime(hidden[0].HiddenAt, t0.Add(time.Minute)) {
		t.Errorf("HiddenItems = %+v, want only %s hidden at %v", hidden, x, t0.Add(time.Minute))
	}
	if got := mustStats(t, es, x, gone); got[x].Hides != 2 || got[gone].Hides != 1 {
		t.Errorf("hides = %d and %d, want 2 and 1 (the log keeps what happened)", got[x].Hides, got[gone].Hides)
	}
}
