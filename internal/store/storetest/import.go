package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

func testImportUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.ImportUsers(ctx, nil); err != nil {
		t.Fatalf("ImportUsers(nothing): %v", err)
	}
	batch := []auth.User{newUser(1), newUser(2), newUser(3)}
	batch[1].Role, batch[2].Profile = "creator", auth.Profile{} // an empty profile round-trips too
	if err := s.ImportUsers(ctx, batch); err != nil {
		t.Fatalf("ImportUsers: %v", err)
	}
	for _, want := range batch {
		got, err := s.UserByEmail(ctx, want.Email)
		if err != nil {
			t.Fatalf("UserByEmail(%s): %v", want.Email, err)
		}
		if diff := cmp.Diff(want, got, sameMicro); diff != "" {
			t.Errorf("imported user %s (-want +got):\n%s", want.Username, diff)
		}
	}

	// A clash anywhere in a batch writes none of it.
	emailClash := []auth.User{newUser(4), newUser(5)}
	emailClash[1].Email = batch[0].Email
	if err := s.ImportUsers(ctx, emailClash); !errors.Is(err, auth.ErrEmailTaken) {
		t.Errorf("ImportUsers(an email taken) = %v, want auth.ErrEmailTaken", err)
	}
	nameClash := []auth.User{newUser(6), newUser(7)}
	nameClash[1].Username = batch[2].Username
	if err := s.ImportUsers(ctx, nameClash); !errors.Is(err, auth.ErrUsernameTaken) {
		t.Errorf("ImportUsers(a username taken) = %v, want auth.ErrUsernameTaken", err)
	}
	for _, u := range []auth.User{emailClash[0], nameClash[0]} {
		if _, err := s.UserByID(ctx, u.ID); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("user %s of a failed import: %v, want auth.ErrNotFound", u.Username, err)
		}
	}
}

// importedCatalogue is a creator's two series and five items, two of them
// episodes given out of episode order, one naming a topic nobody has used.
func importedCatalogue(creatorID string) ([]content.Series, []content.Item) {
	series := []content.Series{newSeries(1, creatorID, content.Published), newSeries(2, creatorID, content.Draft)}
	items := make([]content.Item, 5)
	for i := range items {
		items[i] = catalogItem(10+i, creatorID)
		items[i].Title = fmt.Sprintf("Imported zebrafish %d", i)
	}
	items[0].Topics = []string{"brand-new-topic", "physics", "brand-new-topic"}
	items[1].SeriesID, items[1].Episode = series[0].ID, 2
	items[2].SeriesID, items[2].Episode = series[0].ID, 1
	items[3].Kind = content.QuizKind
	items[3].Quiz = &content.Quiz{Questions: []content.Question{{ID: "q1", Prompt: "?", Choices: []content.Choice{
		{ID: "q1-c1", Text: "yes"}, {ID: "q1-c2", Text: "no"}}, Answer: "q1-c2"}}}
	items[4].Status, items[4].PublishedAt = content.Draft, nil
	return series, items
}

func testImportCatalogue(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	series, items := importedCatalogue(u.ID)
	if err := s.ImportSeries(ctx, series); err != nil {
		t.Fatalf("ImportSeries: %v", err)
	}
	if err := s.ImportItems(ctx, items); err != nil {
		t.Fatalf("ImportItems: %v", err)
	}
	for _, want := range items {
		if want.Topics[0] == "brand-new-topic" {
			want.Topics = want.Topics[:2] // a slug named twice counts once
		}
		got := mustGetItem(t, s, want.ID)
		if diff := cmp.Diff(want, got, sameMicro); diff != "" {
			t.Errorf("imported item %s (-want +got):\n%s", want.Title, diff)
		}
	}
	if got := mustSeries(t, s, series[0].ID); !cmp.Equal(got.ItemIDs(), []string{items[2].ID, items[1].ID}) || got.Title != series[0].Title {
		t.Errorf("series %+v: want episodes %s, %s", got, items[2].ID, items[1].ID)
	}
	topics := allTopics(t, s)
	if !cmp.Equal(topicSlugs(topics), []string{"brand-new-topic", "physics"}) {
		t.Errorf("topics after import: %v", topics)
	}
	// Published imports are searchable at once; the draft is not.
	if got := found(t, s, "zebrafish"); !cmp.Equal(got, sortedIDs(items[:4]...)) {
		t.Errorf("search after import finds %v, want the four published items", got)
	}

	// Failures write nothing: a taken ID, an unknown creator, an unknown series.
	for name, broken := range map[string]func(*content.Item) error{
		"taken id":        func(it *content.Item) error { it.ID = items[0].ID; return content.ErrConflict },
		"unknown creator": func(it *content.Item) error { it.CreatorID = id.New(c0); return content.ErrNotFound },
		"unknown series":  func(it *content.Item) error { it.SeriesID, it.Episode = id.New(c0), 1; return content.ErrNotFound },
	} {
		batch := []content.Item{catalogItem(30, u.ID), catalogItem(31, u.ID)}
		batch[0].Topics = []string{"orphan-topic"}
		want := broken(&batch[1])
		if err := s.ImportItems(ctx, batch); !errors.Is(err, want) {
			t.Errorf("ImportItems(%s) = %v, want %v", name, err, want)
		}
		if _, err := s.ItemByID(ctx, batch[0].ID); !errors.Is(err, content.ErrNotFound) {
			t.Errorf("ImportItems(%s) wrote the good item of its batch: %v", name, err)
		}
	}
	if topics := allTopics(t, s); len(topics) != 2 {
		t.Errorf("failed imports left topics behind: %v", topics)
	}
	if err := s.ImportSeries(ctx, []content.Series{newSeries(3, u.ID, content.Published), series[1]}); !errors.Is(err, content.ErrConflict) {
		t.Errorf("ImportSeries(a taken id) = %v, want content.ErrConflict", err)
	}
	if err := s.ImportSeries(ctx, []content.Series{newSeries(4, id.New(c0), content.Published)}); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("ImportSeries(an unknown creator) = %v, want content.ErrNotFound", err)
	}
	if list, err := s.ListSeries(ctx, "", nil, "", 10); err != nil || len(list) != 2 {
		t.Errorf("series after failed imports: %d, %v; want 2", len(list), err)
	}
	if err := s.ImportItems(ctx, nil); err != nil {
		t.Errorf("ImportItems(nothing): %v", err)
	}
	if err := s.ImportSeries(ctx, nil); err != nil {
		t.Errorf("ImportSeries(nothing): %v", err)
	}
}

func topicSlugs(topics []content.Topic) []string {
	var out []string
	for _, tp := range topics {
		out = append(out, tp.Slug)
	}
	return out
}

func testImportFollows(t *testing.T, s store.Store) {
	ctx := context.Background()
	learner := mustCreate(t, s, newUser(1))
	a, b := mustCreate(t, s, newUser(2)), mustCreate(t, s, newUser(3))
	at := func(m int) time.Time { return c0.Add(time.Duration(m) * time.Minute) }
	if err := s.Follow(ctx, content.Edge{UserID: learner.ID, CreatorID: a.ID, CreatedAt: at(1)}); err != nil {
		t.Fatal(err)
	}
	edges := []content.Edge{
		{UserID: learner.ID, CreatorID: a.ID, CreatedAt: at(5)}, // exists: keeps minute 1
		{UserID: learner.ID, CreatorID: b.ID, CreatedAt: at(2)},
		{UserID: learner.ID, CreatorID: b.ID, CreatedAt: at(3)}, // twice in one batch
		{UserID: a.ID, CreatorID: b.ID, CreatedAt: at(4)},
	}
	if err := s.ImportFollows(ctx, edges); err != nil {
		t.Fatalf("ImportFollows: %v", err)
	}
	got := mustFollows(t, s, content.EdgeQuery{UserID: learner.ID, Limit: 10})
	want := []content.Edge{{UserID: learner.ID, CreatorID: b.ID, CreatedAt: at(2)}, {UserID: learner.ID, CreatorID: a.ID, CreatedAt: at(1)}}
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("follows after import (-want +got):\n%s", diff)
	}
	if got := mustFollows(t, s, content.EdgeQuery{CreatorID: b.ID, Limit: 10}); len(got) != 2 {
		t.Errorf("creator b has %d followers, want 2", len(got))
	}
	gone := []content.Edge{{UserID: b.ID, CreatorID: a.ID, CreatedAt: at(6)}, {UserID: id.New(c0), CreatorID: a.ID, CreatedAt: at(6)}}
	if err := s.ImportFollows(ctx, gone); !errors.Is(err, content.ErrNotFound) {
		t.Errorf("ImportFollows(an unknown user) = %v, want content.ErrNotFound", err)
	}
	if got := mustFollows(t, s, content.EdgeQuery{UserID: b.ID, Limit: 10}); len(got) != 0 {
		t.Errorf("a failed import left %v", got)
	}
}
