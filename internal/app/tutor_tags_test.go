package app

import (
	"slices"
	"testing"

	"github.com/lyolearn/lyo/internal/tutor"
	"github.com/lyolearn/lyo/internal/tutor/llm/llmtest"
)

// TestTaggingWithAModel: the model's JSON is kept beside the creator's fields,
// bounded and slugged; the same texts are not tagged twice, and changed texts
// are.
func TestTaggingWithAModel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		fake := llmtest.NewGemini(t)
		s, c := geminiServer(t, dbURL, fake, nil)
		creator := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
		it := creator.createItem(`{"kind": "lesson", "title": "Fractions", "status": "published", "topics": ["maths"],
			"body": "A fraction names part of a whole. The denominator counts the equal parts."}`)
		fake.Push(llmtest.Text(`{"topics": ["Fractions", "Rational Numbers!", "", "a", "b", "c", "d"], "difficulty": 9,
			"summary": "What the two numbers of a fraction mean.",
			"quiz": [{"question": "What does the denominator count?", "choices": ["equal parts", "wholes"], "answer": 0},
			         {"question": "Broken", "choices": ["only one"], "answer": 0},
			         {"question": "Out of range", "choices": ["x", "y"], "answer": 5}]}`))
		tags, err := s.tutor.Tag(t.Context(), it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tags.Method != tutor.TaggedByModel || !slices.Equal(tags.Topics, []string{"fractions", "rational-numbers", "a", "b", "c"}) ||
			tags.Difficulty != 0 || tags.Summary != "What the two numbers of a fraction mean." || len(tags.Quiz) != 1 || tags.Model != "gemini-2.5-flash" {
			t.Errorf("tags %+v", tags)
		}
		g, err := fake.Requests()[0].Gemini()
		if err != nil || g.GenerationConfig.ResponseMIMEType != "application/json" || g.GenerationConfig.ResponseSchema == nil {
			t.Errorf("the tagging call asks for no JSON schema: %+v %v", g.GenerationConfig, err)
		}
		texts, err := s.db.ItemTexts(t.Context(), "", 10, 100)
		if err != nil || len(texts) != 1 || texts[0].Description != " What the two numbers of a fraction mean. fractions rational-numbers a b c" {
			t.Errorf("content similarity reads %+v (%v), want the model's summary and topics with the description", texts, err)
		}
		if _, err := s.tutor.Tag(t.Context(), it.ID); err != nil || len(fake.Requests()) != 1 {
			t.Errorf("tagging the same texts again called the model (%d calls): %v", len(fake.Requests()), err)
		}
		var got item
		want(t, creator.do("GET", "/api/v1/content/"+it.ID, nil), 200, &got)
		if got.Title != "Fractions" {
			t.Errorf("the creator's item changed: %+v", got)
		}
		want(t, creator.do("PATCH", "/api/v1/content/"+it.ID, map[string]any{"body": "Fractions, again: the numerator counts the parts you have."}), 200, nil)
		fake.Push(llmtest.Text(`{"topics": ["numerators"], "difficulty": 2, "summary": "Numerators.", "quiz": []}`))
		if tags, err = s.tutor.Tag(t.Context(), it.ID); err != nil || tags.Topics[0] != "numerators" || tags.Difficulty != 2 || len(fake.Requests()) != 2 {
			t.Errorf("after an edit: %+v %v (%d calls)", tags, err, len(fake.Requests()))
		}
	})
}

// TestTaggingWithoutAModel falls back to the item's most distinctive words,
// marked as TF-IDF terms: a word every item shares ranks below the item's own.
func TestTaggingWithoutAModel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := authServer(t, dbURL, newClock(), map[string]string{"LYO_RATE_LIMIT": "false"})
		c := newClient(t, s, nil)
		creator := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
		for _, body := range []string{"lesson lesson lesson about cells", "lesson lesson lesson about stars", "lesson lesson about rivers"} {
			creator.createItem(`{"kind": "lesson", "title": "Another", "status": "published", "body": "` + body + `"}`)
		}
		it := creator.createItem(`{"kind": "lesson", "title": "Photosynthesis", "status": "published", "language": "en",
			"body": "Photosynthesis in the lesson: chlorophyll absorbs light; chlorophyll is green. The lesson lesson lesson ends."}`)
		tags, err := s.tutor.Tag(t.Context(), it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tags.Method != tutor.TaggedByTFIDF || len(tags.Topics) == 0 || tags.Topics[0] != "photosynthesis" || tags.Summary != "" || len(tags.Quiz) != 0 {
			t.Fatalf("fallback tags %+v", tags)
		}
		if at := slices.Index(tags.Topics, "lesson"); at >= 0 && at < slices.Index(tags.Topics, "chlorophyll") {
			t.Errorf("topics %v: a word every item has ranks above the item's own", tags.Topics)
		}
		if slices.Contains(tags.Topics, "the") {
			t.Errorf("topics %v hold a stop word", tags.Topics)
		}
	})
}
