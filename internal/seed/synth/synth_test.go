package synth

import (
	"bytes"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/events"
)

var testNow = time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// small is the size the feed's quality tests use: quick to make, big enough for
// the structure to show.
var small = Config{Seed: 7, Learners: 200, Items: 2000, Events: 20000, Now: testNow}

// smallData is small's generator and every history, made once for the tests
// that only read them.
var smallData = sync.OnceValues(func() (*Generator, []History) {
	g := New(small)
	return g, slices.Collect(g.Histories())
})

func csv(t *testing.T, g *Generator) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := g.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSameSeedSameData(t *testing.T) {
	a, b := New(small), New(small)
	ca, cb := csv(t, a), csv(t, b)
	if !bytes.Equal(ca, cb) {
		t.Fatal("the same config gave different exports")
	}
	if ia, ib := slices.Collect(a.Items()), slices.Collect(b.Items()); !reflect.DeepEqual(ia, ib) {
		t.Fatalf("the same config gave different items (-first +second):\n%s", cmp.Diff(ia, ib))
	}
	if diff := cmp.Diff(a.Learners(), b.Learners()); diff != "" {
		t.Fatalf("the same config gave different learners:\n%s", diff)
	}
	if diff := cmp.Diff(a.History(17), b.History(17)); diff != "" {
		t.Fatalf("the same config gave different histories:\n%s", diff)
	}

	other := small
	other.Seed++
	o := New(other)
	if bytes.Equal(ca, csv(t, o)) {
		t.Error("a different seed gave the same export")
	}
	if a.Item(3).Title == o.Item(3).Title && a.Item(4).Title == o.Item(4).Title && a.Item(5).Title == o.Item(5).Title {
		t.Error("a different seed gave the same titles")
	}

	// The catalogue has random streams of its own: more learners and events leave it alone.
	more := small
	more.Learners, more.Events = 300, 50000
	if ia, im := slices.Collect(a.Items()), slices.Collect(New(more).Items()); !reflect.DeepEqual(ia, im) {
		t.Errorf("more learners changed the catalogue:\n%s", cmp.Diff(ia, im))
	}
}

func TestSizes(t *testing.T) {
	g, hs := smallData()
	if g.NumItems() != small.Items || len(g.Learners()) != small.Learners || len(hs) != small.Learners {
		t.Fatalf("%d items, %d learners, %d histories; want %d, %d", g.NumItems(), len(g.Learners()), len(hs), small.Items, small.Learners)
	}
	total := 0
	for _, h := range hs {
		if want := g.Learner(h.Learner).Events; len(h.Events) != want {
			t.Errorf("learner %d has %d events, their share is %d", h.Learner, len(h.Events), want)
		}
		total += len(h.Events)
	}
	if total != small.Events {
		t.Errorf("%d events in all, want exactly %d", total, small.Events)
	}
	if got := New(Config{}).Config(); got.Learners != DefaultLearners || got.Items != DefaultItems || got.Events != DefaultEvents ||
		got.Days != DefaultDays || got.Creators != DefaultItems/50 || got.Topics != 48 {
		t.Errorf("defaults: %+v", got)
	}
	minors := 0
	for _, l := range g.Learners() {
		if testNow.Year()-l.BirthYear < 18 {
			minors++
		}
	}
	if minors < small.Learners/20 || minors > small.Learners*3/10 {
		t.Errorf("%d of %d learners are minors, want some but not most", minors, small.Learners)
	}
}

// inInterests reports whether any of the item's topics is among the learner's
// interests at t.
func inInterests(g *Generator, l Learner, it Item, t time.Time) bool {
	for _, topic := range it.Topics {
		if l.Weight(topic, t) > 0 {
			return true
		}
	}
	return false
}

// The structure the feed's tests rely on: what a learner finishes is what they
// are interested in, far more than what they are merely shown.
func TestCompletionsFollowInterests(t *testing.T) {
	g, hs := smallData()
	items := slices.Collect(g.Items())
	var done, doneIn, shown, shownIn, learners, focused int
	for _, h := range hs {
		l := g.Learner(h.Learner)
		var n, in int
		for _, e := range h.Events {
			hit := inInterests(g, l, items[e.Item], e.At)
			switch e.Type {
			case events.Complete:
				n++
				if hit {
					in++
				}
			case events.Impression:
				shown++
				if hit {
					shownIn++
				}
			}
		}
		done, doneIn = done+n, doneIn+in
		if n >= 5 {
			learners++
			if float64(in) >= 0.7*float64(n) {
				focused++
			}
		}
	}
	share, shownShare := float64(doneIn)/float64(done), float64(shownIn)/float64(shown)
	t.Logf("%d completions, %.3f in the learner's interests; %.3f of impressions", done, share, shownShare)
	if done < small.Events/20 {
		t.Fatalf("only %d completions", done)
	}
	if share < 0.9 {
		t.Errorf("%.3f of completions fall in the learner's interests, want at least 0.9", share)
	}
	if share <= shownShare+0.05 {
		t.Errorf("completions (%.3f in interests) follow interests no more than impressions (%.3f)", share, shownShare)
	}
	if float64(focused) < 0.9*float64(learners) {
		t.Errorf("%d of %d learners with 5+ completions have 70%% of them in their interests, want 90%%", focused, learners)
	}
}

func TestInterestsDrift(t *testing.T) {
	g, hs := smallData()
	var before, beforeNew, after, afterNew, drifting int
	for _, h := range hs {
		l := g.Learner(h.Learner)
		if l.DriftAt.IsZero() {
			continue
		}
		drifting++
		fresh := l.Drifted[0].Topic
		if l.Weight(fresh, l.DriftAt.Add(-time.Millisecond)) != 0 {
			t.Fatalf("learner %d drifts to %s, which they already liked", l.Index, fresh)
		}
		for _, e := range h.Events {
			if e.Type != events.Complete {
				continue
			}
			isNew := slices.Contains(g.Item(e.Item).Topics, fresh)
			if e.At.Before(l.DriftAt) {
				before++
				if isNew {
					beforeNew++
				}
			} else {
				after++
				if isNew {
					afterNew++
				}
			}
		}
	}
	if drifting < small.Learners/5 || before < 100 || after < 100 {
		t.Fatalf("%d drifting learners, %d completions before and %d after", drifting, before, after)
	}
	b, a := float64(beforeNew)/float64(before), float64(afterNew)/float64(after)
	t.Logf("new topic: %.3f of completions before the drift, %.3f after", b, a)
	if a < 0.25 || b > 0.1 {
		t.Errorf("the new topic takes %.3f of completions before the drift and %.3f after; want under 0.1 and over 0.25", b, a)
	}
}

func TestSeriesWatchedInOrder(t *testing.T) {
	g, hs := smallData()
	series := g.Series()
	long := 0
	for _, h := range hs {
		shown := map[int][]int{} // series → episodes in the order shown
		for _, e := range h.Events {
			if it := g.items[e.Item]; e.Type == events.Impression && it.series >= 0 {
				shown[int(it.series)] = append(shown[int(it.series)], int(it.episode))
			}
		}
		for s, eps := range shown {
			for k, ep := range eps {
				if ep != k+1 {
					t.Fatalf("learner %d was shown series %d's episodes %v, want 1, 2, 3… in order", h.Learner, s, eps)
				}
			}
			if len(eps) >= 3 {
				long++
			}
		}
	}
	if long < 20 {
		t.Errorf("only %d times did a learner get three episodes into a series", long)
	}
	for _, s := range series {
		if len(s.Episodes) < 2 || !slices.IsSorted(s.Episodes) {
			t.Errorf("series %d has episodes %v: want two or more, in creation order", s.Index, s.Episodes)
		}
		for k, i := range s.Episodes {
			if it := g.Item(i); it.Series != s.Index || it.Episode != k+1 || it.Creator != s.Creator || it.Topics[0] != s.Topic {
				t.Errorf("episode %d of series %d is item %+v", k+1, s.Index, it)
			}
		}
	}
}

func TestZipfPopularity(t *testing.T) {
	g, hs := smallData()
	shown := make([]int, g.NumItems())
	total := 0
	for _, h := range hs {
		for _, e := range h.Events {
			if e.Type == events.Impression {
				shown[e.Item]++
				total++
			}
		}
	}
	// By rank within topic and language: the head far ahead of the tail.
	byRank := map[bool][2]int{} // head (rank < 3) or not → impressions, items
	for i, n := range shown {
		head := g.items[i].rank < 3
		v := byRank[head]
		byRank[head] = [2]int{v[0] + n, v[1] + 1}
	}
	head := float64(byRank[true][0]) / float64(byRank[true][1])
	tail := float64(byRank[false][0]) / float64(byRank[false][1])
	sorted := slices.Clone(shown)
	sort.Sort(sort.Reverse(sort.IntSlice(sorted)))
	top := 0
	for _, n := range sorted[:len(sorted)/100] {
		top += n
	}
	t.Logf("top 1%% of items: %.3f of impressions; ranks 0–2 get %.1f each, the rest %.1f", float64(top)/float64(total), head, tail)
	if float64(top) < 0.05*float64(total) {
		t.Errorf("the top 1%% of items get %.3f of impressions, want at least 5%% (five times their share)", float64(top)/float64(total))
	}
	// Each learner sees an item once, so the head saturates in a small set: a
	// flat draw would give 1.
	if head < 2.5*tail {
		t.Errorf("items of rank 0–2 get %.1f impressions each, the rest %.1f: want the head far ahead", head, tail)
	}
}
