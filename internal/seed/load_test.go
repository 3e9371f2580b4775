package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

// fakeTargets records every write with the clock's time, and refuses writes
// whose dependencies do not exist yet, as the real services would.
type fakeTargets struct {
	clock    *Clock
	calls    []call
	emails   map[string]bool
	users    map[string]string // ID → role
	items    map[string]string // ID → creator ID
	series   map[string]string
	failItem int // fail the nth CreateItem (from 1); 0: never
	made     int
}

type call struct {
	op    string // user, birth, topics, series, item, episodes, follow, ingest
	at    time.Time
	id    string   // what it made, or the user it acted for
	args  []string // creator, item IDs...
	batch []events.Input
}

var errTaken = errors.New("email taken")

func newFake() *fakeTargets {
	return &fakeTargets{clock: NewClock(time.Time{}), emails: map[string]bool{}, users: map[string]string{},
		items: map[string]string{}, series: map[string]string{}}
}

func (f *fakeTargets) targets() Targets {
	return Targets{Users: f, Catalog: f, Events: f, Clock: f.clock}
}

func (f *fakeTargets) record(op, id string, args ...string) string {
	f.calls = append(f.calls, call{op: op, at: f.clock.Now(), id: id, args: args})
	return id
}

func (f *fakeTargets) newID(prefix string) string {
	f.made++
	return fmt.Sprintf("%s-%d", prefix, f.made)
}

func (f *fakeTargets) CreateUser(_ context.Context, email, _, _ string, role access.Role) (string, error) {
	if f.emails[email] {
		return "", fmt.Errorf("create %s: %w", email, errTaken)
	}
	f.emails[email] = true
	id := f.newID("user")
	f.users[id] = string(role)
	return f.record("user", id, string(role)), nil
}

func (f *fakeTargets) SetBirthYear(_ context.Context, userID string, year int) error {
	if f.users[userID] == "" {
		return fmt.Errorf("no user %s", userID)
	}
	f.record("birth", userID, fmt.Sprint(year))
	return nil
}

func (f *fakeTargets) IsEmailTaken(err error) bool { return errors.Is(err, errTaken) }

func (f *fakeTargets) EnsureTopics(_ context.Context, topics []content.Topic) error {
	f.record("topics", "", fmt.Sprint(len(topics)))
	return nil
}

func (f *fakeTargets) CreateItem(_ context.Context, creatorID string, in content.ItemInput) (string, error) {
	if f.users[creatorID] != "creator" {
		return "", fmt.Errorf("no creator %s", creatorID)
	}
	if f.failItem > 0 && len(f.items)+1 == f.failItem {
		return "", errTaken
	}
	id := f.newID("item")
	f.items[id] = creatorID
	return f.record("item", id, creatorID), nil
}

func (f *fakeTargets) CreateSeries(_ context.Context, creatorID string, in content.SeriesInput) (string, error) {
	if f.users[creatorID] != "creator" {
		return "", fmt.Errorf("no creator %s", creatorID)
	}
	id := f.newID("series")
	f.series[id] = creatorID
	return f.record("series", id, creatorID), nil
}

func (f *fakeTargets) SetEpisodes(_ context.Context, creatorID, seriesID string, itemIDs []string) error {
	if f.series[seriesID] != creatorID {
		return fmt.Errorf("series %s is not %s's", seriesID, creatorID)
	}
	for _, id := range itemIDs {
		if f.items[id] != creatorID {
			return fmt.Errorf("item %s is not %s's", id, creatorID)
		}
	}
	f.record("episodes", seriesID, append([]string{creatorID}, itemIDs...)...)
	return nil
}

func (f *fakeTargets) Follow(_ context.Context, userID, creatorID string) error {
	if f.users[userID] != "learner" || f.users[creatorID] != "creator" {
		return fmt.Errorf("%s cannot follow %s", userID, creatorID)
	}
	f.record("follow", userID, creatorID)
	return nil
}

func (f *fakeTargets) Ingest(_ context.Context, userID string, batch []events.Input) (int, error) {
	if f.users[userID] != "learner" || len(batch) > MaxBatch {
		return 0, fmt.Errorf("%d events for %s", len(batch), userID)
	}
	for _, e := range batch {
		if f.items[e.ItemID] == "" {
			return 0, fmt.Errorf("event %s on unknown item %s", e.ID, e.ItemID)
		}
	}
	f.calls = append(f.calls, call{op: "ingest", at: f.clock.Now(), id: userID, batch: batch})
	return len(batch), nil
}

var phase = map[string]int{"user:creator": 0, "topics": 1, "series": 2, "item": 2, "episodes": 3,
	"user:learner": 4, "birth": 4, "follow": 5, "ingest": 6}

func TestLoadWritesInDependencyOrder(t *testing.T) {
	ds := Generate(small)
	f := newFake()
	type report struct{ done, total int }
	var stages []string
	last := map[string]report{}
	sum, err := Load(context.Background(), ds, f.targets(), func(stage string, done, total int) {
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
		last[stage] = report{done, total}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Creators: len(ds.Creators), Learners: len(ds.Learners), Topics: len(ds.Topics), Series: len(ds.Series),
		Items: len(ds.Items), Follows: len(ds.Follows), Events: len(ds.Events), Accepted: len(ds.Events)}
	if sum != want {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	if want := []string{"creators", "topics", "catalogue", "episodes", "learners", "follows", "events"}; !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	for stage, r := range last {
		if r.done != r.total {
			t.Errorf("stage %s ended at %d of %d", stage, r.done, r.total)
		}
	}

	var items, creators, learners []call
	keyOf := map[string]string{} // item ID → key
	ingested := map[string][]string{}
	lastPhase, lastCatalogue, lastIngest := 0, time.Time{}, time.Time{}
	for i, c := range f.calls {
		op := c.op
		if op == "user" {
			op += ":" + c.args[0]
		}
		if phase[op] < lastPhase {
			t.Fatalf("call %d (%s) after a later stage", i, op)
		}
		lastPhase = phase[op]
		switch op {
		case "user:creator":
			creators = append(creators, c)
		case "user:learner":
			learners = append(learners, c)
		case "series", "item":
			if c.at.Before(lastCatalogue) {
				t.Errorf("catalogue call %d at %v goes back in time", i, c.at)
			}
			lastCatalogue = c.at
			if op == "item" {
				plan := ds.Items[len(items)]
				keyOf[c.id] = plan.Key
				items = append(items, c)
				if !c.at.Equal(plan.CreatedAt) || c.args[0] != creators[plan.CreatorIndex].id {
					t.Errorf("item %s made at %v by %s, want %v by creator %d", plan.Key, c.at, c.args[0], plan.CreatedAt, plan.CreatorIndex)
				}
			}
		case "episodes":
			s := ds.Series[slices.IndexFunc(ds.Series, func(s SeriesPlan) bool { return keyOf[c.args[1]] == s.Episodes[0] })]
			var got []string
			for _, id := range c.args[1:] {
				got = append(got, keyOf[id])
			}
			if diff := cmp.Diff(s.Episodes, got); diff != "" {
				t.Errorf("episodes of %s:\n%s", s.Key, diff)
			}
		case "ingest":
			if c.at.Before(lastIngest) || !c.at.Equal(ds.Events[slices.IndexFunc(ds.Events, func(e EventPlan) bool {
				return e.ID == c.batch[len(c.batch)-1].ID && learners[e.LearnerIndex].id == c.id
			})].At) {
				t.Errorf("batch %d ingested at %v: not its last event's time, or earlier than the previous batch", i, c.at)
			}
			lastIngest = c.at
			for _, e := range c.batch {
				ingested[c.id] = append(ingested[c.id], e.ID)
			}
		}
	}
	for i, p := range ds.Learners {
		var want []string
		for _, e := range ds.Events {
			if e.LearnerIndex == i {
				want = append(want, e.ID)
			}
		}
		if !learners[i].at.Equal(p.CreatedAt) {
			t.Errorf("learner %d created at %v, want %v", i, learners[i].at, p.CreatedAt)
		}
		if diff := cmp.Diff(want, ingested[learners[i].id]); diff != "" {
			t.Errorf("learner %d's events not sent in time order:\n%s", i, diff)
		}
	}
}

func TestLoadRefusesASeededDatabase(t *testing.T) {
	ds := Generate(Config{Seed: 3, Creators: 2, Items: 20, Learners: 3, Days: 5, Now: testNow})
	f := newFake()
	if _, err := Load(context.Background(), ds, f.targets(), nil); err != nil {
		t.Fatal(err)
	}
	before := len(f.calls)
	sum, err := Load(context.Background(), ds, f.targets(), nil)
	if !errors.Is(err, ErrAlreadySeeded) {
		t.Fatalf("second load: %v, want ErrAlreadySeeded", err)
	}
	if len(f.calls) != before || sum != (Summary{}) {
		t.Errorf("second load wrote %d things (%+v)", len(f.calls)-before, sum)
	}
}

func TestLoadStopsAtTheFirstError(t *testing.T) {
	ds := Generate(Config{Seed: 3, Creators: 2, Items: 20, Learners: 3, Days: 5, Now: testNow})
	f := newFake()
	f.failItem = 3
	sum, err := Load(context.Background(), ds, f.targets(), nil)
	if !errors.Is(err, errTaken) || errors.Is(err, ErrAlreadySeeded) {
		t.Fatalf("err = %v, want the item's error", err)
	}
	if sum.Items != 2 || sum.Learners != 0 {
		t.Errorf("summary %+v: want 2 items and nothing after", sum)
	}
	if _, err := Load(context.Background(), ds, Targets{}, nil); err == nil {
		t.Error("Load without targets succeeded")
	}
}

func TestBatchesSplitLongSessions(t *testing.T) {
	t0 := testNow.Add(-time.Hour)
	var evs []EventPlan
	for i := range 1200 {
		evs = append(evs, EventPlan{LearnerIndex: 0, SessionID: "a", ID: fmt.Sprint(i), At: t0.Add(time.Duration(i) * time.Second)})
	}
	evs = append(evs, EventPlan{LearnerIndex: 1, SessionID: "b", ID: "early", At: t0.Add(time.Minute)})
	var got []string
	for _, b := range batches(evs) {
		got = append(got, fmt.Sprintf("%d:%d", b[0].LearnerIndex, len(b)))
	}
	// Ordered by their last event: learner 1's single event ends first.
	if want := []string{"1:1", "0:500", "0:500", "0:200"}; !slices.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
}
