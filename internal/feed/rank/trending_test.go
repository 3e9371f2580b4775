package rank

import (
	"math"
	"testing"
	"time"
)

func TestTrendingIsDecayedVelocityOverTheWindow(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	h := time.Hour
	buckets := []Bucket{
		{ItemID: "x", Start: now.Add(-2 * h), Span: h, Views: 10},                                 // mid 1.5h ago
		{ItemID: "x", Start: now.Add(-h), Span: h, Completions: 1, Likes: 1, Saves: 1, Shares: 1}, // 2+2+3+3 = 10, mid 0.5h ago
		{ItemID: "y", Start: now.Add(-24*h - 30*time.Minute), Span: h, Views: 8},                  // half inside, mid 23.75h ago
		{ItemID: "z", Start: now.Add(-30 * h), Span: h, Views: 1000},                              // before the window
		{ItemID: "z", Start: now, Span: h, Views: 1000},                                           // not yet
		{ItemID: "w", Start: now.Add(-3 * h), Span: h},                                            // nothing happened
	}
	got := Trending(buckets, WindowDay, now, 0)
	half := 6.0 // a quarter of 24 hours
	want := map[string]float64{
		"x": (10*math.Exp2(-1.5/half) + 10*math.Exp2(-0.5/half)) / half,
		"y": 8 * 0.5 * math.Exp2(-23.75/half) / half,
	}
	if len(got) != 2 || got[0].ItemID != "x" || got[1].ItemID != "y" {
		t.Fatalf("trends %v", got)
	}
	for _, tr := range got {
		if math.Abs(tr.Score-want[tr.ItemID]) > 1e-9 {
			t.Errorf("%s scores %v, want %v", tr.ItemID, tr.Score, want[tr.ItemID])
		}
	}
	// The hour window sees only the last hour: x's second bucket.
	if hour := Trending(buckets, WindowHour, now, 0); len(hour) != 1 || math.Abs(hour[0].Score-10*math.Exp2(-0.5/0.25)/0.25) > 1e-9 {
		t.Errorf("1h trends %v", hour)
	}
	if top := Trending(buckets, WindowDay, now, 1); len(top) != 1 || top[0].ItemID != "x" {
		t.Errorf("top 1 = %v", top)
	}
	topics := map[string][]string{"x": {"chem"}, "y": {"bio", "chem"}}
	in := TrendsIn(got, "bio", func(id string) []string { return topics[id] }, 0)
	if len(in) != 1 || in[0].ItemID != "y" {
		t.Errorf("trending in bio = %v", in)
	}
}

func TestTrendingTiesAreOrderedByID(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b := []Bucket{{ItemID: "b", Start: now.Add(-time.Hour), Views: 1}, {ItemID: "a", Start: now.Add(-time.Hour), Views: 1}}
	got := Trending(b, WindowWeek, now, 0)
	if len(got) != 2 || got[0].ItemID != "a" {
		t.Errorf("ties %v", got)
	}
}
