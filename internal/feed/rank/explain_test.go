package rank

import (
	"slices"
	"strings"
	"testing"
)

func TestReasonTexts(t *testing.T) {
	for _, c := range []struct {
		r    Reason
		want string
	}{
		{Reason{Kind: BecauseFinished, Verb: "finished", ItemTitle: "Acids"}, "Because you finished “Acids”"},
		{Reason{Kind: BecauseFinished, Verb: "saved", ItemTitle: "Acids"}, "Because you saved “Acids”"},
		{Reason{Kind: SimilarTo, Verb: "liked", ItemTitle: "Bonds"}, "Similar to “Bonds”, which you liked"},
		{Reason{Kind: LearnersLikeYou, Topic: "chem", TopicName: "Chemistry"}, "Popular in Chemistry with learners like you"},
		{Reason{Kind: LearnersLikeYou}, "Popular with learners like you"},
		{Reason{Kind: NewFromFollowed, CreatorName: "Ada"}, "New from Ada, whom you follow"},
		{Reason{Kind: TrendingIn, Topic: "chem"}, "Trending in chem"},
		{Reason{Kind: TrendingIn}, "Trending now"},
		{Reason{Kind: NewIn, TopicName: "Music"}, "New in Music"},
		{Reason{Kind: NextIn, SeriesTitle: "Organic chemistry"}, "Next in “Organic chemistry”"},
		{Reason{Kind: InYourTopic, TopicName: "Music"}, "Because you like Music"},
		{Reason{Kind: ChosenTopic, TopicName: "Music"}, "From Music, a topic you chose"},
		{Reason{Kind: PopularIn, TopicName: "Music"}, "Popular in Music"},
	} {
		if got := c.r.Text(); got != c.want {
			t.Errorf("%s: %q, want %q", c.r.Kind, got, c.want)
		}
	}
}

func TestTopicNamesComeFromTheCatalogue(t *testing.T) {
	w := smallWorld(t)
	cat := NewCatalogue(w.items, w.cat.Snapshot(), CatalogueOptions{Now: w.now, TopicNames: map[string]string{"topic-02": "Chemistry"}})
	out := Rank(Input{Catalogue: cat, Learner: &Learner{ID: "n", Chosen: []string{"topic-02"}}, Request: Request{Limit: 20, Now: w.now}})
	named := 0
	for _, e := range out.Entries {
		if e.Reason.Topic == "topic-02" {
			named++
			if e.Reason.TopicName != "Chemistry" || !strings.Contains(e.Explanation, "Chemistry") {
				t.Errorf("%q names topic-02 without its name", e.Explanation)
			}
		}
	}
	if named == 0 {
		t.Error("no entry explained by the chosen topic")
	}
}

func TestMutedTopicsNeverAppearAndBoostedOnesGrow(t *testing.T) {
	w := smallWorld(t)
	id := w.data.Learners[5].ID
	l := w.state(id, w.events[id])
	count := func(l *Learner, topic string) int {
		out := Rank(Input{Catalogue: w.cat, Learner: l, Request: Request{Limit: 40, Now: w.now, Seed: 1}})
		n := 0
		for _, e := range out.Entries {
			it, _ := w.cat.Item(e.ItemID)
			if slices.Contains(it.Topics, topic) {
				n++
			}
		}
		return n
	}
	// The learner's strongest topic, then a topic they barely touch.
	var top, weak string
	for tp, v := range l.Topics {
		if top == "" || v > l.Topics[top] || v == l.Topics[top] && tp < top {
			top = tp
		}
	}
	for _, tp := range []string{"topic-00", "topic-01", "topic-02", "topic-03", "topic-04", "topic-05"} {
		if tp != top && l.Topics[tp] < l.Topics[top]/4 {
			weak = tp
			break
		}
	}
	if count(l, top) == 0 {
		t.Fatalf("the learner's strongest topic %s is not on the page", top)
	}
	muted := *l
	muted.Muted = []string{top}
	if n := count(&muted, top); n != 0 {
		t.Errorf("%d entries in the muted topic %s", n, top)
	}
	before := count(l, weak)
	boosted := *l
	boosted.Boosted = []string{weak}
	if after := count(&boosted, weak); after <= before {
		t.Errorf("boosting %s took it from %d to %d entries", weak, before, after)
	}
}

// TestItemsWithoutACreatorAreNotCappedTogether: imported data has no
// creators; such items must not all count as one creator's.
func TestItemsWithoutACreatorAreNotCappedTogether(t *testing.T) {
	w := smallWorld(t)
	for k := range w.items {
		w.items[k].CreatorID, w.items[k].CreatorName = "", ""
	}
	cat := NewCatalogue(w.items, w.cat.Snapshot(), CatalogueOptions{Now: w.now})
	id := w.data.Learners[2].ID
	out := Rank(Input{Catalogue: cat, Learner: w.state(id, w.events[id]), Request: Request{Limit: 20, Now: w.now, Explain: true}})
	if len(out.Entries) != 20 || out.Trace.Relaxed {
		t.Errorf("%d entries, caps relaxed %v: creator-less items were capped as one creator", len(out.Entries), out.Trace.Relaxed)
	}
}
