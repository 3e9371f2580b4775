package rank

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/synth"
)

// split holds out each learner's last fifth of items (at least one), as the
// evaluation protocol does; positives are held-out items they finished.
type split struct {
	train     []synth.Event
	trainOf   map[string][]synth.Event
	positives map[string][]string
	built     time.Time
}

func holdOut(d *synth.Data) split {
	s := split{trainOf: map[string][]synth.Event{}, positives: map[string][]string{}}
	byUser := map[string][]synth.Event{}
	for _, e := range d.Events {
		byUser[e.UserID] = append(byUser[e.UserID], e)
	}
	for _, l := range d.Learners {
		evs := byUser[l.ID]
		var order []string // items by first event
		first := map[string]bool{}
		for _, e := range evs {
			if !first[e.ItemID] {
				first[e.ItemID] = true
				order = append(order, e.ItemID)
			}
		}
		if len(order) < 5 {
			s.train = append(s.train, evs...)
			s.trainOf[l.ID] = evs
			continue
		}
		held := map[string]bool{}
		for _, id := range order[len(order)-len(order)/5:] {
			held[id] = true
		}
		done := map[string]bool{}
		for _, e := range evs {
			if held[e.ItemID] {
				if e.Type == "complete" && !done[e.ItemID] {
					done[e.ItemID] = true
					s.positives[l.ID] = append(s.positives[l.ID], e.ItemID)
				}
				continue
			}
			s.train = append(s.train, e)
			s.trainOf[l.ID] = append(s.trainOf[l.ID], e)
		}
	}
	slices.SortStableFunc(s.train, func(a, b synth.Event) int { return a.At.Compare(b.At) })
	s.built = s.train[len(s.train)-1].At
	return s
}

// TestEngineBeatsPopularityOnPlantedInterests is a small offline evaluation:
// learners with latent topic interests, the last fifth of each history held
// out, and Recall@20 of the served engine (exploration, caps and diversity on)
// against the most popular items.
func TestEngineBeatsPopularityOnPlantedInterests(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	d := synth.Generate(synth.Options{Learners: 300, Items: 2000, Events: 45000, Topics: 15, Seed: 11})
	sp := holdOut(d)
	snap := trainOn(d, sp.train, sp.built, model.Options{ALS: model.ALSOptions{Factors: 16, Iterations: 6}, NoEASE: true, Seed: 1})
	w := &world{data: d, events: map[string][]synth.Event{}, learner: map[string]*synth.Learner{}}
	for i := range d.Learners {
		w.learner[d.Learners[i].ID] = &d.Learners[i]
	}
	// The catalogue as of the end of training: only training events count.
	w.now = sp.built
	w.items = newWorldFrom(d.Items, sp.train, sp.built)
	w.cat = NewCatalogue(w.items, snap, CatalogueOptions{Now: w.now})
	views := map[string]int{}
	for _, e := range sp.train {
		if e.Type == "view" {
			views[e.ItemID]++
		}
	}
	popular := make([]string, 0, len(views))
	for id := range views {
		popular = append(popular, id)
	}
	slices.SortFunc(popular, func(a, b string) int {
		if c := cmp.Compare(views[b], views[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	var engine, pop float64
	var users int
	for _, l := range d.Learners {
		pos := sp.positives[l.ID]
		if len(pos) == 0 {
			continue
		}
		users++
		st := w.state(l.ID, sp.trainOf[l.ID])
		out := Rank(Input{Catalogue: w.cat, Learner: st, Request: Request{Limit: 20, Now: w.now, Seed: 1}})
		var got []string
		for _, e := range out.Entries {
			got = append(got, e.ItemID)
		}
		engine += recall(got, pos)
		var top []string
		for _, id := range popular {
			if _, seen := st.Items[id]; !seen {
				top = append(top, id)
				if len(top) == 20 {
					break
				}
			}
		}
		pop += recall(top, pos)
	}
	engine, pop = engine/float64(users), pop/float64(users)
	t.Logf("Recall@20 over %d learners: engine %.3f, popularity %.3f", users, engine, pop)
	if engine < 1.5*pop {
		t.Errorf("engine Recall@20 %.3f is not clearly above popularity's %.3f", engine, pop)
	}
}

func recall(got, positives []string) float64 {
	hits := 0
	for _, p := range positives {
		if slices.Contains(got, p) {
			hits++
		}
	}
	return float64(hits) / float64(len(positives))
}

// TestAChemistryLearnerGetsChemistry: a learner who, in a few minutes,
// finished only items of one topic and skipped another's gets mostly the first
// topic, explained by what they finished, and none of what they skipped.
func TestAChemistryLearnerGetsChemistry(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	d := synth.Generate(synth.Options{Learners: 300, Items: 2000, Events: 45000, Topics: 15, Seed: 12})
	now := d.Events[len(d.Events)-1].At.Add(time.Hour)
	snap := trainOn(d, d.Events, now, model.Options{ALS: model.ALSOptions{Factors: 16, Iterations: 6}, NoEASE: true, Seed: 1})
	items := newWorldFrom(d.Items, d.Events, now)
	cat := NewCatalogue(items, snap, CatalogueOptions{Now: now})
	const chem, skipped = "topic-04", "topic-09"
	var finish, skip []string
	for _, it := range items {
		switch {
		case len(finish) < 10 && it.Topics[0] == chem && len(it.Topics) == 1 && it.Episode == 0 && it.Counts.Views > 20:
			finish = append(finish, it.ID)
		case len(skip) < 5 && it.Topics[0] == skipped && it.Episode == 0 && it.Counts.Views > 20:
			skip = append(skip, it.ID)
		}
	}
	l := &Learner{ID: "chemist", Items: map[string]ItemState{}, Topics: map[string]float64{}, Creators: map[string]float64{}}
	at := now.Add(-5 * time.Minute)
	for k, id := range finish {
		at = at.Add(20 * time.Second)
		l.Recent = append(l.Recent, Interaction{ItemID: id, Type: View, At: at, WatchRatio: 1}, Interaction{ItemID: id, Type: Complete, At: at})
		l.Items[id] = ItemState{Completed: true, LastAt: at}
		l.Topics[chem] += 1.2
		if k < len(skip) {
			l.Recent = append(l.Recent, Interaction{ItemID: skip[k], Type: Skip, At: at})
			l.Items[skip[k]] = ItemState{Skipped: true, LastAt: at}
			l.Topics[skipped] -= 0.5
		}
	}
	out := Rank(Input{Catalogue: cat, Learner: l, Request: Request{Limit: 20, Now: now, Seed: 5}})
	var inChem, inSkipped, because int
	for _, e := range out.Entries {
		it, _ := cat.Item(e.ItemID)
		if slices.Contains(it.Topics, chem) {
			inChem++
		}
		if slices.Contains(it.Topics, skipped) {
			inSkipped++
			t.Logf("skipped topic: %s %v %s %q", e.ItemID, it.Topics, e.Source, e.Explanation)
		}
		if slices.Contains(skip, e.ItemID) || slices.Contains(finish, e.ItemID) {
			t.Errorf("%s was already seen", e.ItemID)
		}
		if e.Reason.Kind == BecauseFinished && e.Reason.Verb == "finished" {
			because++
			if !slices.Contains(finish, e.Reason.ItemID) || !strings.Contains(e.Explanation, e.Reason.ItemTitle) {
				t.Errorf("explanation %q names %s, not a finished item", e.Explanation, e.Reason.ItemID)
			}
		}
	}
	t.Logf("%d of %d in %s, %d in %s, %d explained by a finished item", inChem, len(out.Entries), chem, inSkipped, skipped, because)
	if inChem < 11 {
		t.Errorf("%d of 20 entries are in %s, want most", inChem, chem)
	}
	if inSkipped > 1 {
		t.Errorf("%d entries are in the skipped topic", inSkipped)
	}
	if because < 5 {
		t.Errorf("%d entries say \"because you finished\", want at least 5", because)
	}
}
