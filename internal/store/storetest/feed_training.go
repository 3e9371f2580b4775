package storetest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed"
	"github.com/lyolearn/lyo/internal/store"
)

// Training reads the whole log in order, page by page, only events that carry
// a signal, and nothing from before a learner's profile reset.
func testFeedTrainingEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	es := eventStore(t, s)
	u, v := mustCreate(t, s, newUser(1)), mustCreate(t, s, newUser(2))
	view := ev("1", events.View, "x", 1)
	view.WatchMS = 1200
	right := true
	quiz := ev("4", events.QuizAnswer, "q", 4)
	quiz.Correct = &right
	mustIngest(t, es, u.ID, view, ev("2", events.Impression, "x", 2), ev("3", events.Skip, "y", 3), quiz)
	mustIngest(t, es, v.ID, ev("1", events.Complete, "y", 5), ev("2", events.Hide, "z", 6))
	if err := s.ResetProfile(ctx, v.ID, t0); err != nil {
		t.Fatal(err)
	}
	mustIngest(t, es, v.ID, ev("3", events.Like, "z", 7), ev("4", events.Save, "z", 8), ev("5", events.Share, "z", 9))

	var got []feed.TrainingEvent
	var after int64
	for pages := 0; ; pages++ {
		page, last, err := s.TrainingEvents(ctx, after, 2)
		if err != nil {
			t.Fatalf("TrainingEvents: %v", err)
		}
		if len(page) == 0 {
			if last != after {
				t.Errorf("an empty page moved the position from %d to %d", after, last)
			}
			break
		}
		if len(page) > 2 || last <= after {
			t.Fatalf("page of %d events, position %d after %d", len(page), last, after)
		}
		got, after = append(got, page...), last
	}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute).UTC() }
	want := []feed.TrainingEvent{
		{UserID: u.ID, ItemID: "x", Type: "view", At: at(1), WatchMS: 1200},
		{UserID: u.ID, ItemID: "q", Type: "quiz_answer", At: at(4), Correct: true},
		{UserID: v.ID, ItemID: "z", Type: "like", At: at(7)},
		{UserID: v.ID, ItemID: "z", Type: "save", At: at(8)},
		{UserID: v.ID, ItemID: "z", Type: "share", At: at(9)},
	}
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("training events (-want +got):\n%s", diff)
	}
}

// Content similarity reads published items' texts, in pages by ID.
func testFeedItemTexts(t *testing.T, s store.Store) {
	ctx := context.Background()
	cs := catalog(t, s)
	cr := mustCreate(t, s, newUser(1))
	var published []content.Item
	for i := range 5 {
		it := catalogItem(i, cr.ID)
		it.Topics = []string{"zoology", "acids"}
		it.Body = strings.Repeat("é", 50)
		if i == 2 {
			it.Status = content.Draft
		}
		mustCreateItem(t, cs, it)
		if i != 2 {
			published = append(published, it)
		}
	}
	var got []feed.ItemText
	for after := ""; ; {
		page, err := s.ItemTexts(ctx, after, 3, 10)
		if err != nil {
			t.Fatalf("ItemTexts: %v", err)
		}
		if len(page) == 0 {
			break
		}
		got, after = append(got, page...), page[len(page)-1].ID
	}
	var want []feed.ItemText
	for _, it := range published {
		want = append(want, feed.ItemText{ID: it.ID, Title: it.Title, Description: it.Description,
			Body: strings.Repeat("é", 10), Topics: []string{"zoology", "acids"}, DurationMS: it.DurationMS})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("item texts (-want +got):\n%s", diff)
	}
}

// Snapshots are versioned: the newest is found, older ones beyond the kept
// number go.
func testFeedSnapshots(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.LatestSnapshot(ctx); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("LatestSnapshot on a new database = %v, want feed.ErrNotFound", err)
	}
	// The newest is stored in several parts: parts must come back whole and
	// in order.
	data := func(i int) []byte {
		n := 1000 + i
		if i == 3 {
			n = 9<<20 + 17
		}
		b := append([]byte{0, 1, 0xff}, bytes.Repeat([]byte{byte(i)}, n)...)
		for k := 0; k < len(b); k += 1 << 20 {
			b[k] = byte(k >> 20) // a mark per megabyte, so misordered parts differ
		}
		return b
	}
	var versions []int64
	for i := range 4 {
		v, err := s.SaveSnapshot(ctx, feed.SnapshotRecord{Format: 1, BuiltAt: at(i), CreatedAt: at(i + 1),
			Stats: map[string]any{"events": float64(i)}, Data: data(i)}, 2)
		if err != nil {
			t.Fatalf("SaveSnapshot: %v", err)
		}
		if len(versions) > 0 && v <= versions[len(versions)-1] {
			t.Errorf("version %d after %d", v, versions[len(versions)-1])
		}
		versions = append(versions, v)
	}
	info, err := s.LatestSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := feed.SnapshotInfo{Version: versions[3], Format: 1, BuiltAt: at(3), CreatedAt: at(4), Size: int64(len(data(3))),
		Stats: map[string]any{"events": float64(3)}}
	if diff := cmp.Diff(want, info, sameMicro); diff != "" {
		t.Errorf("LatestSnapshot (-want +got):\n%s", diff)
	}
	for i, v := range versions {
		got, err := s.SnapshotData(ctx, v)
		switch {
		case i < 2 && !errors.Is(err, feed.ErrNotFound):
			t.Errorf("version %d, beyond the two kept: %v", v, err)
		case i >= 2 && (err != nil || !bytes.Equal(got, data(i))):
			t.Errorf("version %d: %d bytes, %v", v, len(got), err)
		}
	}
}
