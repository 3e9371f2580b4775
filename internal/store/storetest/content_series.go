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

func newSeries(i int, creatorID string, status content.Status) content.Series {
	now := c0.Add(time.Duration(i) * time.Minute)
	return content.Series{ID: id.New(now), CreatorID: creatorID, Title: "Series ✨", Description: "in order",
		Status: status, Version: 1, CreatedAt: now, UpdatedAt: now}
}

func mustSeries(t *testing.T, cs content.Store, seriesID string) content.Series {
	t.Helper()
	sr, err := cs.SeriesByID(context.Background(), seriesID)
	if err != nil {
		t.Fatalf("SeriesByID(%s): %v", seriesID, err)
	}
	return sr
}

func seriesIDs(list []content.Series) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func testSeries(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	a := mustCreate(t, s, newUser(1))
	b := mustCreate(t, s, newUser(2))
	s1 := newSeries(1, a.ID, content.Published)
	s2 := newSeries(2, a.ID, content.Draft)
	s3 := newSeries(3, b.ID, content.Published)
	for _, sr := range []content.Series{s1, s2, s3} {
		if err := cs.CreateSeries(ctx, sr); err != nil {
			t.Fatalf("CreateSeries: %v", err)
		}
	}
	got := mustSeries(t, cs, s1.ID)
	if diff := cmp.Diff(s1, got, sameMicro); diff != "" {
		t.Errorf("SeriesByID mismatch (-want +got):\n%s", diff)
	}
	if got.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt in %v, want UTC", got.CreatedAt.Location())
	}
	if _, err := cs.SeriesByID(ctx, id.New(c0)); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("SeriesByID(unknown) = %v, want content.ErrNotFound", err)
	}
	if err := cs.CreateSeries(ctx, s1); !errors.Is(err, content.ErrConflict) {
		t.Errorf("CreateSeries(taken ID) = %v, want content.ErrConflict", err)
	}
	if err := cs.CreateSeries(ctx, newSeries(4, id.New(c0), content.Draft)); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("CreateSeries(unknown creator) = %v, want content.ErrNotFound", err)
	}

	for _, tc := range []struct {
		name     string
		creator  string
		statuses []content.Status
		before   string
		limit    int
		want     []string
	}{
		{"everyone's", "", nil, "", 0, []string{s3.ID, s2.ID, s1.ID}},
		{"one creator", a.ID, nil, "", 0, []string{s2.ID, s1.ID}},
		{"published", "", []content.Status{content.Published}, "", 0, []string{s3.ID, s1.ID}},
		{"creator, published", a.ID, []content.Status{content.Published}, "", 0, []string{s1.ID}},
		{"page", "", nil, s3.ID, 1, []string{s2.ID}},
		{"past the end", "", nil, s1.ID, 0, []string{}},
	} {
		got, err := cs.ListSeries(ctx, tc.creator, tc.statuses, tc.before, tc.limit)
		if err != nil {
			t.Errorf("%s: ListSeries: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, seriesIDs(got)); diff != "" {
			t.Errorf("%s: ListSeries IDs (-want +got):\n%s", tc.name, diff)
		}
	}

	later := c0.Add(time.Hour)
	upd := content.Series{ID: s1.ID, CreatorID: b.ID, Title: "Renamed", Description: "", Status: content.Draft, Version: 1,
		Episodes: []content.Episode{{ItemID: "ignored"}}, CreatedAt: later, UpdatedAt: later}
	if err := cs.UpdateSeries(ctx, upd); err != nil {
		t.Fatalf("UpdateSeries: %v", err)
	}
	stale := upd
	stale.Title = "lost update"
	if err := cs.UpdateSeries(ctx, stale); !errors.Is(err, content.ErrPreconditionFailed) {
		t.Errorf("UpdateSeries(stale version) = %v, want content.ErrPreconditionFailed", err)
	}
	want := s1
	want.Title, want.Description, want.Status, want.UpdatedAt, want.Version = upd.Title, upd.Description, upd.Status, later, 2
	if diff := cmp.Diff(want, mustSeries(t, cs, s1.ID), sameMicro); diff != "" {
		t.Errorf("after UpdateSeries (-want +got):\n%s", diff)
	}
	if err := cs.UpdateSeries(ctx, newSeries(5, a.ID, content.Draft)); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("UpdateSeries(unknown) = %v, want content.ErrNotFound", err)
	}

	// Deleting a series keeps its items, outside any series.
	i1 := mustCreateItem(t, cs, catalogItem(1, a.ID))
	i2 := mustCreateItem(t, cs, catalogItem(2, a.ID))
	if err := cs.SetEpisodes(ctx, s1.ID, []string{i2.ID, i1.ID}, later); err != nil {
		t.Fatalf("SetEpisodes: %v", err)
	}
	if err := cs.DeleteSeries(ctx, s1.ID); err != nil {
		t.Fatalf("DeleteSeries: %v", err)
	}
	if _, err := cs.SeriesByID(ctx, s1.ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("SeriesByID(deleted) = %v, want content.ErrNotFound", err)
	}
	for _, it := range []content.Item{i1, i2} {
		if got := mustGetItem(t, cs, it.ID); got.SeriesID != "" || got.Episode != 0 {
			t.Errorf("item of a deleted series: SeriesID %q, Episode %d; want none", got.SeriesID, got.Episode)
		}
	}
	if err := cs.DeleteSeries(ctx, s1.ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("DeleteSeries again = %v, want content.ErrNotFound", err)
	}
}

func testSetEpisodes(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1))
	sr := newSeries(1, u.ID, content.Published)
	other := newSeries(2, u.ID, content.Published)
	for _, x := range []content.Series{sr, other} {
		if err := cs.CreateSeries(ctx, x); err != nil {
			t.Fatalf("CreateSeries: %v", err)
		}
	}
	var it [4]content.Item
	for i := range it {
		x := catalogItem(i, u.ID)
		if i == 3 {
			x.Status, x.PublishedAt = content.Draft, nil
		}
		it[i] = mustCreateItem(t, cs, x)
	}
	// check asserts the episodes of sr and every item's place.
	check := func(step string, wantIDs []string, wantUpdated time.Time) {
		t.Helper()
		got := mustSeries(t, cs, sr.ID)
		if !cmp.Equal(wantIDs, got.ItemIDs()) {
			t.Errorf("%s: ItemIDs = %q, want %q", step, got.ItemIDs(), wantIDs)
		}
		if !sameTime(got.UpdatedAt, wantUpdated) {
			t.Errorf("%s: UpdatedAt = %v, want %v", step, got.UpdatedAt, wantUpdated)
		}
		for _, x := range it {
			wantSeries, wantEpisode := "", 0
			for n, wid := range wantIDs {
				if wid == x.ID {
					wantSeries, wantEpisode = sr.ID, n+1
				}
			}
			got := mustGetItem(t, cs, x.ID)
			if got.SeriesID == other.ID {
				continue // checked where it moves there
			}
			if got.SeriesID != wantSeries || got.Episode != wantEpisode {
				t.Errorf("%s: item %s in %q as episode %d, want %q episode %d", step, x.Title, got.SeriesID, got.Episode, wantSeries, wantEpisode)
			}
		}
	}
	t1, t2 := c0.Add(time.Hour), c0.Add(2*time.Hour)
	if err := cs.SetEpisodes(ctx, sr.ID, []string{it[2].ID, it[0].ID, it[1].ID}, t1); err != nil {
		t.Fatalf("SetEpisodes: %v", err)
	}
	check("first", []string{it[2].ID, it[0].ID, it[1].ID}, t1)
	if got, err := cs.ListItems(ctx, content.ItemQuery{SeriesID: sr.ID}); err != nil || len(got) != 3 {
		t.Errorf("ListItems(series) = %d items, %v; want 3", len(got), err)
	}

	if err := cs.SetEpisodes(ctx, sr.ID, []string{it[1].ID, it[3].ID}, t2); err != nil {
		t.Fatalf("SetEpisodes (replace): %v", err)
	}
	check("replaced", []string{it[1].ID, it[3].ID}, t2)
	// The series names each episode's status and version, and every change of
	// place moves the versions of the items and of the series.
	replaced := mustSeries(t, cs, sr.ID)
	if replaced.Version != 3 {
		t.Errorf("series version %d after two SetEpisodes, want 3", replaced.Version)
	}
	wantEpisodes := []content.Episode{
		{ItemID: it[1].ID, Status: content.Published, Version: mustGetItem(t, cs, it[1].ID).Version},
		{ItemID: it[3].ID, Status: content.Draft, Version: mustGetItem(t, cs, it[3].ID).Version},
	}
	if diff := cmp.Diff(wantEpisodes, replaced.Episodes); diff != "" {
		t.Errorf("Episodes (-want +got):\n%s", diff)
	}
	for _, x := range []content.Item{it[0], it[1], it[2], it[3]} {
		if v := mustGetItem(t, cs, x.ID).Version; v <= x.Version {
			t.Errorf("item %s moved in and out of the series and kept version %d", x.Title, v)
		}
	}

	// Failures change nothing, not even the series' time.
	for _, tc := range []struct {
		name    string
		series  string
		ids     []string
		wantErr error
	}{
		{"unknown item", sr.ID, []string{it[0].ID, id.New(c0)}, content.ErrNotFound},
		{"item twice", sr.ID, []string{it[0].ID, it[0].ID}, content.ErrConflict},
		{"unknown series", id.New(c0), []string{it[0].ID}, content.ErrNotFound},
	} {
		if err := cs.SetEpisodes(ctx, tc.series, tc.ids, c0.Add(3*time.Hour)); !errors.Is(err, tc.wantErr) {
			t.Errorf("SetEpisodes(%s) = %v, want %v", tc.name, err, tc.wantErr)
		}
		check(tc.name, []string{it[1].ID, it[3].ID}, t2)
		if got := mustSeries(t, cs, sr.ID); got.Version != replaced.Version || !cmp.Equal(got.Episodes, replaced.Episodes) {
			t.Errorf("SetEpisodes(%s) failed but moved versions: %d %+v", tc.name, got.Version, got.Episodes)
		}
	}

	// An episode of one series moves when another claims it.
	if err := cs.SetEpisodes(ctx, other.ID, []string{it[3].ID}, t2); err != nil {
		t.Fatalf("SetEpisodes(other): %v", err)
	}
	if got := mustGetItem(t, cs, it[3].ID); got.SeriesID != other.ID || got.Episode != 1 {
		t.Errorf("moved item in %q as episode %d, want %q episode 1", got.SeriesID, got.Episode, other.ID)
	}
	if got := mustSeries(t, cs, sr.ID).ItemIDs(); !cmp.Equal(got, []string{it[1].ID}) {
		t.Errorf("series after its episode moved: ItemIDs = %q, want only %s", got, it[1].ID)
	}

	if err := cs.SetEpisodes(ctx, sr.ID, nil, t2); err != nil {
		t.Fatalf("SetEpisodes(none): %v", err)
	}
	if got := mustSeries(t, cs, sr.ID).ItemIDs(); len(got) != 0 {
		t.Errorf("after SetEpisodes(none): ItemIDs = %q, want none", got)
	}
}
