package rank

import (
	"math"
	"testing"
	"time"
)

// TestRankCopesWithOddInput: whatever serving hands it, Rank answers.
func TestRankCopesWithOddInput(t *testing.T) {
	w := smallWorld(t)
	known := w.items[0].ID
	for name, in := range map[string]Input{
		"nil catalogue":   {Learner: &Learner{}},
		"nil learner":     {Catalogue: w.cat},
		"empty catalogue": {Catalogue: NewCatalogue(nil, nil, CatalogueOptions{}), Learner: &Learner{ID: "x"}, Request: Request{Limit: 20}},
		"unknown ids": {Catalogue: w.cat, Learner: &Learner{ID: "x",
			Recent: []Interaction{{ItemID: "nope", Type: Complete}, {ItemID: known, Type: "made-up"}},
			Items:  map[string]ItemState{"nope": {}}, Hidden: []string{"nope"}, Follows: []string{"nobody"},
			Blocked: []string{"nobody"}, Muted: []string{"no-topic"}, Series: []SeriesProgress{{SeriesID: "none", Episode: 3}},
			Factors: []float32{1, 2}, FactorsVersion: 7}, Request: Request{Served: []string{"nope"}, Now: w.now}},
		"nan affinities": {Catalogue: w.cat, Learner: &Learner{ID: "x", Topics: map[string]float64{"topic-01": math.NaN(), "topic-02": math.Inf(1)},
			Creators: map[string]float64{w.items[0].CreatorID: math.Inf(-1)}}, Request: Request{Now: w.now}},
		"zero clock":     {Catalogue: w.cat, Learner: &Learner{ID: "x"}},
		"huge limit":     {Catalogue: w.cat, Learner: &Learner{ID: "x"}, Request: Request{Limit: 1 << 30, Now: w.now}},
		"negative limit": {Catalogue: w.cat, Learner: &Learner{ID: "x"}, Request: Request{Limit: -5, Now: w.now.Add(-100 * 365 * 24 * time.Hour)}},
		"zero config":    {Catalogue: w.cat, Learner: &Learner{ID: "x"}, Config: &Config{MaxCandidates: 100}, Request: Request{Now: w.now}},
	} {
		out := Rank(in)
		if in.Catalogue == nil || in.Learner == nil || in.Catalogue.Len() == 0 {
			if len(out.Entries) != 0 {
				t.Errorf("%s: %d entries from nothing", name, len(out.Entries))
			}
			continue
		}
		if len(out.Entries) == 0 || len(out.Entries) > 100 {
			t.Errorf("%s: %d entries", name, len(out.Entries))
		}
		for _, e := range out.Entries {
			if math.IsNaN(e.Score) || e.Explanation == "" {
				t.Errorf("%s: entry %+v", name, e)
			}
		}
	}
}
