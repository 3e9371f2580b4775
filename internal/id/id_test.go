package id

import (
	"slices"
	"testing"
	"time"
)

func TestIDsSortByTimeAndAreValid(t *testing.T) {
	base := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	var ids []string
	seen := map[string]bool{}
	for i := range 1000 {
		s := New(base.Add(time.Duration(i) * time.Millisecond))
		if !Valid(s) {
			t.Fatalf("New made an invalid id %q", s)
		}
		if seen[s] {
			t.Fatalf("duplicate id %q", s)
		}
		seen[s] = true
		ids = append(ids, s)
	}
	if !slices.IsSorted(ids) {
		t.Error("ids made later do not sort later")
	}
	frozen := []string{New(base), New(base), New(base), New(base.Add(-time.Hour))}
	if !slices.IsSorted(frozen) || frozen[0] == frozen[1] {
		t.Errorf("ids made at one instant (or with a clock going back) are not in order: %q", frozen)
	}
	for _, bad := range []string{"", "x", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "0123456789abcdefghjkmnpqri", "8zzzzzzzzzzzzzzzzzzzzzzzzz", "0123456789abcdefghjkmnpqr'"} {
		if Valid(bad) {
			t.Errorf("Valid(%q) = true", bad)
		}
	}
}
