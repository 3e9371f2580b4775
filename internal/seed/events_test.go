package seed

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

func itemsByKey(ds Dataset) map[string]ItemPlan {
	m := make(map[string]ItemPlan, len(ds.Items))
	for _, it := range ds.Items {
		m[it.Key] = it
	}
	return m
}

func TestEventsFollowIngestionRules(t *testing.T) {
	for name, ds := range map[string]Dataset{"defaults": defaults(), "small": Generate(small)} {
		t.Run(name, func(t *testing.T) {
			items := itemsByKey(ds)
			ids := map[string]bool{}
			for i, e := range ds.Events {
				if err := checkEvent(ds, items, e); err != nil {
					t.Fatalf("event %d %+v: %v", i, e, err)
				}
				if ids[e.ID] {
					t.Fatalf("event ID %s twice", e.ID)
				}
				ids[e.ID] = true
				if i > 0 {
					prev := ds.Events[i-1]
					if e.LearnerIndex < prev.LearnerIndex || e.LearnerIndex == prev.LearnerIndex && e.At.Before(prev.At) {
						t.Fatalf("event %s is out of order after %s", e.ID, prev.ID)
					}
				}
			}
			type edge struct{ l, c int }
			seen := map[edge]bool{}
			for i, f := range ds.Follows {
				switch {
				case f.LearnerIndex < 0 || f.LearnerIndex >= len(ds.Learners) || f.CreatorIndex < 0 || f.CreatorIndex >= len(ds.Creators):
					t.Fatalf("follow %+v out of range", f)
				case f.At.After(testNow) || f.At.Before(ds.Learners[f.LearnerIndex].CreatedAt):
					t.Fatalf("follow %+v before the learner exists or after now", f)
				case i > 0 && f.At.Before(ds.Follows[i-1].At):
					t.Fatalf("follow %d out of time order", i)
				case seen[edge{f.LearnerIndex, f.CreatorIndex}]:
					t.Fatalf("follow %+v twice", f)
				}
				seen[edge{f.LearnerIndex, f.CreatorIndex}] = true
			}
		})
	}
}

// checkEvent applies ingestion's rules (events.Service.check) as of Config.Now,
// and the simulation's own: nothing before its item or learner exists.
func checkEvent(ds Dataset, items map[string]ItemPlan, e EventPlan) error {
	if e.LearnerIndex < 0 || e.LearnerIndex >= len(ds.Learners) {
		return fmt.Errorf("learner %d out of range", e.LearnerIndex)
	}
	it, ok := items[e.ItemKey]
	dur := int64(0)
	if ok {
		dur = *it.Input.DurationMS
	}
	switch {
	case !ok:
		return fmt.Errorf("no item %q", e.ItemKey)
	case !strings.HasPrefix(e.ID, fmt.Sprintf("seed-%d-", e.LearnerIndex+1)) || len(e.ID) > 100:
		return fmt.Errorf("id %q", e.ID)
	case !e.Type.Valid():
		return fmt.Errorf("type %q", e.Type)
	case e.SessionID == "" || len(e.SessionID) > 100:
		return fmt.Errorf("session %q", e.SessionID)
	case e.WatchMS < 0 || e.Position < 0:
		return fmt.Errorf("negative watch or position")
	case e.At.After(testNow) || e.At.Before(testNow.Add(-90*24*time.Hour)):
		return fmt.Errorf("at %v is outside the ingestion window", e.At)
	case !e.At.After(it.CreatedAt):
		return fmt.Errorf("at %v is before the item was created (%v)", e.At, it.CreatedAt)
	case e.At.Before(ds.Learners[e.LearnerIndex].CreatedAt):
		return fmt.Errorf("at %v is before the learner joined", e.At)
	case e.WatchMS > 10*dur+60_000:
		return fmt.Errorf("watch %d ms of a %d ms item", e.WatchMS, dur)
	}
	if e.Type != events.QuizAnswer {
		if e.Answer != "" {
			return fmt.Errorf("an answer on a %s", e.Type)
		}
		return nil
	}
	if _, _, known := it.Input.Quiz.Grade(e.Answer); !known {
		return fmt.Errorf("answer %q is not a choice of %s", e.Answer, it.Key)
	}
	return nil
}

// topTwo are a learner's two strongest interests.
func topTwo(p Person) []string {
	slugs := make([]string, 0, len(p.Interests))
	for s := range p.Interests {
		slugs = append(slugs, s)
	}
	slices.SortFunc(slugs, func(a, b string) int { return cmp.Or(cmp.Compare(p.Interests[b], p.Interests[a]), cmp.Compare(a, b)) })
	return slugs[:min(2, len(slugs))]
}

func TestInterestsDriveEvents(t *testing.T) {
	ds := defaults()
	items := itemsByKey(ds)
	leafOf := func(key string) string { return (*items[key].Input.Topics)[0] }
	perLeaf := map[string]int{}
	for _, it := range ds.Items {
		perLeaf[leafOf(it.Key)]++
	}
	var done, doneTop, impressions, impressionsTop int
	var expected float64 // completions in the top two if learners finished items at random
	var right, answers [2]int
	for _, e := range ds.Events {
		top := topTwo(ds.Learners[e.LearnerIndex])
		in := slices.Contains(top, leafOf(e.ItemKey))
		switch e.Type {
		case events.Complete:
			done++
			if in {
				doneTop++
			}
			for _, s := range top {
				expected += float64(perLeaf[s]) / float64(len(ds.Items))
			}
		case events.Impression:
			impressions++
			if in {
				impressionsTop++
			}
		case events.QuizAnswer:
			k := 0
			if in {
				k = 1
			}
			answers[k]++
			if _, ok, _ := items[e.ItemKey].Input.Quiz.Grade(e.Answer); ok {
				right[k]++
			}
		}
	}
	got, base := float64(doneTop)/float64(done), expected/float64(done)
	t.Logf("completions in the top two topics: %.2f (catalogue share %.2f); impressions %.2f", got, base, float64(impressionsTop)/float64(impressions))
	if got < 0.5 || got < 3*base {
		t.Errorf("%.2f of completions are in learners' top two topics, catalogue share %.2f: interests do not drive events", got, base)
	}
	if share := float64(impressionsTop) / float64(impressions); share < 2*base {
		t.Errorf("%.2f of impressions in the top two topics, catalogue share %.2f", share, base)
	}
	inTop, outside := float64(right[1])/float64(answers[1]), float64(right[0])/float64(answers[0])
	t.Logf("quiz answers right: %.2f in top topics, %.2f elsewhere", inTop, outside)
	if inTop < outside+0.1 {
		t.Errorf("quiz answers right %.2f in top topics vs %.2f elsewhere: interest should help", inTop, outside)
	}
}

func TestSeriesAreWatchedInOrder(t *testing.T) {
	ds := defaults()
	items := itemsByKey(ds)
	episodes := map[string][]string{}
	for _, s := range ds.Series {
		episodes[s.Key] = s.Episodes
	}
	done := map[int]map[string]bool{}
	continued := 0
	for _, e := range ds.Events {
		if e.Type != events.Complete {
			continue
		}
		if done[e.LearnerIndex] == nil {
			done[e.LearnerIndex] = map[string]bool{}
		}
		it := items[e.ItemKey]
		if it.Episode > 1 {
			if prev := episodes[it.SeriesKey][it.Episode-2]; !done[e.LearnerIndex][prev] {
				t.Fatalf("learner %d finished %s episode %d before episode %d", e.LearnerIndex, it.SeriesKey, it.Episode, it.Episode-1)
			}
			continued++
		}
		done[e.LearnerIndex][e.ItemKey] = true
	}
	if continued < 20 {
		t.Errorf("only %d completions continue a series", continued)
	}
}

func TestCatalogueLooksReal(t *testing.T) {
	ds := defaults()
	kinds, langs := map[content.Kind]float64{}, map[string]float64{}
	var videos []int64
	for _, it := range ds.Items {
		kinds[*it.Input.Kind] += 1 / float64(len(ds.Items))
		langs[*it.Input.Language] += 1 / float64(len(ds.Items))
		if *it.Input.Kind == content.Video {
			videos = append(videos, *it.Input.DurationMS)
		}
	}
	for kind, want := range map[content.Kind]float64{content.Video: 0.55, content.Lesson: 0.15, content.Article: 0.10, content.QuizKind: 0.12, content.Image: 0.08} {
		if got := kinds[kind]; got < want-0.06 || got > want+0.06 {
			t.Errorf("%.2f of items are %s, want about %.2f", got, kind, want)
		}
	}
	if langs["en"] < 0.75 || langs["es"] == 0 || langs["ja"] == 0 {
		t.Errorf("languages %v: want mostly en with some es and ja", langs)
	}
	slices.Sort(videos)
	if median := time.Duration(videos[len(videos)/2]) * time.Millisecond; median < time.Minute || median > 2*time.Minute {
		t.Errorf("median video lasts %v, want short-form (about 90 s)", median)
	}
	count := map[events.Type]float64{}
	perLearner := map[int]int{}
	for _, e := range ds.Events {
		count[e.Type]++
		perLearner[e.LearnerIndex]++
	}
	for _, r := range []struct {
		what     events.Type
		per      events.Type
		lo, high float64
	}{
		{events.Like, events.Complete, 0.05, 0.12},
		{events.Save, events.Complete, 0.015, 0.05},
		{events.Share, events.Complete, 0.004, 0.02},
		{events.Hide, events.Impression, 0.001, 0.01},
		{events.Complete, events.Impression, 0.25, 0.75},
	} {
		if got := count[r.what] / count[r.per]; got < r.lo || got > r.high {
			t.Errorf("%s per %s = %.3f, want %.3f to %.3f", r.what, r.per, got, r.lo, r.high)
		}
	}
	if mean := len(ds.Events) / len(ds.Learners); mean < 50 || mean > 150 {
		t.Errorf("%d events per learner on average, want 50 to 150", mean)
	}
	if len(perLearner) != len(ds.Learners) {
		t.Errorf("%d of %d learners have events", len(perLearner), len(ds.Learners))
	}
}
