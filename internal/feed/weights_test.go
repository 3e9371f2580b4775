package feed

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/feed/eval"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// The tuning sample is the same learners whatever order the log is read in,
// and never more than asked for.
func TestTuneSampleIsDeterministic(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	type ev struct{ user, item string }
	var evs []ev
	for u := range 50 {
		for i := range 3 {
			evs = append(evs, ev{fmt.Sprintf("learner%d", u), fmt.Sprintf("item%d", (u+i)%7)})
		}
	}
	run := func(evs []ev) []eval.Row {
		s := newTuneSample(5)
		for k, e := range evs {
			s.add(e.user, rank.Interaction{ItemID: e.item, Type: rank.Complete, At: at.Add(time.Duration(k) * time.Second)})
		}
		return s.rows()
	}
	a := run(evs)
	rev := slices.Clone(evs)
	slices.Reverse(rev)
	b := run(rev)
	users := func(rows []eval.Row) []string {
		var out []string
		for _, r := range rows {
			if !slices.Contains(out, r.User) {
				out = append(out, r.User)
			}
		}
		return out
	}
	if len(users(a)) != 5 || len(a) != 15 {
		t.Fatalf("the sample has %d learners and %d rows, want 5 and 15", len(users(a)), len(a))
	}
	if !slices.Equal(users(a), users(b)) {
		t.Errorf("the sample depends on the log's order: %v vs %v", users(a), users(b))
	}
}

// Weights go into a snapshot's stats and come back as they were, as the
// stores keep stats (JSON); another version is refused, none means defaults.
func TestWeightsRoundTrip(t *testing.T) {
	w := &Weights{Version: weightsVersion, Knobs: map[string]float64{"popularity": 1, "history_decay": 0.9}, Tuned: true,
		Learners: 120, Default: Figures{Recall20: 0.2, NDCG10: 0.1}, Best: Figures{Recall20: 0.25, NDCG10: 0.12}}
	stored := func(v any) map[string]any {
		raw, err := json.Marshal(map[string]any{"events": 3, weightsStat: v})
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		return back
	}
	got, err := weightsOf(stored(w))
	if err != nil || !reflect.DeepEqual(got, w) {
		t.Errorf("weights after a round trip = %+v, %v; want %+v", got, err, w)
	}
	if _, err := weightsOf(stored(map[string]any{"version": weightsVersion + 1})); err == nil {
		t.Error("another version of the weights is read")
	}
	if got, err := weightsOf(map[string]any{"events": 3}); err != nil || got.Tuned || len(got.Knobs) != 0 {
		t.Errorf("a snapshot without weights gives %+v, %v; want the defaults", got, err)
	}
}

// An index ranks with its snapshot's weights set over the node's own
// configuration; without them, with that configuration unchanged.
func TestIndexRanksWithItsWeights(t *testing.T) {
	base := rank.DefaultConfig()
	base.BingeDepth = 7 // the node's own setting stays
	knobs := map[string]float64{"popularity": 1, "history_decay": 0.9}
	x := &Index{Weights: &Weights{Version: weightsVersion, Knobs: maps.Clone(knobs), Tuned: true}}
	want, _ := eval.ApplyKnobs(base, knobs)
	if got := x.config(base); *got != *want || got.BingeDepth != 7 || *got == *base {
		t.Errorf("the index ranks with %+v, want %+v", got, want)
	}
	if got := (&Index{}).config(base); got != base {
		t.Errorf("an index without weights ranks with %+v, want the node's configuration", got)
	}
}
