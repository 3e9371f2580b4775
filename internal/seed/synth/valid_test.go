package synth

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Items are what a creator could publish: the fields within the API's limits.
func TestItemsAreValid(t *testing.T) {
	g, _ := smallData()
	topics := map[string]bool{}
	for _, tp := range g.Topics() {
		topics[tp.Slug] = true
		if !slugPattern.MatchString(tp.Slug) || tp.Name == "" || (tp.Parent != "" && !topics[tp.Parent]) {
			t.Errorf("topic %+v: want a slug, a name, and its parent listed before it", tp)
		}
	}
	kinds := map[content.Kind]int{}
	var last time.Time
	for it := range g.Items() {
		kinds[it.Kind]++
		switch {
		case it.Title == "" || utf8.RuneCountInString(it.Title) > 200 || it.Title != strings.TrimSpace(it.Title):
			t.Errorf("item %d title %q", it.Index, it.Title)
		case len(it.Description) > 2000 || it.Body == "" || !utf8.ValidString(it.Body):
			t.Errorf("item %d description or body: %q / %q", it.Index, it.Description, it.Body)
		case len(it.Topics) < 2 || len(it.Topics) > 3:
			t.Errorf("item %d topics %v", it.Index, it.Topics)
		case it.Difficulty < 1 || it.Difficulty > 5:
			t.Errorf("item %d difficulty %d", it.Index, it.Difficulty)
		case it.DurationMS < 1000 || it.DurationMS > 6*3600*1000:
			t.Errorf("item %d duration %d ms", it.Index, it.DurationMS)
		case it.CreatedAt.Before(last) || it.CreatedAt.After(testNow):
			t.Errorf("item %d created at %v, after %v", it.Index, it.CreatedAt, last)
		case !slices.Contains(languages, it.Language) || it.Language != g.Creators()[it.Creator].Language:
			t.Errorf("item %d language %q", it.Index, it.Language)
		case (it.Kind == content.QuizKind) != (it.Quiz != nil):
			t.Errorf("item %d is a %s with quiz %v", it.Index, it.Kind, it.Quiz)
		}
		for _, tp := range it.Topics {
			if !topics[tp] {
				t.Errorf("item %d has topic %q, not in the taxonomy", it.Index, tp)
			}
		}
		if it.Quiz != nil {
			for k, q := range it.Quiz.Questions {
				right := q.Choices[g.right(it.Index, k)]
				if q.Answer != right.ID || !strings.Contains(q.Explanation, right.Text) {
					t.Errorf("item %d question %d: answer %q, right choice %+v, explanation %q", it.Index, k, q.Answer, right, q.Explanation)
				}
				texts := map[string]bool{}
				for _, c := range q.Choices {
					texts[c.Text] = true
				}
				if len(texts) != len(q.Choices) {
					t.Errorf("item %d question %d repeats a choice: %+v", it.Index, k, q.Choices)
				}
			}
		}
		last = it.CreatedAt
	}
	if len(kinds) != 5 {
		t.Errorf("kinds %v, want all five", kinds)
	}
}

// Events are what ingestion accepts, in an order a client could have sent them.
func TestEventsAreConsistent(t *testing.T) {
	g, hs := smallData()
	items := slices.Collect(g.Items())
	types := map[events.Type]int{}
	for _, h := range hs {
		l := g.Learner(h.Learner)
		shown := map[int]bool{}
		var last time.Time
		for k, e := range h.Events {
			it := items[e.Item]
			types[e.Type]++
			switch {
			case e.Seq != k || e.Learner != h.Learner:
				t.Fatalf("learner %d event %d: %+v", h.Learner, k, e)
			case e.At.Before(last) || e.At.After(testNow) || e.At.Before(l.CreatedAt) || e.At.Before(g.Start()):
				t.Fatalf("learner %d event %d at %v: after %v, within the window, after they joined (%v)", h.Learner, k, e.At, last, l.CreatedAt)
			case e.At.Before(it.CreatedAt):
				t.Fatalf("learner %d event %d on item %d at %v, before it was published (%v)", h.Learner, k, e.Item, e.At, it.CreatedAt)
			case e.Type == events.Impression && shown[e.Item]:
				t.Fatalf("learner %d was shown item %d twice", h.Learner, e.Item)
			case e.Type != events.Impression && !shown[e.Item]:
				t.Fatalf("learner %d event %d: %s before the item was shown", h.Learner, k, e.Type)
			case e.WatchMS < 0 || e.WatchMS > 10*it.DurationMS+60000 || (e.Type == events.View) != (e.WatchMS > 0):
				t.Fatalf("learner %d event %d: %s with watch_ms %d of %d", h.Learner, k, e.Type, e.WatchMS, it.DurationMS)
			case e.Type == events.QuizAnswer && (it.Quiz == nil || !quizAnswer(it.Quiz, e)):
				t.Fatalf("learner %d event %d: answer %q (correct %v) to item %d", h.Learner, k, e.Answer, e.Correct, e.Item)
			}
			shown[e.Item] = true
			last = e.At
		}
		for k, f := range h.Follows {
			done := 0
			for _, e := range h.Events {
				if e.Type == events.Complete && !e.At.After(f.At) && items[e.Item].Creator == f.Creator {
					done++
				}
			}
			if done < followAfter || (k > 0 && f.At.Before(h.Follows[k-1].At)) || f.Learner != h.Learner {
				t.Errorf("learner %d follows creator %d at %v after %d completions of theirs", h.Learner, f.Creator, f.At, done)
			}
		}
	}
	for _, typ := range []events.Type{events.Impression, events.View, events.Complete, events.Like, events.Save, events.Share,
		events.Skip, events.Hide, events.QuizAnswer} {
		if types[typ] == 0 {
			t.Errorf("no %s events", typ)
		}
	}
	if types[events.Complete] >= types[events.View] || types[events.View] >= types[events.Impression] {
		t.Errorf("event mix %v: want fewer completions than views than impressions", types)
	}
}

func quizAnswer(q *content.Quiz, e Event) bool {
	_, correct, ok := q.Grade(e.Answer)
	return ok && correct == e.Correct
}

func TestCSVExport(t *testing.T) {
	g, hs := smallData()
	out := csv(t, g)
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if lines[0] != "user,item,timestamp,weight" {
		t.Fatalf("header %q", lines[0])
	}
	want := 0
	for _, h := range hs {
		items := map[int]bool{}
		for _, e := range h.Events {
			if e.Type != events.Impression {
				items[e.Item] = true
			}
		}
		want += len(items)
	}
	if len(lines)-1 != want {
		t.Errorf("%d rows, want one per item a learner skipped or viewed: %d", len(lines)-1, want)
	}
	row := regexp.MustCompile(`^learner([0-9]+),item([0-9]+),([0-9]+),([1-5])$`)
	weights := map[string]int{}
	seen := map[string]bool{}
	var lastUser, lastTime string
	for _, line := range lines[1:] {
		m := row.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("row %q", line)
		}
		weights[m[4]]++
		key := m[1] + "," + m[2]
		if seen[key] {
			t.Fatalf("learner %s and item %s have two rows", m[1], m[2])
		}
		seen[key] = true
		if m[1] == lastUser && len(m[3]) == len(lastTime) && m[3] < lastTime {
			t.Fatalf("learner %s's rows are not in time order at %q", m[1], line)
		}
		lastUser, lastTime = m[1], m[3]
	}
	if len(weights) != 5 {
		t.Errorf("weights used: %v, want 1 to 5", weights)
	}
	// The first rows are learner 1's, at the times of their impressions.
	h := hs[0]
	first := g.Rows(h)[0]
	if line := fmt.Sprintf("learner1,item%d,%d,%d", first.Item+1, first.At.Unix(), first.Weight); lines[1] != line || first.At != h.Events[0].At {
		t.Errorf("first row %q, want %q from the first impression", lines[1], line)
	}
}

// A learner with more events to make than items to see stops when they have
// seen everything.
func TestSmallCatalogue(t *testing.T) {
	g := New(Config{Seed: 1, Learners: 3, Items: 50, Events: 5000, Now: testNow})
	var b bytes.Buffer
	if err := g.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	for h := range g.Histories() {
		shown := 0
		for _, e := range h.Events {
			if e.Type == events.Impression {
				shown++
			}
		}
		if shown > 50 || len(h.Events) >= g.Learner(h.Learner).Events {
			t.Errorf("learner %d: %d impressions, %d of %d events", h.Learner, shown, len(h.Events), g.Learner(h.Learner).Events)
		}
	}
	if rows := strings.Count(b.String(), "\n") - 1; rows == 0 || rows > 150 {
		t.Errorf("%d rows for 3 learners and 50 items", rows)
	}
}
