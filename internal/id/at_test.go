package id

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAtCarriesItsOwnTime(t *testing.T) {
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	late := New(base.Add(time.Hour)) // the process's sequence is ahead of every time below
	var ids []string
	for k := 9; k >= 0; k-- { // made newest first
		ids = append(ids, At(base.Add(time.Duration(k)*time.Minute)))
	}
	if !slices.IsSortedFunc(ids, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("IDs At earlier times do not sort earlier: %v", ids)
	}
	for _, s := range ids {
		if !Valid(s) || s >= late {
			t.Errorf("At gave %q, after New's %q of a later time", s, late)
		}
	}
	if next := New(base); next <= late {
		t.Errorf("New after At = %q, want it to carry on after %q", next, late)
	}
	if At(base) == At(base) {
		t.Error("two IDs of one millisecond are equal")
	}
}
