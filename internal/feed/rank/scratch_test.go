package rank

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Serving's catalogues share one pool of per-request scratch, and a scratch
// left by one catalogue is refitted to the next: a larger one with a model, a
// smaller one without. Whatever one ranking left in it must not reach the
// next: each list equals the list a catalogue with a pool of its own gives.
func TestScratchesSharedAcrossCatalogues(t *testing.T) {
	w := smallWorld(t)
	shared := &Scratches{}
	build := func(items []Item, withModel bool, pool *Scratches) *Catalogue {
		snap := w.cat.Snapshot()
		if !withModel {
			snap = nil
		}
		return NewCatalogue(slices.Clone(items), snap, CatalogueOptions{Now: w.now, Scratches: pool})
	}
	part := w.items[:len(w.items)/3]
	big, small := build(w.items, true, shared), build(part, false, shared)
	bigOwn, smallOwn := build(w.items, true, nil), build(part, false, nil)
	for _, u := range w.data.Learners[:12] {
		l := w.state(u.ID, w.events[u.ID])
		req := Request{Limit: 30, Now: w.now, Seed: 9, Explain: true}
		for _, c := range []struct {
			name      string
			cat, want *Catalogue
		}{{"with a model", big, bigOwn}, {"without one", small, smallOwn}, {"with a model again", big, bigOwn}} {
			got, want := Rank(Input{Catalogue: c.cat, Learner: l, Request: req}), Rank(Input{Catalogue: c.want, Learner: l, Request: req})
			same := func(x, y Entry) bool {
				return x.ItemID == y.ItemID && x.Explanation == y.Explanation && x.Score == y.Score
			}
			if len(got.Entries) == 0 || !slices.EqualFunc(got.Entries, want.Entries, same) {
				t.Fatalf("learner %s, catalogue %s: %d entries with the shared pool, unlike the %d with its own",
					u.ID, c.name, len(got.Entries), len(want.Entries))
			}
			if diff := cmp.Diff(want.Trace, got.Trace); diff != "" {
				t.Fatalf("learner %s, catalogue %s: the trace with the shared pool (+) differs from its own (-):\n%s", u.ID, c.name, diff)
			}
		}
	}
}
