package content

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSearchTerms(t *testing.T) {
	for q, want := range map[string][]string{
		"Quadratic Equations":          {"quadratic", "equations"},
		`"quoted" AND (grouped) OR x*`: {"quoted", "and", "grouped", "or", "x"},
		"café über-fast":               {"café", "über", "fast"},
		"'; DROP TABLE items; --":      {"drop", "table", "items"},
		"!!! ***":                      nil,
	} {
		if got := SearchTerms(q); !slices.Equal(got, want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", q, got, want)
		}
	}
	if n := len(SearchTerms(strings.Repeat("word ", 50))); n != maxSearchTerms {
		t.Errorf("%d terms kept, want %d", n, maxSearchTerms)
	}
}

func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"a b", `"x"`, "ünï", strings.Repeat("z", 100), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		terms := SearchTerms(q)
		if len(terms) > maxSearchTerms {
			t.Fatalf("%d terms", len(terms))
		}
		for _, term := range terms {
			if term == "" || utf8.RuneCountInString(term) > maxSearchTermLen {
				t.Fatalf("term %q", term)
			}
			for _, r := range term {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					t.Fatalf("term %q holds %q, which could be syntax", term, r)
				}
			}
		}
	})
}
