package rank

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// withFresh adds new items to a world: published an hour ago, each with the
// given completions out of 40 exposures (none when counts is nil).
func withFresh(w *world, n int, counts func(k int) Counts) *Catalogue {
	for k := 0; k < n; k++ {
		it := w.items[k]
		it.ID, it.SeriesID, it.Episode = fmt.Sprintf("fresh-%02d", k), "", 0
		it.CreatorID, it.CreatorName = fmt.Sprintf("new-creator-%d", k), "Newcomer"
		it.PublishedAt = w.now.Add(-time.Hour)
		it.Counts = Counts{}
		if counts != nil {
			it.Counts = counts(k)
		}
		w.items = append(w.items, it)
	}
	return NewCatalogue(w.items, w.cat.Snapshot(), CatalogueOptions{Now: w.now})
}

func TestItemsWithoutEventsGetExposureThroughExploration(t *testing.T) {
	w := smallWorld(t)
	cat := withFresh(w, 30, nil)
	cfg := DefaultConfig()
	explored := 0
	for _, u := range w.data.Learners[:40] {
		l := w.state(u.ID, w.events[u.ID])
		out := Rank(Input{Catalogue: cat, Learner: l, Config: cfg, Request: Request{Limit: 20, Now: w.now, Seed: 7, Explain: true}})
		for _, tc := range out.Trace.Candidates {
			if !tc.Explored {
				continue
			}
			explored++
			if !strings.HasPrefix(tc.ItemID, "fresh-") && cat.isFresh[cat.byID[tc.ItemID]] == false {
				t.Errorf("explored %s is not a fresh item", tc.ItemID)
			}
			if tc.Position != cfg.ExploreFirst && tc.Position != cfg.ExploreFirst+cfg.ExploreEvery {
				t.Errorf("exploration at position %d", tc.Position)
			}
			e := out.Entries[tc.Position]
			if e.Source != SourceFresh || !strings.HasPrefix(e.Explanation, "New ") {
				t.Errorf("explored entry explained as %s %q", e.Source, e.Explanation)
			}
		}
	}
	if explored < 40 {
		t.Errorf("%d exploration slots filled over 40 pages, want 2 a page", explored)
	}
}

// TestThompsonSamplingFavoursTheBetterFreshItem: two fresh items with the same
// exposure, one finished far more often; over many seeds the better one wins
// the exploration slot far more often.
func TestThompsonSamplingFavoursTheBetterFreshItem(t *testing.T) {
	w := smallWorld(t)
	cat := withFresh(w, 2, func(k int) Counts {
		if k == 0 {
			return Counts{Impressions: 40, Views: 40, Completions: 34}
		}
		return Counts{Impressions: 40, Views: 40, Completions: 3}
	})
	// The first place explores, before the ranking could place either item.
	cfg := DefaultConfig()
	cfg.ExploreFirst = 0
	wins := map[string]int{}
	for seed := uint64(0); seed < 200; seed++ {
		out := Rank(Input{Catalogue: cat, Learner: &Learner{ID: "x"}, Config: cfg, Request: Request{Limit: 10, Now: w.now, Seed: seed, Explain: true}})
		for _, tc := range out.Trace.Candidates {
			if tc.Explored && tc.Position == 0 {
				wins[tc.ItemID]++
			}
		}
	}
	good, poor := wins["fresh-00"], wins["fresh-01"]
	t.Logf("first exploration slot over 200 seeds: good %d, poor %d, others %d", good, poor, 200-good-poor)
	if good < 3*poor || good == 0 {
		t.Errorf("the better item won %d slots, the poorer %d", good, poor)
	}
}

func TestSeedsChangeOnlyExploration(t *testing.T) {
	w := smallWorld(t)
	cat := withFresh(w, 30, nil)
	id := w.data.Learners[3].ID
	l := w.state(id, w.events[id])
	a := Rank(Input{Catalogue: cat, Learner: l, Request: Request{Limit: 20, Now: w.now, Seed: 1}})
	b := Rank(Input{Catalogue: cat, Learner: l, Request: Request{Limit: 20, Now: w.now, Seed: 2}})
	same := 0
	for k := range a.Entries {
		if a.Entries[k].ItemID == b.Entries[k].ItemID {
			same++
		}
	}
	if same == len(a.Entries) {
		t.Error("two seeds gave the same page: exploration does not depend on the seed")
	}
	if same < len(a.Entries)/2 {
		t.Errorf("two seeds share only %d of %d places: more than exploration moved", same, len(a.Entries))
	}
}
