package app

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/seed/synth"
)

// An operator's import keeps events older than the API's ingestion window and
// applies every other rule of ingestion.
func TestEventsImport(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	cfg, err := loadConfig(testEnv(t, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServerAt(t, cfg, io.Discard, clk.Now)
	creator, err := s.auth.CreateUser(ctx, "maker@example.com", "creator password", "maker", access.Creator)
	if err != nil {
		t.Fatal(err)
	}
	learner, err := s.auth.CreateUser(ctx, "reader@example.com", "learner password", "reader", access.Learner)
	if err != nil {
		t.Fatal(err)
	}
	published, quiz := content.Published, content.QuizKind
	title, dur := "Quiz", int64(60000)
	it, err := s.content.Create(ctx, access.Caller{UserID: creator.ID, Role: access.Creator}, content.ItemInput{Kind: &quiz, Title: &title,
		DurationMS: &dur, Status: &published, Quiz: &content.Quiz{Questions: []content.Question{{Prompt: "?",
			Choices: []content.Choice{{Text: "yes"}, {Text: "no"}}, Answer: "1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	old := clk.Now().Add(-200 * 24 * time.Hour).Format(time.RFC3339Nano)
	ahead := clk.Now().Add(48 * time.Hour).Format(time.RFC3339Nano)
	batch := []events.Input{
		{ID: "old-view", Type: events.View, ItemID: it.ID, At: old, WatchMS: 30000},
		{ID: "old-answer", Type: events.QuizAnswer, ItemID: it.ID, At: old, Answer: "q1-c1"},
		{ID: "ahead", Type: events.View, ItemID: it.ID, At: ahead},
		{ID: "unknown-item", Type: events.View, ItemID: "nope", At: old},
		{ID: "not-a-choice", Type: events.QuizAnswer, ItemID: it.ID, At: old, Answer: "q9-c9"},
		{ID: "too-long", Type: events.View, ItemID: it.ID, At: old, WatchMS: 10*dur + 60001},
	}
	want := []string{"accepted", "accepted", "rejected", "rejected", "rejected", "rejected"}
	caller := access.Caller{UserID: learner.ID, Role: access.Learner}
	viaAPI, err := s.events.Ingest(ctx, caller, batch[:1])
	if err != nil || viaAPI[0].Status != "rejected" {
		t.Fatalf("Ingest of a 200-day-old event = %+v, %v; want it rejected", viaAPI, err)
	}
	got, err := s.events.Import(ctx, learner.ID, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range got {
		if r.Status != want[i] {
			t.Errorf("Import %s = %+v, want %s", batch[i].ID, r, want[i])
		}
	}
	if again, err := s.events.Import(ctx, learner.ID, batch[:1]); err != nil || again[0].Status != "duplicate" {
		t.Errorf("Import again = %+v, %v; want a duplicate", again, err)
	}
	stats, err := s.db.ItemStats(ctx, []string{it.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c := stats[it.ID]; c.Views != 1 || c.WatchMS != 30000 || c.QuizAnswers != 1 || c.QuizCorrect != 1 {
		t.Errorf("item totals after the import: %+v", c)
	}
	tooMany := make([]events.Input, cfg.EventsMaxBatch+1)
	if _, err := s.events.Import(ctx, learner.ID, tooMany); err == nil {
		t.Error("Import took a batch over the limit")
	}
}

// Generated items are what the API would accept from a creator: a sample of
// every kind and language passes the catalogue's own validation.
func TestSyntheticItemsPassValidation(t *testing.T) {
	ctx := context.Background()
	s := newTestServer(t, testEnv(t, "", nil))
	creator, err := s.auth.CreateUser(ctx, "maker@example.com", "creator password", "maker", access.Creator)
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(synth.Config{Seed: 3, Learners: 1, Items: 200, Events: 1, Now: synthNow})
	published := content.Published
	kinds, langs := map[content.Kind]bool{}, map[string]bool{}
	for it := range g.Items() {
		in := content.ItemInput{Kind: &it.Kind, Title: &it.Title, Description: &it.Description, Body: &it.Body, Topics: &it.Topics,
			Difficulty: &it.Difficulty, Language: &it.Language, DurationMS: &it.DurationMS, Quiz: it.Quiz, Status: &published}
		got, err := s.content.Create(ctx, access.Caller{UserID: creator.ID, Role: access.Creator}, in)
		if err != nil {
			t.Fatalf("item %d %+v: %v", it.Index, it, err)
		}
		if got.Title != it.Title || got.Language != it.Language || (it.Quiz != nil && got.Quiz.Questions[0].Answer != it.Quiz.Questions[0].Answer) {
			t.Errorf("item %d changed on the way in: %+v", it.Index, got)
		}
		kinds[it.Kind], langs[it.Language] = true, true
	}
	if len(kinds) != 5 || len(langs) != 3 {
		t.Errorf("the sample covers kinds %v and languages %v", kinds, langs)
	}
}
