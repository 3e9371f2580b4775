package query

import (
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
