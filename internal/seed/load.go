package seed

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/lyolearn/lyo/internal/events"
)

// Load writes ds in dependency order and reports progress per stage:
// creators, topics, catalogue (series and items interleaved by creation time),
// episodes, learners, follows, events (one batch per learner session, at most
// MaxBatch events, all batches in time order). progress may be nil. Load stops at
// the first error; ErrAlreadySeeded when the first creator's email is taken.
func Load(ctx context.Context, ds Dataset, t Targets, progress func(stage string, done, total int)) (Summary, error) {
	if t.Users == nil || t.Catalog == nil || t.Events == nil || t.Clock == nil {
		return Summary{}, errors.New("seed: every target and the clock are required")
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	l := &loader{ds: ds, t: t, progress: progress, itemIDs: map[string]string{}, seriesIDs: map[string]string{}}
	for _, step := range []func(context.Context) error{l.creators, l.topics, l.catalogue, l.episodes, l.learners, l.follows, l.events} {
		if err := step(ctx); err != nil {
			return l.sum, err
		}
	}
	return l.sum, nil
}

type loader struct {
	ds         Dataset
	t          Targets
	progress   func(string, int, int)
	sum        Summary
	creatorIDs []string
	learnerIDs []string
	itemIDs    map[string]string // by key
	seriesIDs  map[string]string
}

// meter reports a stage's progress about a hundred times, and at its end.
type meter struct {
	stage       string
	done, total int
	report      func(string, int, int)
}

func (l *loader) meter(stage string, total int) *meter {
	m := &meter{stage: stage, total: total, report: l.progress}
	m.report(stage, 0, total)
	return m
}

func (m *meter) add(n int) {
	step := max(1, m.total/100)
	before := m.done
	m.done += n
	if m.done/step != before/step || m.done == m.total {
		m.report(m.stage, m.done, m.total)
	}
}

func (l *loader) creators(ctx context.Context) error {
	m := l.meter("creators", len(l.ds.Creators))
	for i, p := range l.ds.Creators {
		l.t.Clock.Set(p.CreatedAt)
		id, err := l.t.Users.CreateUser(ctx, p.Email, p.Password, p.Username, p.Role)
		if i == 0 && err != nil && l.t.Users.IsEmailTaken(err) {
			return fmt.Errorf("%w: %s exists", ErrAlreadySeeded, p.Email)
		}
		if err != nil {
			return fmt.Errorf("create creator %s: %w", p.Email, err)
		}
		l.creatorIDs = append(l.creatorIDs, id)
		l.sum.Creators++
		m.add(1)
	}
	return nil
}

func (l *loader) topics(ctx context.Context) error {
	m := l.meter("topics", len(l.ds.Topics))
	if len(l.ds.Creators) > 0 {
		l.t.Clock.Set(l.ds.Creators[0].CreatedAt)
	}
	if err := l.t.Catalog.EnsureTopics(ctx, l.ds.Topics); err != nil {
		return fmt.Errorf("ensure topics: %w", err)
	}
	l.sum.Topics = len(l.ds.Topics)
	m.add(len(l.ds.Topics))
	return nil
}

func (l *loader) creator(i int) (string, error) {
	if i < 0 || i >= len(l.creatorIDs) {
		return "", fmt.Errorf("creator index %d out of range", i)
	}
	return l.creatorIDs[i], nil
}

// catalogue creates series and items merged in creation order, so their IDs
// (which sort by creation time) agree with their times.
func (l *loader) catalogue(ctx context.Context) error {
	series, items := l.ds.Series, l.ds.Items
	m := l.meter("catalogue", len(series)+len(items))
	for len(series) > 0 || len(items) > 0 {
		if len(series) > 0 && (len(items) == 0 || !items[0].CreatedAt.Before(series[0].CreatedAt)) {
			s := series[0]
			series = series[1:]
			creatorID, err := l.creator(s.CreatorIndex)
			if err != nil {
				return fmt.Errorf("series %s: %w", s.Key, err)
			}
			l.t.Clock.Set(s.CreatedAt)
			id, err := l.t.Catalog.CreateSeries(ctx, creatorID, s.Input)
			if err != nil {
				return fmt.Errorf("create series %s: %w", s.Key, err)
			}
			l.seriesIDs[s.Key] = id
			l.sum.Series++
		} else {
			it := items[0]
			items = items[1:]
			creatorID, err := l.creator(it.CreatorIndex)
			if err != nil {
				return fmt.Errorf("item %s: %w", it.Key, err)
			}
			l.t.Clock.Set(it.CreatedAt)
			id, err := l.t.Catalog.CreateItem(ctx, creatorID, it.Input)
			if err != nil {
				return fmt.Errorf("create item %s: %w", it.Key, err)
			}
			l.itemIDs[it.Key] = id
			l.sum.Items++
		}
		m.add(1)
	}
	return nil
}

// episodes orders each series once its last episode exists.
func (l *loader) episodes(ctx context.Context) error {
	m := l.meter("episodes", len(l.ds.Series))
	byKey := make(map[string]ItemPlan, len(l.ds.Items))
	for _, it := range l.ds.Items {
		byKey[it.Key] = it
	}
	for _, s := range l.ds.Series {
		ids := make([]string, len(s.Episodes))
		last := s.CreatedAt
		for i, key := range s.Episodes {
			id, ok := l.itemIDs[key]
			if !ok {
				return fmt.Errorf("series %s: no item %s", s.Key, key)
			}
			ids[i] = id
			if t := byKey[key].CreatedAt; t.After(last) {
				last = t
			}
		}
		creatorID, err := l.creator(s.CreatorIndex)
		if err != nil {
			return fmt.Errorf("series %s: %w", s.Key, err)
		}
		l.t.Clock.Set(last)
		if err := l.t.Catalog.SetEpisodes(ctx, creatorID, l.seriesIDs[s.Key], ids); err != nil {
			return fmt.Errorf("set episodes of series %s: %w", s.Key, err)
		}
		m.add(1)
	}
	return nil
}

func (l *loader) learners(ctx context.Context) error {
	m := l.meter("learners", len(l.ds.Learners))
	for _, p := range l.ds.Learners {
		l.t.Clock.Set(p.CreatedAt)
		id, err := l.t.Users.CreateUser(ctx, p.Email, p.Password, p.Username, p.Role)
		if err != nil {
			return fmt.Errorf("create learner %s: %w", p.Email, err)
		}
		if p.BirthYear != 0 {
			if err := l.t.Users.SetBirthYear(ctx, id, p.BirthYear); err != nil {
				return fmt.Errorf("birth year of %s: %w", p.Email, err)
			}
		}
		l.learnerIDs = append(l.learnerIDs, id)
		l.sum.Learners++
		m.add(1)
	}
	return nil
}

func (l *loader) learner(i int) (string, error) {
	if i < 0 || i >= len(l.learnerIDs) {
		return "", fmt.Errorf("learner index %d out of range", i)
	}
	return l.learnerIDs[i], nil
}

func (l *loader) follows(ctx context.Context) error {
	m := l.meter("follows", len(l.ds.Follows))
	for _, f := range l.ds.Follows {
		userID, err := l.learner(f.LearnerIndex)
		if err != nil {
			return fmt.Errorf("follow: %w", err)
		}
		creatorID, err := l.creator(f.CreatorIndex)
		if err != nil {
			return fmt.Errorf("follow: %w", err)
		}
		l.t.Clock.Set(f.At)
		if err := l.t.Catalog.Follow(ctx, userID, creatorID); err != nil {
			return fmt.Errorf("learner %d follows creator %d: %w", f.LearnerIndex, f.CreatorIndex, err)
		}
		l.sum.Follows++
		m.add(1)
	}
	return nil
}

// batches cuts the events into one batch per learner session (at most MaxBatch
// each), in the order the sessions ended, as clients would send them.
func batches(evs []EventPlan) [][]EventPlan {
	var out [][]EventPlan
	for start := 0; start < len(evs); {
		end := start + 1
		for end < len(evs) && end-start < MaxBatch && evs[end].LearnerIndex == evs[start].LearnerIndex &&
			evs[end].SessionID == evs[start].SessionID {
			end++
		}
		out = append(out, evs[start:end:end])
		start = end
	}
	slices.SortStableFunc(out, func(a, b []EventPlan) int {
		return cmp.Or(a[len(a)-1].At.Compare(b[len(b)-1].At), cmp.Compare(a[0].LearnerIndex, b[0].LearnerIndex))
	})
	return out
}

// events ingests each batch with the clock at its last event, when a client
// would have sent it.
func (l *loader) events(ctx context.Context) error {
	m := l.meter("events", len(l.ds.Events))
	for _, b := range batches(l.ds.Events) {
		userID, err := l.learner(b[0].LearnerIndex)
		if err != nil {
			return fmt.Errorf("events: %w", err)
		}
		in := make([]events.Input, len(b))
		for i, e := range b {
			id, ok := l.itemIDs[e.ItemKey]
			if !ok {
				return fmt.Errorf("event %s: no item %s", e.ID, e.ItemKey)
			}
			in[i] = e.Input(id)
		}
		l.t.Clock.Set(b[len(b)-1].At)
		accepted, err := l.t.Events.Ingest(ctx, userID, in)
		if err != nil {
			return fmt.Errorf("ingest %d events of learner %d: %w", len(in), b[0].LearnerIndex, err)
		}
		l.sum.Events += len(in)
		l.sum.Accepted += accepted
		if err := ctx.Err(); err != nil {
			return err
		}
		m.add(len(in))
	}
	return nil
}
