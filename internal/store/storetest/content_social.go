package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

func mustFollows(t *testing.T, cs content.Store, q content.EdgeQuery) []content.Edge {
	t.Helper()
	got, err := cs.Follows(context.Background(), q)
	if err != nil {
		t.Fatalf("Follows(%+v): %v", q, err)
	}
	return got
}

// walkFollows reads every page of q, one edge per page.
func walkFollows(t *testing.T, cs content.Store, q content.EdgeQuery, otherSide func(content.Edge) string) []content.Edge {
	t.Helper()
	var all []content.Edge
	q.Limit = 1
	for range 10 {
		page := mustFollows(t, cs, q)
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		last := page[len(page)-1]
		q.AfterAt, q.AfterID = last.CreatedAt, otherSide(last)
	}
	t.Fatal("Follows pages never end")
	return nil
}

func testFollows(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	var u [6]string // learner, three creators, two more followers, IDs in this order
	for i := range u {
		u[i] = mustCreate(t, s, newUser(i)).ID
	}
	learner, c1, c2, c3, f1, f2 := u[0], u[1], u[2], u[3], u[4], u[5]
	at1, at2, at3 := c0, c0.Add(time.Minute), c0.Add(2*time.Minute)
	for _, e := range []content.Edge{
		{UserID: learner, CreatorID: c1, CreatedAt: at1},
		{UserID: learner, CreatorID: c2, CreatedAt: at2},
		{UserID: learner, CreatorID: c3, CreatedAt: at2}, // same time: the ID breaks the tie
		{UserID: learner, CreatorID: c1, CreatedAt: at3}, // again: keeps the first time
		{UserID: f1, CreatorID: c1, CreatedAt: at3},
		{UserID: f2, CreatorID: c1, CreatedAt: at3},
	} {
		if err := cs.Follow(ctx, e); err != nil {
			t.Fatalf("Follow(%+v): %v", e, err)
		}
	}
	following := []content.Edge{
		{UserID: learner, CreatorID: c3, CreatedAt: at2},
		{UserID: learner, CreatorID: c2, CreatedAt: at2},
		{UserID: learner, CreatorID: c1, CreatedAt: at1},
	}
	followers := []content.Edge{
		{UserID: f2, CreatorID: c1, CreatedAt: at3},
		{UserID: f1, CreatorID: c1, CreatedAt: at3},
		{UserID: learner, CreatorID: c1, CreatedAt: at1},
	}
	creatorOf := func(e content.Edge) string { return e.CreatorID }
	userOf := func(e content.Edge) string { return e.UserID }
	for _, tc := range []struct {
		name string
		got  []content.Edge
		want []content.Edge
	}{
		{"following", mustFollows(t, cs, content.EdgeQuery{UserID: learner}), following},
		{"following, page by page", walkFollows(t, cs, content.EdgeQuery{UserID: learner}, creatorOf), following},
		{"followers", mustFollows(t, cs, content.EdgeQuery{CreatorID: c1}), followers},
		{"followers, page by page", walkFollows(t, cs, content.EdgeQuery{CreatorID: c1}, userOf), followers},
		{"one edge", mustFollows(t, cs, content.EdgeQuery{UserID: learner, CreatorID: c2}), following[1:2]},
		{"limit", mustFollows(t, cs, content.EdgeQuery{CreatorID: c1, Limit: 2}), followers[:2]},
		{"nobody", mustFollows(t, cs, content.EdgeQuery{CreatorID: f1}), []content.Edge{}},
	} {
		if diff := cmp.Diff(tc.want, tc.got, sameMicro); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if got := mustFollows(t, cs, content.EdgeQuery{UserID: learner}); got[0].CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt in %v, want UTC", got[0].CreatedAt.Location())
	}
	if _, err := cs.Follows(ctx, content.EdgeQuery{}); err == nil {
		t.Error("Follows with neither user nor creator succeeded")
	}
	if err := cs.Follow(ctx, content.Edge{UserID: learner, CreatorID: id.New(c0), CreatedAt: at1}); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("Follow(unknown creator) = %v, want content.ErrNotFound", err)
	}

	if err := cs.Unfollow(ctx, learner, c2); err != nil {
		t.Fatalf("Unfollow: %v", err)
	}
	for _, pair := range [][2]string{{learner, c2}, {c2, learner}, {learner, id.New(c0)}} {
		if err := cs.Unfollow(ctx, pair[0], pair[1]); err != nil {
			t.Errorf("Unfollow(%s, %s) of no follow = %v, want nil", pair[0], pair[1], err)
		}
	}
	want := []content.Edge{following[0], following[2]}
	if diff := cmp.Diff(want, mustFollows(t, cs, content.EdgeQuery{UserID: learner}), sameMicro); diff != "" {
		t.Errorf("after Unfollow (-want +got):\n%s", diff)
	}
}

func testBlocks(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	learner := mustCreate(t, s, newUser(1)).ID
	c1 := mustCreate(t, s, newUser(2)).ID
	c2 := mustCreate(t, s, newUser(3)).ID
	at1, at2 := c0, c0.Add(time.Minute)
	for _, e := range []content.Edge{
		{UserID: learner, CreatorID: c1, CreatedAt: at1},
		{UserID: learner, CreatorID: c2, CreatedAt: at2},
		{UserID: learner, CreatorID: c1, CreatedAt: at2}, // again: keeps the first time
		{UserID: c1, CreatorID: c2, CreatedAt: at2},
	} {
		if err := cs.Block(ctx, e); err != nil {
			t.Fatalf("Block(%+v): %v", e, err)
		}
	}
	blocked := func() []content.Edge {
		t.Helper()
		got, err := cs.Blocked(ctx, learner)
		if err != nil {
			t.Fatalf("Blocked: %v", err)
		}
		return got
	}
	want := []content.Edge{{UserID: learner, CreatorID: c2, CreatedAt: at2}, {UserID: learner, CreatorID: c1, CreatedAt: at1}}
	if diff := cmp.Diff(want, blocked(), sameMicro); diff != "" {
		t.Errorf("Blocked (-want +got):\n%s", diff)
	}
	// Blocks are not follows.
	if got := mustFollows(t, cs, content.EdgeQuery{UserID: learner}); len(got) != 0 {
		t.Errorf("Follows after blocks = %v, want none", got)
	}
	if err := cs.Block(ctx, content.Edge{UserID: id.New(c0), CreatorID: c1, CreatedAt: at1}); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("Block by an unknown user = %v, want content.ErrNotFound", err)
	}
	if err := cs.Unblock(ctx, learner, c2); err != nil {
		t.Fatalf("Unblock: %v", err)
	}
	if err := cs.Unblock(ctx, learner, c2); err != nil {
		t.Errorf("Unblock again = %v, want nil", err)
	}
	if diff := cmp.Diff(want[1:], blocked(), sameMicro); diff != "" {
		t.Errorf("after Unblock (-want +got):\n%s", diff)
	}
	if got, err := cs.Blocked(ctx, c2); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Blocked(nobody blocked) = %v, %v; want an empty list", got, err)
	}
}

func testDeleteUserContentData(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	gone := mustCreate(t, s, newUser(1)).ID
	c1 := mustCreate(t, s, newUser(2)).ID
	c2 := mustCreate(t, s, newUser(3)).ID
	for _, e := range []content.Edge{{UserID: gone, CreatorID: c1}, {UserID: c2, CreatorID: gone}, {UserID: c1, CreatorID: c2}} {
		e.CreatedAt = c0
		if err := cs.Follow(ctx, e); err != nil {
			t.Fatalf("Follow: %v", err)
		}
		e.UserID, e.CreatorID = e.CreatorID, e.UserID
		if err := cs.Block(ctx, e); err != nil {
			t.Fatalf("Block: %v", err)
		}
	}
	own := newSeries(1, gone, content.Published)
	kept := newSeries(2, c1, content.Published)
	for _, sr := range []content.Series{own, kept} {
		if err := cs.CreateSeries(ctx, sr); err != nil {
			t.Fatalf("CreateSeries: %v", err)
		}
	}
	item := mustCreateItem(t, cs, catalogItem(1, gone))
	other := mustCreateItem(t, cs, catalogItem(2, c1))
	if err := cs.SetEpisodes(ctx, own.ID, []string{item.ID}, c0); err != nil {
		t.Fatalf("SetEpisodes: %v", err)
	}
	if err := cs.SetEpisodes(ctx, kept.ID, []string{other.ID}, c0); err != nil {
		t.Fatalf("SetEpisodes: %v", err)
	}

	if err := cs.DeleteUserContentData(ctx, gone); err != nil {
		t.Fatalf("DeleteUserContentData: %v", err)
	}
	for _, q := range []content.EdgeQuery{{UserID: gone}, {CreatorID: gone}, {UserID: c2}} {
		if got := mustFollows(t, cs, q); len(got) != 0 {
			t.Errorf("Follows(%+v) = %v, want none", q, got)
		}
	}
	if got := mustFollows(t, cs, content.EdgeQuery{UserID: c1}); len(got) != 1 || got[0].CreatorID != c2 {
		t.Errorf("another user's follow: Follows = %v, want c1 → c2 kept", got)
	}
	for _, u := range []string{gone, c1} {
		if got, err := cs.Blocked(ctx, u); err != nil || len(got) != 0 {
			t.Errorf("Blocked(%s) = %v, %v; want none", u, got, err)
		}
	}
	if got, err := cs.Blocked(ctx, c2); err != nil || len(got) != 1 {
		t.Errorf("another user's block: Blocked = %v, %v; want c2 → c1 kept", got, err)
	}
	if _, err := cs.SeriesByID(ctx, own.ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("SeriesByID(their series) = %v, want content.ErrNotFound", err)
	}
	if got := mustGetItem(t, cs, item.ID); got.SeriesID != "" || got.Episode != 0 {
		t.Errorf("their item: SeriesID %q, Episode %d; want it kept, outside any series", got.SeriesID, got.Episode)
	}
	if got := mustSeries(t, cs, kept.ID).ItemIDs(); !cmp.Equal(got, []string{other.ID}) {
		t.Errorf("another user's series: ItemIDs = %q, want it kept", got)
	}

	// Account deletion then removes the items.
	if err := cs.DeleteItemsByCreator(ctx, gone); err != nil {
		t.Fatalf("DeleteItemsByCreator: %v", err)
	}
	if _, err := cs.ItemByID(ctx, item.ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("ItemByID(their item) = %v, want content.ErrNotFound", err)
	}
	mustGetItem(t, cs, other.ID)
	if err := cs.DeleteItemsByCreator(ctx, gone); err != nil {
		t.Errorf("DeleteItemsByCreator again = %v, want nil", err)
	}
}
