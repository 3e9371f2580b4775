package words

import (
	"slices"
	"testing"
)

func TestAll(t *testing.T) {
	for s, want := range map[string][]string{
		"Quadratic Equations":      {"Quadratic", "Equations"},
		`"quoted" AND (x*)`:        {"quoted", "AND", "x"},
		"it's back\\slash a:b":     {"it", "s", "back", "slash", "a", "b"},
		"cafe\u0301 日本語 x2 हिन्दी": {"cafe\u0301", "日本語", "x2", "हिन्दी"}, // marks stay inside words
		// Spacing marks (Mc, the vowel signs ि and ी) as well as
		// non-spacing ones (Mn, the virama ्).
		"\u0935\u093f\u091c\u094d\u091e\u093e\u0928!": {"\u0935\u093f\u091c\u094d\u091e\u093e\u0928"},
		"nul\x00byte bad\xffutf8":                     {"nul", "byte", "bad", "utf8"},
		"!!! *** \u0301 \u093f '":                     nil, // marks alone are no word
		"":                                            nil,
	} {
		if got := slices.Collect(All(s)); !slices.Equal(got, want) {
			t.Errorf("All(%q) = %q, want %q", s, got, want)
		}
	}
}
