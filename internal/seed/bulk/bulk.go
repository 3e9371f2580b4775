// Package bulk loads a synthetic data set (package synth) into the database
// through the stores' batch paths: accounts, series, items and follows with the
// stores' Import methods, a thousand rows a transaction, and events through the
// events service's Import, which validates and folds them exactly as the API
// does (aggregates, caps and all) but keeps each event at its own time.
//
// It streams: items are made, written and dropped a batch at a time, and each
// learner's history is generated just before it is ingested, so memory stays
// flat whatever the size. Learners' histories are independent, so several
// workers generate and ingest at once; each learner's events still arrive in
// their own order.
package bulk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/seed/synth"
)

// ErrAlreadyLoaded is returned when the first synthetic accounts' emails or
// usernames are taken.
var ErrAlreadyLoaded = errors.New("the synthetic data is already loaded")

// Store is what the loader writes accounts and the catalogue to.
type Store interface {
	auth.Importer
	content.Importer
	EnsureTopics(ctx context.Context, topics []content.Topic) error
}

// Ingester validates and stores a learner's events with their aggregates
// (events.Service.Import).
type Ingester interface {
	Import(ctx context.Context, userID string, in []events.Input) ([]events.Result, error)
}

// Options tune a load. Zero values take the defaults.
type Options struct {
	// PasswordHash is every account's password hash, computed once by the caller.
	PasswordHash string
	Batch        int // rows per import transaction; default 1000
	EventBatch   int // events per Import call; default 500, the API's batch limit
	Workers      int // learners generated and ingested at once; default 2
	// Progress, when set, is called about every Every (default 1s) and once at
	// the end, from a goroutine of its own.
	Progress func(Progress)
	Every    time.Duration
}

// Progress is how far a load is.
type Progress struct {
	Items, ItemsTotal       int
	Learners, LearnersTotal int // learners created
	Events, EventsTotal     int // events sent to ingestion
	Elapsed                 time.Duration
	Done                    bool
}

// Summary counts what a load wrote.
type Summary struct {
	Topics, Creators, Series, Items, Learners, Follows int
	Events                                             int            // sent
	Accepted                                           int            // stored; the rest were refused or duplicates
	Refused                                            map[string]int // by reason
}

// Load writes everything g makes: topics, creators, series, items, learners,
// then each learner's events and follows. It stops at the first error;
// ErrAlreadyLoaded when the first batch of creators clashes with accounts that
// exist.
func Load(ctx context.Context, g *synth.Generator, st Store, in Ingester, o Options) (Summary, error) {
	o = o.withDefaults()
	l := &loader{g: g, st: st, in: in, o: o, sum: Summary{Refused: map[string]int{}}}
	l.progress.ItemsTotal, l.progress.LearnersTotal, l.progress.EventsTotal = g.NumItems(), g.Config().Learners, g.Config().Events
	stop := l.report()
	defer stop()
	for _, step := range []func(context.Context) error{l.topics, l.creators, l.series, l.items, l.learners, l.activity} {
		if err := step(ctx); err != nil {
			return l.sum, err
		}
	}
	return l.sum, nil
}

func (o Options) withDefaults() Options {
	if o.Batch <= 0 {
		o.Batch = 1000
	}
	if o.EventBatch <= 0 {
		o.EventBatch = 500
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Every <= 0 {
		o.Every = time.Second
	}
	return o
}

type loader struct {
	g          *synth.Generator
	st         Store
	in         Ingester
	o          Options
	sum        Summary
	creatorIDs []string
	seriesIDs  []string
	itemIDs    []string
	learnerIDs []string
	progress   Progress // totals; the counts are below
	nItems     atomic.Int64
	nLearners  atomic.Int64
	nEvents    atomic.Int64
}

// report calls Options.Progress every Every until the returned stop, which
// reports once more.
func (l *loader) report() (stop func()) {
	if l.o.Progress == nil {
		return func() {}
	}
	start := time.Now()
	snapshot := func(done bool) Progress {
		p := l.progress
		p.Items, p.Learners, p.Events = int(l.nItems.Load()), int(l.nLearners.Load()), int(l.nEvents.Load())
		p.Elapsed, p.Done = time.Since(start), done
		return p
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(l.o.Every)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				l.o.Progress(snapshot(false))
			}
		}
	})
	return func() {
		close(quit)
		wg.Wait()
		l.o.Progress(snapshot(true))
	}
}

func (l *loader) topics(ctx context.Context) error {
	var topics []content.Topic
	for _, t := range l.g.Topics() {
		topics = append(topics, content.Topic{Slug: t.Slug, Name: t.Name, Parent: t.Parent})
	}
	if err := l.st.EnsureTopics(ctx, topics); err != nil {
		return fmt.Errorf("topics: %w", err)
	}
	l.sum.Topics = len(topics)
	return nil
}

func (l *loader) user(email, username string, role access.Role, created time.Time) auth.User {
	return auth.User{ID: id.At(created), Email: email, Username: username, PasswordHash: l.o.PasswordHash, Role: role,
		Version: 1, CreatedAt: created, UpdatedAt: created}
}

func (l *loader) creators(ctx context.Context) error {
	creators := l.g.Creators()
	return inBatches(len(creators), l.o.Batch, func(from, to int) error {
		batch := make([]auth.User, 0, to-from)
		for _, c := range creators[from:to] {
			u := l.user(c.Email, c.Username, access.Creator, c.CreatedAt)
			u.Profile.Language = c.Language
			batch = append(batch, u)
			l.creatorIDs = append(l.creatorIDs, u.ID)
		}
		err := l.st.ImportUsers(ctx, batch)
		if from == 0 && (errors.Is(err, auth.ErrEmailTaken) || errors.Is(err, auth.ErrUsernameTaken)) {
			return fmt.Errorf("%w: an account of the first creators (%s) exists", ErrAlreadyLoaded, creators[0].Username)
		}
		if err != nil {
			return fmt.Errorf("creators %d to %d: %w", from+1, to, err)
		}
		l.sum.Creators = to
		return nil
	})
}

func (l *loader) series(ctx context.Context) error {
	series := l.g.Series()
	return inBatches(len(series), l.o.Batch, func(from, to int) error {
		batch := make([]content.Series, 0, to-from)
		for _, s := range series[from:to] {
			sr := content.Series{ID: id.At(s.CreatedAt), CreatorID: l.creatorIDs[s.Creator], Title: s.Title,
				Description: s.Description, Status: content.Published, CreatedAt: s.CreatedAt, UpdatedAt: s.CreatedAt}
			batch = append(batch, sr)
			l.seriesIDs = append(l.seriesIDs, sr.ID)
		}
		if err := l.st.ImportSeries(ctx, batch); err != nil {
			return fmt.Errorf("series %d to %d: %w", from+1, to, err)
		}
		l.sum.Series = to
		return nil
	})
}

// items makes each batch of items only when it is written.
func (l *loader) items(ctx context.Context) error {
	l.itemIDs = make([]string, 0, l.g.NumItems())
	return inBatches(l.g.NumItems(), l.o.Batch, func(from, to int) error {
		batch := make([]content.Item, 0, to-from)
		for i := from; i < to; i++ {
			it := l.item(l.g.Item(i))
			batch = append(batch, it)
			l.itemIDs = append(l.itemIDs, it.ID)
		}
		if err := l.st.ImportItems(ctx, batch); err != nil {
			return fmt.Errorf("items %d to %d: %w", from+1, to, err)
		}
		l.sum.Items = to
		l.nItems.Store(int64(to))
		return ctx.Err()
	})
}

// item is a published item as the catalogue stores it.
func (l *loader) item(s synth.Item) content.Item {
	at := s.CreatedAt
	it := content.Item{ID: id.At(at), CreatorID: l.creatorIDs[s.Creator], Kind: s.Kind, Title: s.Title,
		Description: s.Description, Body: s.Body, Topics: s.Topics, Difficulty: s.Difficulty, Language: s.Language,
		DurationMS: s.DurationMS, Quiz: s.Quiz, Status: content.Published, CreatedAt: at, UpdatedAt: at, PublishedAt: &at}
	if s.Series >= 0 {
		it.SeriesID, it.Episode = l.seriesIDs[s.Series], s.Episode
	}
	return it
}

func (l *loader) learners(ctx context.Context) error {
	learners := l.g.Learners()
	l.learnerIDs = make([]string, 0, len(learners))
	return inBatches(len(learners), l.o.Batch, func(from, to int) error {
		batch := make([]auth.User, 0, to-from)
		for _, s := range learners[from:to] {
			u := l.user(s.Email, s.Username, access.Learner, s.CreatedAt)
			u.Profile.BirthYear, u.Profile.Language = s.BirthYear, s.Language
			batch = append(batch, u)
			l.learnerIDs = append(l.learnerIDs, u.ID)
		}
		if err := l.st.ImportUsers(ctx, batch); err != nil {
			return fmt.Errorf("learners %d to %d: %w", from+1, to, err)
		}
		l.sum.Learners = to
		l.nLearners.Store(int64(to))
		return ctx.Err()
	})
}

// inBatches calls fn for [0, batch), [batch, 2·batch), … up to n.
func inBatches(n, batch int, fn func(from, to int) error) error {
	for from := 0; from < n; from += batch {
		if err := fn(from, min(from+batch, n)); err != nil {
			return err
		}
	}
	return nil
}
