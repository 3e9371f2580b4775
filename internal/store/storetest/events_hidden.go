package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store"
)

// testEventsHiddenItems checks listing and undoing hidden items, which hide
// events add.
func testEventsHiddenItems(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	cs := s.(content.Store)
	u := mustCreate(t, s, newUser(1)).ID
	other := mustCreate(t, s, newUser(2)).ID
	var it [5]string
	for i := range it {
		it[i] = mustItem(t, s, other, i)
	}
	if got, err := es.HiddenItems(ctx, u, events.Hidden{}, 0); err != nil || got == nil || len(got) != 0 {
		t.Errorf("HiddenItems(none hidden) = %v, %v; want an empty list", got, err)
	}
	if err := es.Unhide(ctx, u, it[0]); !errors.Is(err, events.ErrNotFound) {
		t.Errorf("Unhide(not hidden) = %v, want events.ErrNotFound", err)
	}
	at1, at2, at3 := t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(3*time.Minute)
	mustIngest(t, es, u, ev("h0", events.Hide, it[0], 1), ev("h1", events.Hide, it[1], 2))
	// Same time: the item ID breaks the tie.
	mustIngest(t, es, u, ev("h2", events.Hide, it[2], 3), ev("h3", events.Hide, it[3], 3))
	mustIngest(t, es, other, ev("h4", events.Hide, it[4], 3))

	list := func(after events.Hidden, limit int) []events.Hidden {
		t.Helper()
		got, err := es.HiddenItems(ctx, u, after, limit)
		if err != nil {
			t.Fatalf("HiddenItems: %v", err)
		}
		return got
	}
	hi, lo := max(it[2], it[3]), min(it[2], it[3])
	all := []events.Hidden{{ItemID: hi, HiddenAt: at3}, {ItemID: lo, HiddenAt: at3},
		{ItemID: it[1], HiddenAt: at2}, {ItemID: it[0], HiddenAt: at1}}
	for _, tc := range []struct {
		name string
		got  []events.Hidden
		want []events.Hidden
	}{
		{"all", list(events.Hidden{}, 0), all},
		{"limit", list(events.Hidden{}, 2), all[:2]},
		{"after a tie", list(all[0], 0), all[1:]},
		{"after the tie", list(all[1], 0), all[2:]},
		{"after the last", list(all[3], 0), []events.Hidden{}},
	} {
		if diff := cmp.Diff(tc.want, tc.got, sameMicro); diff != "" {
			t.Errorf("HiddenItems %s (-want +got):\n%s", tc.name, diff)
		}
	}
	if got := list(events.Hidden{}, 1); got[0].HiddenAt.Location() != time.UTC {
		t.Errorf("HiddenAt in %v, want UTC", got[0].HiddenAt.Location())
	}

	if err := es.Unhide(ctx, u, lo); err != nil {
		t.Fatalf("Unhide: %v", err)
	}
	if err := es.Unhide(ctx, u, lo); !errors.Is(err, events.ErrNotFound) {
		t.Errorf("Unhide again = %v, want events.ErrNotFound", err)
	}
	if err := es.Unhide(ctx, u, it[4]); !errors.Is(err, events.ErrNotFound) {
		t.Errorf("Unhide(another user's hidden item) = %v, want events.ErrNotFound", err)
	}
	// A deleted item leaves the list.
	if err := cs.DeleteItem(ctx, it[1]); err != nil {
		t.Fatalf("DeleteItem: %v", err)
	}
	want := []events.Hidden{all[0], all[3]}
	if diff := cmp.Diff(want, list(events.Hidden{}, 0), sameMicro); diff != "" {
		t.Errorf("after Unhide and DeleteItem (-want +got):\n%s", diff)
	}

	if err := es.Forget(ctx, u, events.Deltas{}); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if got := list(events.Hidden{}, 0); len(got) != 0 {
		t.Errorf("HiddenItems after Forget = %v, want none", got)
	}
	if got, err := es.HiddenItems(ctx, other, events.Hidden{}, 0); err != nil || len(got) != 1 {
		t.Errorf("another user's hidden items = %v, %v; want theirs kept", got, err)
	}
}
