package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

// catalog is s as a content.Store; store.Store does not include it yet.
func catalog(t *testing.T, s store.Store) content.Store {
	t.Helper()
	cs, ok := s.(content.Store)
	if !ok {
		t.Fatalf("%T does not implement content.Store", s)
	}
	return cs
}

// c0 is the base of every time in the catalogue tests.
var c0 = time.Date(2025, 9, 1, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600))

// allTopics reads the whole taxonomy two topics a page, so every read also
// checks that pages follow each other.
func allTopics(t *testing.T, cs content.Store) []content.Topic {
	t.Helper()
	out := []content.Topic{}
	for after := ""; ; {
		page, err := cs.Topics(context.Background(), after, 2)
		if err != nil {
			t.Fatalf("Topics(after %q): %v", after, err)
		}
		if len(page) > 2 {
			t.Fatalf("Topics(limit 2) = %d topics", len(page))
		}
		out = append(out, page...)
		if len(page) < 2 {
			return out
		}
		after = page[len(page)-1].Slug
	}
}

// catalogItem returns a published item of creatorID with every field set; made in
// order of i, the IDs sort in that order.
func catalogItem(i int, creatorID string) content.Item {
	now := c0.Add(time.Duration(i) * time.Minute)
	published := now.Add(time.Second)
	return content.Item{
		ID: id.New(now), CreatorID: creatorID, Kind: content.Video,
		Title: fmt.Sprintf("Lesson %d", i), Description: "a short description", Body: "body text", Transcript: "spoken words",
		Topics: []string{"physics"}, Difficulty: 1 + i%5, Language: "en", DurationMS: 60_000 + int64(i),
		MediaIDs: []string{id.New(now)}, Status: content.Published, Version: 1, CreatedAt: now, UpdatedAt: now, PublishedAt: &published,
	}
}

func mustCreateItem(t *testing.T, cs content.Store, it content.Item) content.Item {
	t.Helper()
	if err := cs.CreateItem(context.Background(), it); err != nil {
		t.Fatalf("CreateItem(%s): %v", it.Title, err)
	}
	return it
}

func mustGetItem(t *testing.T, cs content.Store, itemID string) content.Item {
	t.Helper()
	it, err := cs.ItemByID(context.Background(), itemID)
	if err != nil {
		t.Fatalf("ItemByID(%s): %v", itemID, err)
	}
	return it
}

func testItemRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1))
	sr := content.Series{ID: id.New(c0), CreatorID: u.ID, Title: "Course", Status: content.Published, CreatedAt: c0, UpdatedAt: c0}
	if err := cs.CreateSeries(ctx, sr); err != nil {
		t.Fatalf("CreateSeries: %v", err)
	}

	full := catalogItem(1, u.ID)
	full.Kind = content.QuizKind
	full.Title, full.Body = "Ünïcode ✨ «quoted» title", "line one\nline two\ttabbed 'single' \"double\" \\ back"
	full.Topics = []string{"machine-learning", "go", "a"} // not in slug order: the item's order is kept
	full.SeriesID, full.Episode = sr.ID, 3
	full.MediaIDs = []string{id.New(c0), id.New(c0), id.New(c0)}
	full.Quiz = &content.Quiz{Questions: []content.Question{
		{ID: "q1", Prompt: "2 + 2?", Choices: []content.Choice{{ID: "a", Text: "4"}, {ID: "b", Text: "5"}}, Answer: "a", Explanation: "Sums."},
		{ID: "q2", Prompt: "Ünïcode?", Choices: []content.Choice{{ID: "c", Text: "✨"}}, Answer: "c"},
	}}
	mustCreateItem(t, cs, full)
	// Nothing optional set: no topics, media, quiz, series or publish time; a
	// new item starts at version 1 whatever it says.
	bare := content.Item{ID: id.New(c0), CreatorID: u.ID, Kind: content.Article, Title: "Bare", Status: content.Draft,
		Version: 7, CreatedAt: c0, UpdatedAt: c0}
	mustCreateItem(t, cs, bare)
	bare.Version = 1

	for _, want := range []content.Item{full, bare} {
		got := mustGetItem(t, cs, want.ID)
		if diff := cmp.Diff(want, got, sameMicro); diff != "" {
			t.Errorf("ItemByID(%s) mismatch (-want +got):\n%s", want.Title, diff)
		}
		if got.CreatedAt.Location() != time.UTC || got.UpdatedAt.Location() != time.UTC ||
			(got.PublishedAt != nil && got.PublishedAt.Location() != time.UTC) {
			t.Errorf("%s: times not in UTC: %v, %v, %v", want.Title, got.CreatedAt, got.UpdatedAt, got.PublishedAt)
		}
	}

	if _, err := cs.ItemByID(ctx, id.New(c0)); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("ItemByID(unknown) = %v, want content.ErrNotFound", err)
	}
	dup := catalogItem(2, u.ID)
	dup.ID = full.ID
	if err := cs.CreateItem(ctx, dup); !errors.Is(err, content.ErrConflict) {
		t.Errorf("CreateItem(taken ID) = %v, want content.ErrConflict", err)
	}
	noCreator := catalogItem(3, id.New(c0))
	noCreator.Topics = []string{"orphan-topic"}
	if err := cs.CreateItem(ctx, noCreator); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("CreateItem(unknown creator) = %v, want content.ErrNotFound", err)
	}
	noSeries := catalogItem(4, u.ID)
	noSeries.SeriesID, noSeries.Episode = id.New(c0), 1
	noSeries.Topics = []string{"orphan-topic"}
	if err := cs.CreateItem(ctx, noSeries); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("CreateItem(unknown series) = %v, want content.ErrNotFound", err)
	}
	// The failed creates left neither items nor the topics they would have created.
	if got, err := cs.ListItems(ctx, content.ItemQuery{}); err != nil || len(got) != 2 {
		t.Errorf("ListItems after failed creates = %d items, %v; want 2", len(got), err)
	}
	topics := allTopics(t, cs)
	for _, tp := range topics {
		if tp.Slug == "orphan-topic" {
			t.Errorf("a failed CreateItem left topic %q behind", tp.Slug)
		}
	}
}

func testItemUpdateDelete(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1))
	other := mustCreate(t, s, newUser(2))
	sr := content.Series{ID: id.New(c0), CreatorID: u.ID, Title: "Course", Status: content.Draft, CreatedAt: c0, UpdatedAt: c0}
	if err := cs.CreateSeries(ctx, sr); err != nil {
		t.Fatalf("CreateSeries: %v", err)
	}
	it := catalogItem(1, u.ID)
	it.Quiz = &content.Quiz{Questions: []content.Question{{ID: "q", Prompt: "?", Choices: []content.Choice{{ID: "x", Text: "x"}}, Answer: "x"}}}
	it.Topics = []string{"a", "b", "c"}
	mustCreateItem(t, cs, it)
	kept := mustCreateItem(t, cs, catalogItem(2, u.ID))

	later := c0.Add(time.Hour)
	upd := content.Item{
		ID: it.ID, CreatorID: other.ID, CreatedAt: later, // ignored: an update keeps these
		Kind: content.Lesson, Title: "New title", Description: "new description", Body: "new body", Transcript: "new transcript",
		Topics: []string{"c", "new-topic", "a"}, Difficulty: 5, Language: "pt-BR", DurationMS: 1,
		SeriesID: sr.ID, Episode: 1, Status: content.Removed, Version: it.Version, UpdatedAt: later,
	}
	if err := cs.UpdateItem(ctx, upd); err != nil {
		t.Fatalf("UpdateItem: %v", err)
	}
	// Only at the version it read: a second write of the same version is refused
	// and changes nothing.
	stale := upd
	stale.Title = "lost update"
	if err := cs.UpdateItem(ctx, stale); !errors.Is(err, content.ErrPreconditionFailed) {
		t.Errorf("UpdateItem(stale version) = %v, want content.ErrPreconditionFailed", err)
	}
	want := upd
	want.CreatorID, want.CreatedAt, want.Version = it.CreatorID, it.CreatedAt, it.Version+1
	if diff := cmp.Diff(want, mustGetItem(t, cs, it.ID), sameMicro); diff != "" {
		t.Errorf("after UpdateItem (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(kept, mustGetItem(t, cs, kept.ID), sameMicro); diff != "" {
		t.Errorf("UpdateItem changed another item (-want +got):\n%s", diff)
	}

	unknown := catalogItem(3, u.ID)
	if err := cs.UpdateItem(ctx, unknown); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("UpdateItem(unknown) = %v, want content.ErrNotFound", err)
	}
	badSeries := want
	badSeries.SeriesID = id.New(c0)
	if err := cs.UpdateItem(ctx, badSeries); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("UpdateItem(unknown series) = %v, want content.ErrNotFound", err)
	}

	if err := cs.DeleteItem(ctx, it.ID); err != nil {
		t.Fatalf("DeleteItem: %v", err)
	}
	if _, err := cs.ItemByID(ctx, it.ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("ItemByID(deleted) = %v, want content.ErrNotFound", err)
	}
	if err := cs.DeleteItem(ctx, it.ID); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("DeleteItem again = %v, want content.ErrNotFound", err)
	}
	mustGetItem(t, cs, kept.ID)
	// Topics outlive the items that named them.
	if got, err := cs.ListItems(ctx, content.ItemQuery{Topic: "new-topic"}); err != nil || len(got) != 0 {
		t.Errorf("ListItems(topic of the deleted item) = %d items, %v; want none", len(got), err)
	}
}

func testTopics(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	u := mustCreate(t, s, newUser(1))
	if got, err := cs.Topics(ctx, "", 0); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("Topics on a new database = %v, %v; want an empty list", got, err)
	}
	if err := cs.EnsureTopics(ctx, []content.Topic{{Slug: "science"}, {Slug: "physics", Name: "Physics!", Parent: "science"}}); err != nil {
		t.Fatalf("EnsureTopics: %v", err)
	}
	it := catalogItem(1, u.ID)
	it.Topics = []string{"b", "machine-learning", "a-b", "physics", "ab", "a", "b"} // "b" twice: counts once
	mustCreateItem(t, cs, it)
	if got := mustGetItem(t, cs, it.ID).Topics; !cmp.Equal(got, []string{"b", "machine-learning", "a-b", "physics", "ab", "a"}) {
		t.Errorf("item topics = %q, want them in the given order, once each", got)
	}
	// Existing topics keep their name and parent.
	if err := cs.EnsureTopics(ctx, []content.Topic{{Slug: "physics", Name: "Other"}, {Slug: "a", Parent: "science"}}); err != nil {
		t.Fatalf("EnsureTopics again: %v", err)
	}
	if err := cs.EnsureTopics(ctx, nil); err != nil {
		t.Errorf("EnsureTopics(nil): %v", err)
	}
	got := allTopics(t, cs)
	// Byte order: a locale's collation would put "a-b" after "ab" or beside it.
	want := []content.Topic{
		{Slug: "a", Name: "A"},
		{Slug: "a-b", Name: "A b"},
		{Slug: "ab", Name: "Ab"},
		{Slug: "b", Name: "B"},
		{Slug: "machine-learning", Name: "Machine learning"},
		{Slug: "physics", Name: "Physics!", Parent: "science"},
		{Slug: "science", Name: "Science"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Topics mismatch (-want +got):\n%s", diff)
	}
}
