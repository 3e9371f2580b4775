package seed

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/content"
)

var testNow = time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// small is quick enough to load many times.
var small = Config{Seed: 7, Creators: 6, Items: 300, Learners: 25, Days: 20, Now: testNow}

var defaults = sync.OnceValue(func() Dataset { return Generate(Config{Seed: 42, Now: testNow}) })

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(small), Generate(small)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("the same config gave different datasets (-first +second):\n%s", diff)
	}
	other := small
	other.Seed++
	if cmp.Equal(a, Generate(other)) {
		t.Fatal("a different seed gave the same dataset")
	}
	// The catalogue has a random stream of its own: more learners leave it alone.
	more := small
	more.Learners = 40
	if diff := cmp.Diff(a.Items, Generate(more).Items); diff != "" {
		t.Fatalf("adding learners changed the catalogue:\n%s", diff)
	}
}

func TestGenerateSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want Config
	}{
		{"defaults", Config{Seed: 42, Now: testNow}, Config{Creators: DefaultCreators, Items: DefaultItems, Learners: DefaultLearners, Days: DefaultDays}},
		{"small", small, small},
		{"days capped to the ingestion window", Config{Seed: 1, Creators: 3, Items: 40, Learners: 4, Days: 365, Now: testNow},
			Config{Creators: 3, Items: 40, Learners: 4, Days: maxDays}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ds Dataset
			if tc.name == "defaults" {
				ds = defaults()
			} else {
				ds = Generate(tc.cfg)
			}
			got := Config{Creators: len(ds.Creators), Items: len(ds.Items), Learners: len(ds.Learners)}
			want := Config{Creators: tc.want.Creators, Items: tc.want.Items, Learners: tc.want.Learners}
			if got != want {
				t.Errorf("sizes = %+v, want %+v", got, want)
			}
			if len(ds.Topics) != len(parents)+len(leaves) || len(ds.Topics) < 20 {
				t.Errorf("%d topics", len(ds.Topics))
			}
			first := testNow.Add(-time.Duration(tc.want.Days) * 24 * time.Hour)
			for _, it := range ds.Items {
				if it.CreatedAt.Before(first) || !it.CreatedAt.Before(testNow) {
					t.Fatalf("item %s created at %v, outside the %d-day window", it.Key, it.CreatedAt, tc.want.Days)
				}
			}
			inSeries := 0
			for _, s := range ds.Series {
				inSeries += len(s.Episodes)
			}
			if share := float64(inSeries) / float64(len(ds.Items)); share < 0.1 || share > 0.2 {
				t.Errorf("%.2f of the items are in series, want about 0.15", share)
			}
			if len(ds.Events) < 10*len(ds.Learners) {
				t.Errorf("%d events for %d learners", len(ds.Events), len(ds.Learners))
			}
		})
	}
}

var (
	usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.]{2,29}$`)
	choiceRE   = regexp.MustCompile(`^q\d+-c\d+$`)
)

func TestPeopleAreValidAccounts(t *testing.T) {
	ds := defaults()
	emails, names := map[string]bool{}, map[string]bool{}
	minors := 0
	for i, p := range slices.Concat(ds.Creators, ds.Learners) {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || !strings.HasSuffix(p.Email, "@"+EmailDomain) {
			t.Errorf("email %q is not a valid demo address", p.Email)
		}
		if !usernameRE.MatchString(p.Username) || names[p.Username] || emails[p.Email] {
			t.Errorf("username %q or email %q invalid or taken twice", p.Username, p.Email)
		}
		emails[p.Email], names[p.Username] = true, true
		if len(p.Password) < 8 || (p.Role != "creator" && p.Role != "learner") {
			t.Errorf("person %d: password %q, role %q", i, p.Password, p.Role)
		}
		sum := 0.0
		for slug, w := range p.Interests {
			if leafIndex(slug) < 0 || w <= 0 {
				t.Errorf("%s: interest %s=%v", p.Email, slug, w)
			}
			sum += w
		}
		if sum < 0.999 || sum > 1.001 {
			t.Errorf("%s: interests sum to %v", p.Email, sum)
		}
		if p.BirthYear != 0 && testNow.Year()-p.BirthYear <= 18 {
			minors++
		}
	}
	if ds.Creators[0].Email != "creator1@"+EmailDomain {
		t.Errorf("the first creator is %s: Load's already-seeded check relies on creator1", ds.Creators[0].Email)
	}
	if minors == 0 || minors > len(ds.Learners)/3 {
		t.Errorf("%d minors among %d learners", minors, len(ds.Learners))
	}
}

// kindDurations are the realistic ranges, in seconds.
var kindDurations = map[content.Kind][2]int64{
	content.Video: {15, 600}, content.Lesson: {180, 1200}, content.Article: {120, 720},
	content.Image: {8, 14}, content.QuizKind: {60, 180},
}

func leafIndex(slug string) int {
	return slices.IndexFunc(leaves, func(l leaf) bool { return l.slug == slug })
}

func TestItemsFollowContentRules(t *testing.T) {
	ds := defaults()
	slugs := map[string]bool{}
	for _, tp := range ds.Topics {
		if tp.Parent != "" && !slugs[tp.Parent] {
			t.Errorf("topic %s comes before its parent %s", tp.Slug, tp.Parent)
		}
		slugs[tp.Slug] = true
	}
	keys := map[string]ItemPlan{}
	for i, it := range ds.Items {
		if err := checkItem(it, slugs); err != nil {
			t.Errorf("item %s: %v", it.Key, err)
		}
		if i > 0 && it.CreatedAt.Before(ds.Items[i-1].CreatedAt) {
			t.Errorf("item %s is out of creation order", it.Key)
		}
		if _, dup := keys[it.Key]; dup {
			t.Errorf("key %s twice", it.Key)
		}
		keys[it.Key] = it
	}
	for _, s := range ds.Series {
		title := strings.TrimSpace(*s.Input.Title)
		if title == "" || utf8.RuneCountInString(title) > 200 || *s.Input.Status != content.Published {
			t.Errorf("series %s: title %q, status %s", s.Key, title, *s.Input.Status)
		}
		if len(s.Episodes) < 3 || len(s.Episodes) > 12 {
			t.Errorf("series %s has %d episodes", s.Key, len(s.Episodes))
		}
		prev := s.CreatedAt
		for k, key := range s.Episodes {
			it := keys[key]
			if it.SeriesKey != s.Key || it.Episode != k+1 || it.CreatorIndex != s.CreatorIndex || !it.CreatedAt.After(prev) {
				t.Errorf("series %s episode %d: item %s is %s#%d by %d at %v", s.Key, k+1, key, it.SeriesKey, it.Episode, it.CreatorIndex, it.CreatedAt)
			}
			prev = it.CreatedAt
		}
	}
}

// checkItem applies the catalogue's input rules and the demo's own promises.
func checkItem(it ItemPlan, slugs map[string]bool) error {
	in := it.Input
	if in.Kind == nil || in.Title == nil || in.Topics == nil || in.DurationMS == nil || in.Status == nil || in.Difficulty == nil || in.Language == nil {
		return fmt.Errorf("missing fields: %+v", in)
	}
	if in.SeriesID != nil || in.Episode != nil {
		return fmt.Errorf("series set in the input: Load sets episodes")
	}
	title := strings.TrimSpace(*in.Title)
	switch {
	case title == "" || utf8.RuneCountInString(title) > 200:
		return fmt.Errorf("title %q", title)
	case in.Description != nil && utf8.RuneCountInString(*in.Description) > 2000:
		return fmt.Errorf("description of %d characters", utf8.RuneCountInString(*in.Description))
	case in.Body != nil && utf8.RuneCountInString(*in.Body) > 100_000:
		return fmt.Errorf("body of %d characters", utf8.RuneCountInString(*in.Body))
	case *in.Status != content.Published:
		return fmt.Errorf("status %s", *in.Status)
	case *in.Difficulty < 1 || *in.Difficulty > 5:
		return fmt.Errorf("difficulty %d", *in.Difficulty)
	case !slices.Contains([]string{"en", "es", "ja"}, *in.Language):
		return fmt.Errorf("language %q", *in.Language)
	case len(*in.Topics) == 0 || len(*in.Topics) > 10:
		return fmt.Errorf("%d topics", len(*in.Topics))
	}
	for _, tp := range *in.Topics {
		if !slugs[tp] {
			return fmt.Errorf("topic %q is not in the taxonomy", tp)
		}
	}
	r, ok := kindDurations[*in.Kind]
	if secs := *in.DurationMS / 1000; !ok || secs < r[0] || secs > r[1] {
		return fmt.Errorf("%s of %d ms", *in.Kind, *in.DurationMS)
	}
	if (*in.Kind == content.QuizKind) != (in.Quiz != nil) {
		return fmt.Errorf("kind %s with quiz %v", *in.Kind, in.Quiz != nil)
	}
	if in.Quiz == nil {
		return nil
	}
	if n := len(in.Quiz.Questions); n < 1 || n > 5 {
		return fmt.Errorf("%d questions", n)
	}
	ids := map[string]bool{}
	for _, q := range in.Quiz.Questions {
		if strings.TrimSpace(q.Prompt) == "" || len(q.Choices) < 3 || len(q.Choices) > 4 {
			return fmt.Errorf("question %s: prompt %q, %d choices", q.ID, q.Prompt, len(q.Choices))
		}
		answered := false
		for _, c := range q.Choices {
			if !choiceRE.MatchString(c.ID) || ids[c.ID] || strings.TrimSpace(c.Text) == "" {
				return fmt.Errorf("choice %q (%q) invalid or repeated", c.ID, c.Text)
			}
			ids[c.ID] = true
			answered = answered || c.ID == q.Answer
		}
		if !answered {
			return fmt.Errorf("question %s: answer %q is none of its choices", q.ID, q.Answer)
		}
	}
	return nil
}
