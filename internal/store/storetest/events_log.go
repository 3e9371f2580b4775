package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store"
)

func testEventsLog(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	u, other := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	yes, no := true, false
	var want []events.Event
	for i := range 8 {
		// Client IDs out of order, so the log must follow ingestion, not IDs.
		e := ev(fmt.Sprintf("e%d", 9-i), events.QuizAnswer, fmt.Sprintf("item-%d", i%3), i)
		e.UserID, e.SessionID, e.WatchMS, e.Position, e.Answer = u.ID, "session-1", int64(i*1000), i, fmt.Sprintf("choice-%d", i)
		e.Correct = []*bool{&yes, &no, nil}[i%3]
		want = append(want, e)
	}
	mustIngest(t, es, u.ID, want[:5]...)
	mustIngest(t, es, other.ID, ev("o1", events.Impression, "item-0", 1))
	mustIngest(t, es, u.ID, append([]events.Event{want[2]}, want[5:]...)...) // one already stored

	var got []events.Event
	var pages []int
	after := int64(0)
	for range 5 {
		page, last, err := es.Events(ctx, u.ID, after, 3)
		if err != nil {
			t.Fatalf("Events(after %d): %v", after, err)
		}
		if len(page) == 0 {
			if last != after {
				t.Errorf("empty page returned last %d, want the cursor %d back", last, after)
			}
			break
		}
		if last <= after {
			t.Errorf("page after %d ends at seq %d, want a later one", after, last)
		}
		got, after, pages = append(got, page...), last, append(pages, len(page))
	}
	if !cmp.Equal(pages, []int{3, 3, 2}) {
		t.Errorf("page sizes = %v, want [3 3 2]", pages)
	}
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	for _, e := range got {
		if e.At.Location() != time.UTC || e.ReceivedAt.Location() != time.UTC {
			t.Errorf("event %s: times not in UTC", e.ClientID)
		}
	}
	all, _, err := es.Events(ctx, u.ID, 0, 0)
	if err != nil || len(all) != len(want) {
		t.Errorf("Events(limit 0) = %d events, %v; want all %d", len(all), err, len(want))
	}
	if page, last, err := es.Events(ctx, "nobody", 0, 10); err != nil || len(page) != 0 || last != 0 {
		t.Errorf("Events(unknown learner) = %v, %d, %v; want nothing", page, last, err)
	}
}

// Forget takes a learner out of every total and leaves the others as they were.
func testEventsForget(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	creator := mustCreate(t, s, newUser(0))
	a, b := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	x, y := mustItem(t, s, creator.ID, 1), mustItem(t, s, creator.ID, 2)
	view := func(clientID, item string, m int) events.Event {
		e := ev(clientID, events.View, item, m)
		e.WatchMS = 700
		return e
	}
	// b first, so what b alone contributed can be read off.
	mustIngest(t, es, b.ID, ev("1", events.Impression, x, 1), view("2", x, 2), ev("3", events.Like, x, 3),
		ev("4", events.Save, y, 3), ev("5", events.Hide, y, 4))
	onlyB := mustStats(t, es, x, y)
	bItems, _ := es.UserItems(ctx, b.ID, nil)
	bTopics, bCreators, _ := es.Affinities(ctx, b.ID)

	mustIngest(t, es, a.ID, ev("1", events.Impression, x, 1), view("2", x, 2), ev("3", events.Like, x, 3),
		ev("4", events.Save, y, 4), ev("5", events.Like, y, 4), ev("6", events.Complete, y, 5))
	mustIngest(t, es, a.ID, ev("7", events.Hide, x, 6), ev("8", events.Share, y, 7), view("9", y, 8))
	if got := mustStats(t, es, x, y); got[x].Likes != 2 || got[y].Saves != 2 || got[y].Likes != 1 {
		t.Fatalf("before Forget: %+v, want x liked twice, y saved twice and liked once", got)
	}

	// The service folds the learner's log to learn their share.
	log, _, err := es.Events(ctx, a.ID, 0, 0)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if err := es.Forget(ctx, a.ID, countFold(nil, log)); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if diff := cmp.Diff(onlyB, mustStats(t, es, x, y)); diff != "" {
		t.Errorf("ItemStats after Forget (-only b +got):\n%s", diff)
	}
	if log, last, err := es.Events(ctx, a.ID, 0, 0); err != nil || len(log) != 0 || last != 0 {
		t.Errorf("a's log after Forget = %d events, last %d, %v; want none", len(log), last, err)
	}
	if got, err := es.UserItems(ctx, a.ID, nil); err != nil || len(got) != 0 {
		t.Errorf("a's items after Forget = %v, %v; want none", got, err)
	}
	if topics, creators, err := es.Affinities(ctx, a.ID); err != nil || len(topics)+len(creators) != 0 {
		t.Errorf("a's affinities after Forget = %v, %v, %v; want none", topics, creators, err)
	}
	if hidden, err := es.HiddenItems(ctx, a.ID, events.Hidden{}, 10); err != nil || len(hidden) != 0 {
		t.Errorf("a's hidden items after Forget = %v, %v; want none", hidden, err)
	}

	// b is untouched.
	if got, _ := es.UserItems(ctx, b.ID, nil); !cmp.Equal(bItems, got) {
		t.Errorf("b's items changed: %v, want %v", got, bItems)
	}
	if topics, creators, _ := es.Affinities(ctx, b.ID); !cmp.Equal(bTopics, topics) || !cmp.Equal(bCreators, creators) {
		t.Errorf("b's affinities changed: %v %v, want %v %v", topics, creators, bTopics, bCreators)
	}
	if log, _, _ := es.Events(ctx, b.ID, 0, 0); len(log) != 5 {
		t.Errorf("b's log has %d events, want 5", len(log))
	}
	if hidden, _ := es.HiddenItems(ctx, b.ID, events.Hidden{}, 10); len(hidden) != 1 {
		t.Errorf("b's hidden items = %v, want one", hidden)
	}

	// a may start again; the same client IDs are new.
	if got := mustIngest(t, es, a.ID, ev("3", events.Like, x, 9)); !got[0] {
		t.Error("after Forget, a's old client ID is not new")
	}
	if got := mustStats(t, es, x)[x]; got.Likes != onlyB[x].Likes+1 {
		t.Errorf("x likes = %d, want %d", got.Likes, onlyB[x].Likes+1)
	}
	if err := es.Forget(ctx, "nobody", events.Deltas{}); err != nil {
		t.Errorf("Forget(unknown learner) = %v, want nil", err)
	}
}
