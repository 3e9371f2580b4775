package events

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// t2024 is the start of 2024, UTC: an event then adds its weight unscaled, so
// the expected scores below are the weights themselves.
var t2024 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

var foldFacts = map[string]ItemFacts{
	"a": {ID: "a", CreatorID: "c1", Topics: []string{"t1", "t2"}, DurationMS: 60_000, Visible: true},
	"b": {ID: "b", CreatorID: "c2", Topics: []string{"t3"}, Visible: true},
	"q": {ID: "q", CreatorID: "c3", Topics: []string{"t4"}, Visible: true},
}

// at is an event n nanoseconds after t2024: in order, and too close to it for
// the decay to show.
func at(typ Type, item string, n int) Event {
	return Event{ClientID: fmt.Sprintf("%s-%s-%d", typ, item, n), Type: typ, ItemID: item, At: t2024.Add(time.Duration(n))}
}

var approx = cmpopts.EquateApprox(0, 1e-12)

// TestFoldByHand checks Fold against values worked out by hand: what each type
// counts, and what it weighs for the item's topics (split evenly) and creator.
func TestFoldByHand(t *testing.T) {
	yes, no := true, false
	view := at(View, "a", 1)
	view.WatchMS = 30_000 // half the item: 0.2 + 0.8·0.5 = 0.6
	right, wrong := at(QuizAnswer, "q", 5), at(QuizAnswer, "q", 6)
	right.Correct, right.Question = &yes, "q1"
	wrong.Correct, wrong.Question = &no, "q2"
	evs := []Event{
		at(Impression, "a", 0), // counted, weighs nothing
		view,
		at(Skip, "a", 2),     // −0.5; a skip is not a share
		at(Share, "b", 3),    // +1
		at(Hide, "b", 4),     // −3
		right,                // 0.7 + 0.5
		wrong,                // 0.7
		at(Complete, "a", 7), // +1
		at(Like, "a", 8),     // +1
		at(Save, "b", 9),     // +1.5
		at(Unsave, "b", 10),  // −1.5
		at(Event{}.Type, "nope", 11),
	}
	d := Fold(nil, evs, foldFacts)

	wantItems := map[string]ItemCounts{
		"a": {Impressions: 1, Views: 1, WatchMS: 30_000, Skips: 1, Completions: 1},
		"b": {Shares: 1, Hides: 1},
		"q": {QuizAnswers: 2, QuizCorrect: 1},
	}
	if diff := cmp.Diff(wantItems, d.Items); diff != "" {
		t.Errorf("item counts (-want +got):\n%s", diff)
	}
	wantTopics := map[string]float64{
		"t1": (0.6 - 0.5 + 1 + 1) / 2, "t2": (0.6 - 0.5 + 1 + 1) / 2,
		"t3": 1 - 3 + 1.5 - 1.5,
		"t4": 1.2 + 0.7,
	}
	if diff := cmp.Diff(wantTopics, d.Topics, approx); diff != "" {
		t.Errorf("topic scores (-want +got):\n%s", diff)
	}
	wantCreators := map[string]float64{"c1": 0.6 - 0.5 + 1 + 1, "c2": 1 - 3 + 1.5 - 1.5, "c3": 1.9}
	if diff := cmp.Diff(wantCreators, d.Creators, approx); diff != "" {
		t.Errorf("creator scores (-want +got):\n%s", diff)
	}
	a, b := d.UserItems["a"], d.UserItems["b"]
	if a.Impressions != 1 || a.Views != 1 || a.WatchMS != 30_000 || !a.Completed || a.Liked == nil || !*a.Liked || a.Saved != nil {
		t.Errorf("state of a: %+v", a)
	}
	if !a.FirstAt.Equal(t2024) || !a.LastAt.Equal(t2024.Add(8)) {
		t.Errorf("a seen %v to %v, want events 0 to 8", a.FirstAt, a.LastAt)
	}
	if b.HiddenAt == nil || !b.HiddenAt.Equal(t2024.Add(4)) || b.Saved == nil || *b.Saved {
		t.Errorf("state of b: %+v", b)
	}
	if _, ok := d.UserItems["nope"]; ok {
		t.Errorf("an event of an item without facts left a state")
	}
}

// TestFoldDecay: an interest shown one half-life before now counts half, and
// the normalised score of a later event is larger by 2^(Δt/half-life).
func TestFoldDecay(t *testing.T) {
	then := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d := Fold(nil, []Event{{ClientID: "s", Type: Share, ItemID: "b", At: then}}, foldFacts)
	for _, tc := range []struct {
		now  time.Time
		want float64
	}{
		{then, 1},
		{then.Add(HalfLife), 0.5},
		{then.Add(2 * HalfLife), 0.25},
		{then.Add(-HalfLife), 2},
	} {
		if got := Scale(d.Creators["c2"], tc.now); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("a share %v later weighs %g, want %g", tc.now.Sub(then), got, tc.want)
		}
	}
	// The same share two weeks later is stored twice as large, so both weigh
	// the same at any one time.
	later := Fold(nil, []Event{{ClientID: "s", Type: Share, ItemID: "b", At: then.Add(HalfLife)}}, foldFacts)
	if r := later.Creators["c2"] / d.Creators["c2"]; math.Abs(r-2) > 1e-9 {
		t.Errorf("normalised ratio %g, want 2", r)
	}
}

// TestFoldCaps: events over a cap are kept but count nothing; the states they
// set still follow them; the cap takes what earlier batches counted.
func TestFoldCaps(t *testing.T) {
	maxViews, _ := Cap(View)
	var evs []Event
	for i := range maxViews + 5 {
		e := at(View, "a", int(i))
		e.WatchMS = 60_000
		evs = append(evs, e)
	}
	nextDay := at(View, "a", 999)
	nextDay.At, nextDay.WatchMS = t2024.Add(24*time.Hour), 60_000
	evs = append(evs, nextDay)
	for i := range 3 {
		evs = append(evs, at(Share, "b", 100+i), at(Hide, "b", 200+i))
	}
	// Likes and unlikes weigh only while under their cap; the state is the last.
	evs = append(evs, at(Like, "a", 300), at(Unlike, "a", 301), at(Like, "a", 302), at(Unlike, "a", 303), at(Like, "a", 304), at(Like, "a", 305))
	yes := true
	for i := range 3 {
		e := at(QuizAnswer, "q", 400+i)
		e.Correct, e.Question = &yes, "q1"
		evs = append(evs, e)
	}
	d := Fold(nil, evs, foldFacts)

	want := map[string]ItemCounts{
		"a": {Views: maxViews + 1, WatchMS: 60_000 * (maxViews + 1)},
		"b": {Shares: 1, Hides: 1},
		"q": {QuizAnswers: 1, QuizCorrect: 1},
	}
	if diff := cmp.Diff(want, d.Items); diff != "" {
		t.Errorf("capped counts (-want +got):\n%s", diff)
	}
	if u := d.UserItems["a"]; u.Views != maxViews+1 || u.Liked == nil || !*u.Liked {
		t.Errorf("state of a: %+v, want %d views and liked", u, maxViews+1)
	}
	if u := d.UserItems["b"]; u.HiddenAt == nil || !u.HiddenAt.Equal(t2024.Add(202)) {
		t.Errorf("b hidden at %v, want the last hide", u.HiddenAt)
	}
	// Every counted view weighs 1 (all watched), the next day's stored 2^(1/14)
	// times larger; the four likes and unlikes under the cap cancel out, the
	// two likes after them weigh nothing.
	if got, want := d.Creators["c1"], float64(maxViews)+math.Exp2(1.0/14); math.Abs(got-want) > 1e-9 {
		t.Errorf("c1 scores %g, want %g", got, want)
	}
	if got, want := d.Creators["c3"], 1.2; math.Abs(got-want) > 1e-9 {
		t.Errorf("c3 scores %g, want one graded answer's %g", got, want)
	}
	for _, i := range []int{len(evs) - 2, len(evs) - 1} {
		if !d.Uncounted[evs[i].ClientID] {
			t.Errorf("answer %s again to q1 is counted (and graded)", evs[i].ClientID)
		}
	}
	if n := len(d.Uncounted); n != 5+2+2+2+2 {
		t.Errorf("%d events uncounted, want 13: 5 views, 2 shares, 2 hides, 2 likes, 2 answers", n)
	}
	day := t2024.Format(time.DateOnly)
	if n := d.Tallies[TallyKey{"a", "view", day}]; n != maxViews {
		t.Errorf("view tally %d, want %d", n, maxViews)
	}

	// A batch after 9 views of the day counts one more; a second share never.
	prior := Tallies{{"a", "view", day}: maxViews - 1, {"b", "share", ""}: 1}
	d = Fold(prior, []Event{at(View, "a", 500), at(View, "a", 501), at(Share, "b", 502)}, foldFacts)
	if got := d.Items["a"].Views; got != 1 {
		t.Errorf("after %d views, a batch of 2 counts %d, want 1", maxViews-1, got)
	}
	if got := d.Items["b"].Shares; got != 0 {
		t.Errorf("a second share counted %d", got)
	}
	if prior[TallyKey{"a", "view", day}] != maxViews-1 {
		t.Errorf("Fold changed prior")
	}
}

// TestFoldInBatchesIsFoldOfAll: folding a log batch by batch, each batch given
// the tallies of those before, adds up to folding it whole (what Recompute does).
func TestFoldInBatchesIsFoldOfAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	types := []Type{Impression, View, Complete, Like, Unlike, Save, Unsave, Share, Skip, Hide, QuizAnswer}
	items := []string{"a", "b", "q"}
	var log []Event
	for i := range 3000 {
		e := Event{ClientID: fmt.Sprint(i), Type: types[rng.IntN(len(types))], ItemID: items[rng.IntN(3)],
			At: t2024.Add(time.Duration(rng.IntN(4*24*60)) * time.Minute), WatchMS: int64(rng.IntN(90_000))}
		if e.Type == QuizAnswer {
			c := rng.IntN(2) == 0
			e.Correct, e.Question = &c, fmt.Sprint("q", rng.IntN(3))
		}
		log = append(log, e)
	}
	whole := Fold(nil, log, foldFacts)
	tallies := Tallies{}
	sum := Deltas{Items: map[string]ItemCounts{}, Topics: map[string]float64{}, Creators: map[string]float64{}}
	for i := 0; i < len(log); {
		n := min(1+rng.IntN(200), len(log)-i)
		d := Fold(tallies, log[i:i+n], foldFacts)
		for k, v := range d.Tallies {
			tallies[k] += v
		}
		for id, c := range d.Items {
			s := sum.Items[id]
			s.Impressions += c.Impressions
			s.Views += c.Views
			s.Completions += c.Completions
			s.Shares += c.Shares
			s.Skips += c.Skips
			s.Hides += c.Hides
			s.QuizAnswers += c.QuizAnswers
			s.QuizCorrect += c.QuizCorrect
			s.WatchMS += c.WatchMS
			sum.Items[id] = s
		}
		for k, v := range d.Topics {
			sum.Topics[k] += v
		}
		for k, v := range d.Creators {
			sum.Creators[k] += v
		}
		i += n
	}
	if diff := cmp.Diff(whole.Items, sum.Items); diff != "" {
		t.Errorf("counts in batches differ from the whole (-whole +batches):\n%s", diff)
	}
	if diff := cmp.Diff(whole.Tallies, tallies); diff != "" {
		t.Errorf("tallies in batches differ (-whole +batches):\n%s", diff)
	}
	near := cmpopts.EquateApprox(1e-9, 1e-9)
	if diff := cmp.Diff(whole.Topics, sum.Topics, near); diff != "" {
		t.Errorf("topics in batches differ (-whole +batches):\n%s", diff)
	}
	if diff := cmp.Diff(whole.Creators, sum.Creators, near); diff != "" {
		t.Errorf("creators in batches differ (-whole +batches):\n%s", diff)
	}
	var logged int64
	for _, e := range log {
		if e.Type == View && e.ItemID == "a" {
			logged++
		}
	}
	if whole.Items["a"].Views >= logged {
		t.Errorf("the random log hit no view cap (%d of %d views counted): the test proves nothing", whole.Items["a"].Views, logged)
	}
}

// Quiz answers stored before answers named their question carry none: they are
// not capped, as the migration that introduced the caps left them counted.
func TestFoldCountsAnswersWithoutAQuestion(t *testing.T) {
	var log []Event
	for i := range 3 {
		c := i == 0
		log = append(log, Event{ClientID: fmt.Sprint(i), Type: QuizAnswer, ItemID: "q", At: t2024, Correct: &c})
	}
	got := Fold(nil, log, foldFacts).Items["q"]
	if got.QuizAnswers != 3 || got.QuizCorrect != 1 {
		t.Errorf("answers without a question counted %d answers, %d correct; want 3 and 1", got.QuizAnswers, got.QuizCorrect)
	}
}
