package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store"
)

// testHiddenEmpty covers what the catalogue can check alone; the engines' tests
// run HiddenItems with rows written as hide events write them.
func testHiddenEmpty(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1))
	it := mustCreateItem(t, cs, catalogItem(1, u.ID))
	if got, err := cs.HiddenItems(ctx, u.ID, content.Hidden{}, 0); err != nil || got == nil || len(got) != 0 {
		t.Errorf("HiddenItems = %v, %v; want an empty list", got, err)
	}
	if err := cs.Unhide(ctx, u.ID, it.ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("Unhide(not hidden) = %v, want content.ErrNotFound", err)
	}
}

// HiddenItems checks listing and undoing hidden items. Only hide events add them
// (through the events store), so hide stands in for one, writing a row as the
// events store does; each engine's tests pass raw SQL. s must be migrated.
func HiddenItems(t *testing.T, s store.Store, hide func(userID, itemID string, at time.Time)) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1)).ID
	other := mustCreate(t, s, newUser(2)).ID
	var it [5]content.Item
	for i := range it {
		it[i] = mustCreateItem(t, cs, catalogItem(i, other))
	}
	at1, at2, at3 := c0, c0.Add(time.Minute), c0.Add(2*time.Minute)
	hide(u, it[0].ID, at1)
	hide(u, it[1].ID, at2)
	hide(u, it[2].ID, at3)
	hide(u, it[3].ID, at3) // same time: the item ID breaks the tie
	hide(other, it[4].ID, at3)

	list := func(after content.Hidden, limit int) []content.Hidden {
		t.Helper()
		got, err := cs.HiddenItems(ctx, u, after, limit)
		if err != nil {
			t.Fatalf("HiddenItems: %v", err)
		}
		return got
	}
	all := []content.Hidden{{ItemID: it[3].ID, HiddenAt: at3}, {ItemID: it[2].ID, HiddenAt: at3},
		{ItemID: it[1].ID, HiddenAt: at2}, {ItemID: it[0].ID, HiddenAt: at1}}
	for _, tc := range []struct {
		name string
		got  []content.Hidden
		want []content.Hidden
	}{
		{"all", list(content.Hidden{}, 0), all},
		{"limit", list(content.Hidden{}, 2), all[:2]},
		{"after a tie", list(all[0], 0), all[1:]},
		{"after the tie", list(all[1], 0), all[2:]},
		{"after the last", list(all[3], 0), []content.Hidden{}},
	} {
		if diff := cmp.Diff(tc.want, tc.got, sameMicro); diff != "" {
			t.Errorf("HiddenItems %s (-want +got):\n%s", tc.name, diff)
		}
	}
	if got := list(content.Hidden{}, 1); got[0].HiddenAt.Location() != time.UTC {
		t.Errorf("HiddenAt in %v, want UTC", got[0].HiddenAt.Location())
	}

	if err := cs.Unhide(ctx, u, it[2].ID); err != nil {
		t.Fatalf("Unhide: %v", err)
	}
	if err := cs.Unhide(ctx, u, it[2].ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("Unhide again = %v, want content.ErrNotFound", err)
	}
	if err := cs.Unhide(ctx, u, it[4].ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("Unhide(another user's hidden item) = %v, want content.ErrNotFound", err)
	}
	// A deleted item leaves the list.
	if err := cs.DeleteItem(ctx, it[1].ID); err != nil {
		t.Fatalf("DeleteItem: %v", err)
	}
	want := []content.Hidden{all[0], all[3]}
	if diff := cmp.Diff(want, list(content.Hidden{}, 0), sameMicro); diff != "" {
		t.Errorf("after Unhide and DeleteItem (-want +got):\n%s", diff)
	}

	if err := cs.DeleteUserContentData(ctx, u); err != nil {
		t.Fatalf("DeleteUserContentData: %v", err)
	}
	if got := list(content.Hidden{}, 0); len(got) != 0 {
		t.Errorf("HiddenItems after DeleteUserContentData = %v, want none", got)
	}
	if got, err := cs.HiddenItems(ctx, other, content.Hidden{}, 0); err != nil || len(got) != 1 {
		t.Errorf("another user's hidden items = %v, %v; want theirs kept", got, err)
	}
}
