package tutor

import (
	"slices"
	"testing"
)

func TestKeywordsDropStopWordsOfTheLanguage(t *testing.T) {
	for _, tc := range []struct {
		question, lang string
		want           []string
	}{
		{"What is a fraction, and what does the denominator mean?", "", []string{"fraction", "denominator"}},
		{"Qu'est-ce qu'une fraction et à quoi sert le dénominateur ?", "", []string{"fraction", "sert", "denominateur"}},
		{"Was ist die Photosynthese?", "", []string{"photosynthese"}},
		{"die", "en", []string{"die"}},
		{"die", "de", nil},
		{"what is it and how does it work?", "", nil},
		{"ÉNERGIE Énergie énergie", "fr-FR", []string{"energie"}},
		// Spacing vowel signs (ि, ा) are marks inside a word, as the
		// catalogue's search reads them, not breaks between letters.
		{"किताब?", "", []string{"किताब"}},
	} {
		if got := keywords(tc.question, tc.lang, 10); !slices.Equal(got, tc.want) {
			t.Errorf("keywords(%q, %q) = %q, want %q", tc.question, tc.lang, got, tc.want)
		}
	}
	if n := len(keywords("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu", "en", 10)); n != 10 {
		t.Errorf("%d keywords kept, want 10", n)
	}
}

func TestSharesWordReadsTheMatchesAndTheItemsLanguage(t *testing.T) {
	asked := map[string]bool{"die": true, "fraction": true}
	for _, tc := range []struct {
		hit  Hit
		want bool
	}{
		{Hit{Snippet: "Roll a fair «die»: each face…", Language: "en"}, true},
		{Hit{Snippet: "«Die» Zelle ist…", Language: "de"}, false},
		{Hit{Snippet: "«Die» Zelle, eine «Fraction»…", Language: "de"}, true},
		{Hit{Snippet: "no marks at all", Language: "en"}, false},
		{Hit{Snippet: "an «unrelated» match", Language: "en"}, false},
		{Hit{Snippet: "broken «mark", Language: "en"}, false},
		{Hit{Snippet: "«Fráction»", Language: ""}, true},
	} {
		if got := sharesWord(tc.hit, asked, "en"); got != tc.want {
			t.Errorf("sharesWord(%+v) = %v, want %v", tc.hit, got, tc.want)
		}
	}
}

func TestCostRoundsUp(t *testing.T) {
	p := Price{InputMicros: 300_000, OutputMicros: 2_500_000}
	if got := p.Cost(llmUsage(1000, 100)); got != 550 {
		t.Errorf("cost of 1000 in + 100 out = %d micro-dollars, want 300+250", got)
	}
	if got := p.Cost(llmUsage(1, 0)); got != 1 {
		t.Errorf("one token costs %d, want it rounded up to 1", got)
	}
	if got := (Price{}).Cost(llmUsage(5000, 5000)); got != 0 {
		t.Errorf("an unpriced model costs %d", got)
	}
}
