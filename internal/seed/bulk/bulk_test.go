package bulk

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/seed/synth"
)

// memory records what a load writes, in the order it arrives.
type memory struct {
	mu       sync.Mutex
	topics   []content.Topic
	users    []auth.User
	series   []content.Series
	items    []content.Item
	follows  []content.Edge
	batches  map[string][][]events.Input // by learner
	failWith error                       // Import fails with it
}

func (m *memory) EnsureTopics(_ context.Context, t []content.Topic) error {
	m.topics = append(m.topics, t...)
	return nil
}

func (m *memory) ImportUsers(_ context.Context, u []auth.User) error {
	m.users = append(m.users, u...)
	return nil
}

func (m *memory) ImportSeries(_ context.Context, s []content.Series) error {
	m.series = append(m.series, s...)
	return nil
}

func (m *memory) ImportItems(_ context.Context, it []content.Item) error {
	if len(it) > 100 {
		return errors.New("batch over the limit")
	}
	m.items = append(m.items, it...)
	return nil
}

func (m *memory) ImportFollows(_ context.Context, e []content.Edge) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.follows = append(m.follows, e...)
	return nil
}

func (m *memory) Import(_ context.Context, userID string, in []events.Input) ([]events.Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failWith != nil {
		return nil, m.failWith
	}
	m.batches[userID] = append(m.batches[userID], slices.Clone(in))
	out := make([]events.Result, len(in))
	for i := range out {
		out[i].Status = "accepted"
		if i == 0 {
			out[i] = events.Result{Status: "rejected", Reason: "because"}
		}
	}
	return out, nil
}

var cfg = synth.Config{Seed: 5, Learners: 30, Items: 250, Events: 3000, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}

func TestLoad(t *testing.T) {
	g := synth.New(cfg)
	m := &memory{batches: map[string][][]events.Input{}}
	var reports []Progress
	sum, err := Load(context.Background(), g, m, m, Options{PasswordHash: "$hash", Batch: 100, EventBatch: 40, Workers: 3,
		Progress: func(p Progress) { reports = append(reports, p) }, Every: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c := g.Config()
	if len(m.users) != c.Creators+c.Learners || len(m.items) != c.Items || len(m.series) != len(g.Series()) || len(m.topics) != len(g.Topics()) {
		t.Fatalf("wrote %d users, %d items, %d series, %d topics", len(m.users), len(m.items), len(m.series), len(m.topics))
	}
	for i, u := range m.users {
		wantRole := access.Creator
		if i >= c.Creators {
			wantRole = access.Learner
		}
		if u.PasswordHash != "$hash" || u.Role != wantRole || u.ID == "" {
			t.Fatalf("user %d: %+v", i, u)
		}
	}
	if last := reports[len(reports)-1]; !last.Done || last.Events != c.Events || last.Items != c.Items || last.Learners != c.Learners {
		t.Errorf("last progress report %+v", last)
	}
	// Each learner's events arrive in their own order, in batches of at most 40,
	// and one result per batch was a refusal.
	total, batches := 0, 0
	for i, l := range g.Learners() {
		userID := m.users[c.Creators+i].ID
		var seq []string
		for _, b := range m.batches[userID] {
			if len(b) > 40 {
				t.Fatalf("a batch of %d events", len(b))
			}
			for _, in := range b {
				seq = append(seq, in.ID)
			}
			batches++
		}
		h := g.History(i)
		if len(seq) != l.Events || len(seq) != len(h.Events) {
			t.Fatalf("learner %d: %d events sent, %d generated", i, len(seq), len(h.Events))
		}
		for k, e := range h.Events {
			if seq[k] != "syn-"+strconv.Itoa(e.Seq) {
				t.Fatalf("learner %d: event %d sent as %s", i, k, seq[k])
			}
		}
		total += len(seq)
	}
	if total != c.Events || sum.Events != c.Events || sum.Accepted != c.Events-batches || sum.Refused["because"] != batches {
		t.Errorf("sent %d; summary %+v with %d batches", total, sum, batches)
	}
	if len(m.follows) != sum.Follows || sum.Follows == 0 {
		t.Errorf("%d follows written, summary says %d", len(m.follows), sum.Follows)
	}
}

func TestLoadStopsAtAnError(t *testing.T) {
	g := synth.New(cfg)
	boom := errors.New("disk full")
	m := &memory{batches: map[string][][]events.Input{}, failWith: boom}
	if _, err := Load(context.Background(), g, m, m, Options{Batch: 100}); !errors.Is(err, boom) {
		t.Errorf("Load with failing ingestion = %v, want %v", err, boom)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m = &memory{batches: map[string][][]events.Input{}}
	if _, err := Load(ctx, g, m, m, Options{Batch: 100}); !errors.Is(err, context.Canceled) || len(m.items) > 100 {
		t.Errorf("Load with a cancelled context = %v after %d items", err, len(m.items))
	}
}
