package query

import (
	"slices"
	"testing"
)

func TestLimit(t *testing.T) {
	for _, tc := range []struct{ in, want int }{
		{-1, DefaultLimit}, {0, DefaultLimit}, {1, 1}, {MaxLimit, MaxLimit}, {MaxLimit + 1, MaxLimit}, {1 << 30, MaxLimit},
	} {
		if got := Limit(tc.in); got != tc.want {
			t.Errorf("Limit(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestContains(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "%%"},
		{"Alice", "%alice%"},
		{"50%", `%50\%%`},
		{"a_b", `%a\_b%`},
		{`back\slash`, `%back\\slash%`},
	} {
		if got := Contains(tc.in); got != tc.want {
			t.Errorf("Contains(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	many := make([]string, MaxSearchTerms+5)
	for i := range many {
		many[i] = "w"
	}
	for _, tc := range []struct {
		in   []string
		want []string
	}{
		{nil, nil},
		{[]string{"", " ", `"`, "*", "()", "'", `\`, ":", "-", "\u0301"}, nil},
		{[]string{"go", "Café"}, []string{"go", "Café"}},
		{[]string{`"quoted"`, "pre*", "a:b", "it's", "foo-bar", `back\slash`}, []string{"quoted", "pre", "a", "b", "it", "s", "foo", "bar", "back", "slash"}},
		{[]string{"cafe\u0301", "日本語", "x2", "हिन्दी"}, []string{"cafe\u0301", "日本語", "x2", "हिन्दी"}},
		{[]string{"OR", "NEAR", "AND"}, []string{"OR", "NEAR", "AND"}}, // quoted by the engines, so plain words
		{many, many[:MaxSearchTerms]},
	} {
		if got := SearchTerms(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", tc.in, got, tc.want)
		}
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
