package model

import (
	"context"
	"slices"
	"testing"
)

func TestTokensLowersSplitsAndDropsStopWords(t *testing.T) {
	got := tokens(nil, "The Krebs-cycle, explained: ATP & NADH in 3 minutes! a x")
	want := []string{"krebs", "cycle", "explained", "atp", "nadh", "minutes"}
	if !slices.Equal(got, want) {
		t.Fatalf("tokens = %q, want %q", got, want)
	}
}

func TestContentSimilarityFindsItemsOnTheSameSubject(t *testing.T) {
	texts := []Text{
		{ID: "acid1", Title: "Acids and bases", Description: "pH, acids, bases and titration", Topics: []string{"chemistry"}},
		{ID: "acid2", Title: "Titration of a weak acid", Body: "acid base titration curve pH", Topics: []string{"chemistry"}},
		{ID: "bond", Title: "Covalent bonds", Body: "electrons shared between atoms", Topics: []string{"chemistry"}},
		{ID: "poem", Title: "Reading a sonnet", Body: "rhyme, metre and the volta of a sonnet", Topics: []string{"poetry"}},
		{ID: "poem2", Title: "Writing your first sonnet", Body: "rhyme scheme and metre", Topics: []string{"poetry"}},
		{ID: "loops", Title: "Loops in Go", Body: "for loops, range and break", Topics: []string{"programming"}},
	}
	d := NewDict()
	x := NewTFIDF(texts, d, ContentOptions{K: 2})
	lists, err := x.Similar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first := func(id string) string {
		i, _ := d.Index(id)
		ids, _ := lists.Of(i)
		if len(ids) == 0 {
			return ""
		}
		return d.ID(ids[0])
	}
	for a, b := range map[string]string{"acid1": "acid2", "acid2": "acid1", "poem": "poem2"} {
		if got := first(a); got != b {
			t.Errorf("most similar to %s is %q, want %s", a, got, b)
		}
	}
	// A profile of poetry finds poetry.
	p, _ := d.Index("poem")
	got := x.Profile([]Weighted{{Item: p, Weight: 1}}, 1, func(i int32) bool { return i == p })
	if len(got) != 1 || d.ID(got[0].ID) != "poem2" {
		t.Errorf("profile of a sonnet reader = %v", got)
	}
}
