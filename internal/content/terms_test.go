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
		`pre* a:b it's back\slash`:     {"pre", "a", "b", "it", "s", "back", "slash"},
		"cafe\u0301 日本語 x2 हिन्दी":     {"cafe\u0301", "日本語", "x2", "हिन्दी"}, // combining marks stay inside words
		"nul\x00byte bad\xffutf8":      {"nul", "byte", "bad", "utf8"},
		"!!! *** \u0301 '":             nil, // marks alone are no word
		"":                             nil,
	} {
		if got := SearchTerms(q); !slices.Equal(got, want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", q, got, want)
		}
	}
	if n := len(SearchTerms(strings.Repeat("word ", 50))); n != maxSearchTerms {
		t.Errorf("%d terms kept, want %d", n, maxSearchTerms)
	}
	if got := SearchTerms(strings.Repeat("é", 80)); len(got) != 1 || utf8.RuneCountInString(got[0]) != maxSearchTermLen {
		t.Errorf("a long word becomes %q, want its first %d runes", got, maxSearchTermLen)
	}
}

func TestTopicName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"machine-learning", "Machine learning"},
		{"go", "Go"},
		{"über-physik", "Über physik"},
		{"a--b_", "A b"},
		{"-", "-"},
		{"", ""},
	} {
		if got := TopicName(tc.in); got != tc.want {
			t.Errorf("TopicName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRepeatedID(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string
	}{{nil, ""}, {[]string{"a", "b"}, ""}, {[]string{"a", "b", "a", "b"}, "a"}, {[]string{"x", "y", "y"}, "y"}} {
		if got := RepeatedID(tc.ids); got != tc.want {
			t.Errorf("RepeatedID(%q) = %q, want %q", tc.ids, got, tc.want)
		}
	}
}

func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"a b", `"x"`, "ünï", strings.Repeat("z", 100), "\xff\xfe", "\x00", "हिन्दी"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		terms := SearchTerms(q)
		if len(terms) > maxSearchTerms {
			t.Fatalf("%d terms", len(terms))
		}
		for _, term := range terms {
			if term == "" || !utf8.ValidString(term) || utf8.RuneCountInString(term) > maxSearchTermLen {
				t.Fatalf("term %q", term)
			}
			if strings.IndexFunc(term, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
				t.Fatalf("term %q has no letter or digit", term)
			}
			for _, r := range term {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.M, r) {
					t.Fatalf("term %q holds %q, which could be syntax", term, r)
				}
			}
		}
	})
}

func TestCutSnippet(t *testing.T) {
	short := "a «match» here"
	if got := CutSnippet(short); got != short {
		t.Errorf("CutSnippet(%q) = %q, want it whole", short, got)
	}
	for _, s := range []string{strings.Repeat("d", 5000), "«" + strings.Repeat("é", 5000) + "»", "x «y» «" + strings.Repeat("z", 400)} {
		got := CutSnippet(s)
		if n := utf8.RuneCountInString(got); n > MaxSnippet || !strings.HasSuffix(got, "…") {
			t.Errorf("CutSnippet of %d characters = %d characters %.20q…, want at most %d ending in …", len([]rune(s)), n, got, MaxSnippet)
		}
		if strings.Count(got, "«") != strings.Count(got, "»") {
			t.Errorf("CutSnippet(%.20q…) leaves a highlight open: %.40q", s, got)
		}
	}
}
