package synth

import (
	"reflect"
	"testing"
)

func TestSameSeedSameData(t *testing.T) {
	o := Options{Learners: 50, Items: 400, Events: 5000, Seed: 3}
	a, b := Generate(o), Generate(o)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("one seed gave two data sets")
	}
	o.Seed = 4
	if reflect.DeepEqual(a.Events, Generate(o).Events) {
		t.Fatal("two seeds gave the same events")
	}
}

func TestEventsAreOrderedPublishedAndSeriesInOrder(t *testing.T) {
	d := Generate(Options{Learners: 100, Items: 1000, Events: 20000, Seed: 1})
	if n := len(d.Events); n < 18000 || n > 23000 {
		t.Errorf("%d events, asked for 20000", n)
	}
	items := map[string]Item{}
	for _, it := range d.Items {
		items[it.ID] = it
	}
	furthest := map[[2]string]int{}
	for k, e := range d.Events {
		if k > 0 && e.At.Before(d.Events[k-1].At) {
			t.Fatalf("event %d is out of time order", k)
		}
		it := items[e.ItemID]
		if it.PublishedAt.After(e.At) {
			t.Fatalf("event %d on %s before it was published", k, it.ID)
		}
		if it.SeriesID != "" && e.Type == "view" {
			key := [2]string{e.UserID, it.SeriesID}
			if it.Episode > 1 && furthest[key] != it.Episode-1 {
				t.Fatalf("%s watched episode %d of %s after episode %d", e.UserID, it.Episode, it.SeriesID, furthest[key])
			}
			furthest[key] = it.Episode
		}
	}
}
