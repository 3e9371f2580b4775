package rank

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/synth"
)

// small is generated and trained once; every test gets its own copy of the
// item list (tests add items) around the shared data and snapshot.
var small = sync.OnceValue(func() *world {
	return newWorld(synth.Options{Learners: 200, Items: 2000, Events: 40000, Topics: 12, Seed: 7}, func(d *synth.Data) *model.Snapshot {
		return trainOn(d, d.Events, d.Events[len(d.Events)-1].At, model.Options{ALS: model.ALSOptions{Factors: 16, Iterations: 4}, NoEASE: true, Seed: 1})
	})
})

func smallWorld(t *testing.T) *world {
	t.Helper()
	w := *small()
	w.items = slices.Clone(w.items)
	return &w
}

func TestColdStartGivesAFullDiversePage(t *testing.T) {
	w := smallWorld(t)
	out := Rank(Input{Catalogue: w.cat, Learner: &Learner{ID: "new"}, Request: Request{Limit: 20, Now: w.now, Seed: 1}})
	if len(out.Entries) != 20 {
		t.Fatalf("cold start page has %d entries, want 20", len(out.Entries))
	}
	topics := map[string]int{}
	for _, e := range out.Entries {
		it, _ := w.cat.Item(e.ItemID)
		topics[it.Topics[0]]++
		if e.Explanation == "" {
			t.Errorf("%s has no explanation", e.ItemID)
		}
	}
	if len(topics) < 5 {
		t.Errorf("cold start page spans %d topics (%v), want at least 5", len(topics), topics)
	}
	for topic, n := range topics {
		if n > 12 {
			t.Errorf("topic %s takes %d of 20 places", topic, n)
		}
	}
}

func TestColdStartFollowsChosenTopics(t *testing.T) {
	w := smallWorld(t)
	l := &Learner{ID: "new", Chosen: []string{"topic-03"}}
	out := Rank(Input{Catalogue: w.cat, Learner: l, Request: Request{Limit: 20, Now: w.now, Seed: 1}})
	n := 0
	for _, e := range out.Entries {
		it, _ := w.cat.Item(e.ItemID)
		if slices.Contains(it.Topics, "topic-03") {
			n++
			if e.Reason.Kind == ChosenTopic && !strings.Contains(e.Explanation, "topic-03") {
				t.Errorf("explanation %q does not name the topic", e.Explanation)
			}
		}
	}
	if n < 6 {
		t.Errorf("%d of 20 items are in the chosen topic, want at least 6", n)
	}
}

func TestFiltersDropEverythingTheLearnerMustNotSee(t *testing.T) {
	w := smallWorld(t)
	id := w.data.Learners[0].ID
	l := w.state(id, w.events[id])
	blocked := w.items[5].CreatorID
	l.Blocked = []string{blocked}
	l.Hidden = []string{w.items[1].ID}
	served := []string{w.items[2].ID, w.items[3].ID}
	l.Muted = []string{"topic-11"}
	// An invisible item and an adults-only item for a minor.
	w.items[4].Visible = false
	w.items[6].AdultsOnly = true
	cat := NewCatalogue(w.items, w.cat.Snapshot(), CatalogueOptions{Now: w.now})
	l.Minor = true
	for seed := uint64(0); seed < 5; seed++ {
		out := Rank(Input{Catalogue: cat, Learner: l, Request: Request{Limit: 100, Now: w.now, Seed: seed, Served: served}})
		if len(out.Entries) < 50 {
			t.Fatalf("page has %d entries", len(out.Entries))
		}
		for _, e := range out.Entries {
			it, _ := cat.Item(e.ItemID)
			switch {
			case l.Items[e.ItemID] != (ItemState{}) || hasKey(l.Items, e.ItemID):
				t.Errorf("%s has an event but was served", e.ItemID)
			case it.CreatorID == blocked:
				t.Errorf("%s is by a blocked creator", e.ItemID)
			case slices.Contains(l.Hidden, e.ItemID), slices.Contains(served, e.ItemID):
				t.Errorf("%s is hidden or already served", e.ItemID)
			case !it.Visible, it.AdultsOnly:
				t.Errorf("%s may not be shown", e.ItemID)
			case slices.Contains(it.Topics, "topic-11"):
				t.Errorf("%s is in a muted topic", e.ItemID)
			}
		}
	}
}

func hasKey(m map[string]ItemState, k string) bool { _, ok := m[k]; return ok }

func TestSameSeedSameListAndNoDuplicates(t *testing.T) {
	w := smallWorld(t)
	for _, u := range w.data.Learners[:20] {
		l := w.state(u.ID, w.events[u.ID])
		req := Request{Limit: 40, Now: w.now, Seed: 42}
		a := Rank(Input{Catalogue: w.cat, Learner: l, Request: req})
		b := Rank(Input{Catalogue: w.cat, Learner: l, Request: req})
		if !slices.EqualFunc(a.Entries, b.Entries, func(x, y Entry) bool { return x.ItemID == y.ItemID && x.Explanation == y.Explanation }) {
			t.Fatalf("learner %s: two runs with one seed differ", u.ID)
		}
		seen := map[string]bool{}
		for _, e := range a.Entries {
			if seen[e.ItemID] {
				t.Fatalf("learner %s: %s twice", u.ID, e.ItemID)
			}
			seen[e.ItemID] = true
		}
	}
}

func TestCapsHold(t *testing.T) {
	w := smallWorld(t)
	cfg := DefaultConfig()
	for _, u := range w.data.Learners[:30] {
		l := w.state(u.ID, w.events[u.ID])
		out := Rank(Input{Catalogue: w.cat, Learner: l, Request: Request{Limit: 20, Now: w.now, Seed: 3}, Config: cfg})
		if len(out.Entries) != 20 {
			t.Fatalf("learner %s: %d entries", u.ID, len(out.Entries))
		}
		creators, topics := map[string]int{}, map[string]int{}
		for _, e := range out.Entries {
			it, _ := w.cat.Item(e.ItemID)
			creators[it.CreatorID]++
			for _, tp := range it.Topics {
				topics[tp]++
			}
		}
		for c, n := range creators {
			if n > int(math.Ceil(cfg.CreatorShare*20)) {
				t.Errorf("learner %s: creator %s has %d entries, cap 4", u.ID, c, n)
			}
		}
		for tp, n := range topics {
			if limit := int(math.Ceil(cfg.TopicShare * 20)); n > limit {
				t.Errorf("learner %s: topic %s has %d entries, cap %d", u.ID, tp, n, limit)
			}
		}
	}
}

func TestEpisodesNeverBeforeTheirPredecessor(t *testing.T) {
	w := smallWorld(t)
	// A learner who finished episode 1 of a series, in binge mode, with
	// episodes of other series scattered in their history.
	var first Item
	for _, it := range w.items {
		if it.Episode == 1 {
			first = it
			break
		}
	}
	l := &Learner{ID: "binger", Items: map[string]ItemState{first.ID: {Completed: true}},
		Recent: []Interaction{{ItemID: first.ID, Type: Complete, At: w.now.Add(-time.Hour)}},
		Topics: map[string]float64{first.Topics[0]: 3}}
	for _, mode := range []Mode{ForYou, Binge} {
		out := Rank(Input{Catalogue: w.cat, Learner: l, Request: Request{Limit: 30, Now: w.now, Seed: 9, Mode: mode}})
		pos := map[string]int{}
		for k, e := range out.Entries {
			pos[e.ItemID] = k
		}
		next := 0
		for k, e := range out.Entries {
			it, _ := w.cat.Item(e.ItemID)
			if it.SeriesID == "" || it.Episode <= 1 {
				continue
			}
			// Its predecessor must be finished or earlier on the page.
			for _, p := range w.items {
				if p.SeriesID == it.SeriesID && p.Episode == it.Episode-1 {
					if _, done := l.Items[p.ID]; done {
						break
					}
					if pk, ok := pos[p.ID]; !ok || pk > k {
						t.Errorf("%s: episode %d of %s at %d before its predecessor", mode, it.Episode, it.SeriesID, k)
					}
				}
			}
			if it.SeriesID == first.SeriesID {
				next++
				if e.Source != SourceSeries || !strings.HasPrefix(e.Explanation, "Next in") {
					t.Errorf("%s: episode %d explained as %s %q", mode, it.Episode, e.Source, e.Explanation)
				}
			}
		}
		want := 1
		if mode == Binge {
			want = 3
		}
		if next < want {
			t.Errorf("%s: %d episodes of the series in progress, want %d", mode, next, want)
		}
	}
}

func TestFollowedCreatorsNewItemsAreExplained(t *testing.T) {
	w := smallWorld(t)
	// A creator with an old item and two published in the last hours.
	creator := "c-ada"
	old := w.items[10]
	old.ID, old.CreatorID, old.CreatorName, old.SeriesID, old.Episode = "old", creator, "Ada", "", 0
	w.items = append(w.items, old)
	for k := 0; k < 2; k++ {
		it := w.items[k]
		it.ID, it.CreatorID, it.CreatorName, it.SeriesID, it.Episode = "new-"+string(rune('a'+k)), creator, "Ada", "", 0
		it.PublishedAt = w.now.Add(-time.Duration(k+1) * time.Hour)
		it.Counts = Counts{}
		w.items = append(w.items, it)
	}
	cat := NewCatalogue(w.items, w.cat.Snapshot(), CatalogueOptions{Now: w.now})
	out := Rank(Input{Catalogue: cat, Learner: &Learner{ID: "f", Follows: []string{creator}}, Request: Request{Limit: 20, Now: w.now}})
	found := 0
	for _, e := range out.Entries {
		if strings.HasPrefix(e.ItemID, "new-") {
			found++
			if e.Explanation != "New from Ada, whom you follow" && e.Reason.Kind != NewIn {
				t.Errorf("%s explained %q", e.ItemID, e.Explanation)
			}
		}
	}
	if found == 0 {
		t.Errorf("no new item of the followed creator on the page")
	}
}

func TestTraceNamesEveryFate(t *testing.T) {
	w := smallWorld(t)
	id := w.data.Learners[1].ID
	l := w.state(id, w.events[id])
	out := Rank(Input{Catalogue: w.cat, Learner: l, Request: Request{Limit: 20, Now: w.now, Explain: true}})
	if out.Trace == nil {
		t.Fatal("no trace")
	}
	placed := 0
	for _, c := range out.Trace.Candidates {
		switch {
		case c.Position >= 0:
			placed++
			if c.ItemID != out.Entries[c.Position].ItemID {
				t.Errorf("trace puts %s at %d, page has %s", c.ItemID, c.Position, out.Entries[c.Position].ItemID)
			}
		case c.Dropped == "":
			t.Errorf("%s neither placed nor dropped", c.ItemID)
		}
	}
	if placed != len(out.Entries) {
		t.Errorf("trace places %d, page has %d", placed, len(out.Entries))
	}
	known := []string{"seen", "hidden", "blocked", "not_visible", "minor", "muted", "served", "creator_cap", "topic_cap", "sequencing", "page_full"}
	why := map[string]int{}
	for _, c := range out.Trace.Candidates {
		if c.Dropped != "" {
			why[c.Dropped]++
			if !slices.Contains(known, c.Dropped) {
				t.Errorf("%s dropped for %q", c.ItemID, c.Dropped)
			}
			if _, seen := l.Items[c.ItemID]; seen != (c.Dropped == "seen") {
				t.Errorf("%s dropped as %q; the learner has an event for it: %v", c.ItemID, c.Dropped, seen)
			}
		}
	}
	if why["seen"] == 0 || why["page_full"] == 0 {
		t.Errorf("drops %v: the learner's own items and the overflow should both show", why)
	}
}

func TestAnInvalidSnapshotIsNotBound(t *testing.T) {
	w := smallWorld(t)
	bad := *w.cat.Snapshot()
	bad.CoEngagement = &model.Lists{Ptr: []int32{0, 1}, IDs: []int32{1 << 30}, Scores: []float32{1}}
	cat := NewCatalogue(w.items, &bad, CatalogueOptions{Now: w.now})
	if cat.ModelError() == nil || cat.Snapshot() != nil {
		t.Fatal("a snapshot with an index out of range was bound")
	}
	id := w.data.Learners[0].ID
	if out := Rank(Input{Catalogue: cat, Learner: w.state(id, w.events[id]), Request: Request{Limit: 20, Now: w.now}}); len(out.Entries) != 20 {
		t.Errorf("%d entries without a model", len(out.Entries))
	}
}

// TestLaterPagesOfASessionNeverRepeat: page after page, with the earlier pages
// as Served, nothing comes twice and each page is full.
func TestLaterPagesOfASessionNeverRepeat(t *testing.T) {
	w := smallWorld(t)
	id := w.data.Learners[7].ID
	l := w.state(id, w.events[id])
	var served []string
	for page := 0; page < 5; page++ {
		out := Rank(Input{Catalogue: w.cat, Learner: l, Request: Request{Limit: 20, Now: w.now, Seed: 3, Served: served}})
		if len(out.Entries) != 20 {
			t.Fatalf("page %d has %d entries", page, len(out.Entries))
		}
		for _, e := range out.Entries {
			if slices.Contains(served, e.ItemID) {
				t.Fatalf("page %d repeats %s", page, e.ItemID)
			}
			served = append(served, e.ItemID)
		}
	}
}
