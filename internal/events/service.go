package events

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/fault"
)

// Catalog tells ingestion about items, as a given learner may see them.
type Catalog interface {
	Facts(ctx context.Context, caller access.Caller, itemIDs []string) (map[string]ItemFacts, error)
}

// Options tune ingestion.
type Options struct {
	MaxBatch  int           // events per request; default 500
	Retention time.Duration // events older than this are refused; default 90 days
	Now       func() time.Time
}

// Service ingests events and answers questions about the aggregates.
type Service struct {
	store     Store
	catalog   Catalog
	maxBatch  int
	retention time.Duration
	now       func() time.Time
}

// NewService wires ingestion.
func NewService(store Store, catalog Catalog, o Options) *Service {
	s := &Service{store: store, catalog: catalog, maxBatch: o.MaxBatch, retention: o.Retention, now: o.Now}
	if s.maxBatch <= 0 {
		s.maxBatch = 500
	}
	if s.retention <= 0 {
		s.retention = 90 * 24 * time.Hour
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Input is one event as a client sends it.
type Input struct {
	ID        string `json:"id"`
	Type      Type   `json:"type"`
	ItemID    string `json:"item_id"`
	At        string `json:"at"`
	SessionID string `json:"session_id"`
	WatchMS   int64  `json:"watch_ms"`
	Position  int    `json:"position"`
	Answer    string `json:"answer"`
}

// Result is the answer for one event, in the order sent.
type Result struct {
	ID      string `json:"id"`
	Status  string `json:"status"` // accepted | duplicate | rejected
	Reason  string `json:"reason,omitempty"`
	Correct *bool  `json:"correct,omitempty"` // a learner's first answer to a quiz question; later ones are not graded
}

// Ingest validates each event on its own, stores the good ones with their
// aggregates in one transaction, and answers a result per event. One bad event
// never drops the rest; a batch over the limit is refused whole.
func (s *Service) Ingest(ctx context.Context, c access.Caller, in []Input) ([]Result, error) {
	return s.ingest(ctx, c, in, true)
}

// ingest is Ingest; window says whether events older than the retention are
// refused (clients) or kept at their own time (an operator's Import).
func (s *Service) ingest(ctx context.Context, c access.Caller, in []Input, window bool) ([]Result, error) {
	if len(in) > s.maxBatch {
		return nil, fault.New(ErrTooLarge, "batch_too_large", "a batch holds at most %d events; split it", s.maxBatch)
	}
	now := s.now().UTC()
	results := make([]Result, len(in))
	ids := make([]string, 0, len(in))
	seenItem := map[string]bool{}
	for i, e := range in {
		results[i].ID = e.ID
		if e.ItemID != "" && len(e.ItemID) <= 64 && validText(e.ItemID) && !seenItem[e.ItemID] {
			seenItem[e.ItemID] = true
			ids = append(ids, e.ItemID)
		}
	}
	facts, err := s.catalog.Facts(ctx, c, ids)
	if err != nil {
		return nil, fmt.Errorf("item facts: %w", err)
	}
	var accepted []Event
	var index []int // position in results of each accepted event
	for i, e := range in {
		ev, reason := s.check(e, facts, now, window)
		if reason != "" {
			results[i].Status, results[i].Reason = "rejected", reason
			continue
		}
		ev.UserID = c.UserID
		ev.ReceivedAt = now
		accepted = append(accepted, ev)
		index = append(index, i)
		results[i].Correct = ev.Correct
	}
	if len(accepted) > 0 {
		var uncounted map[string]bool
		fresh, err := s.store.Ingest(ctx, c.UserID, accepted, func(prior Tallies, evs []Event) Deltas {
			d := Fold(prior, evs, facts)
			uncounted = d.Uncounted
			return d
		})
		if err != nil {
			return nil, fmt.Errorf("ingest %d events: %w", len(accepted), err)
		}
		for j, isNew := range fresh {
			r := &results[index[j]]
			switch {
			case !isNew:
				// A duplicate says nothing more: grading a retry with another
				// answer would reveal the right one.
				r.Status, r.Correct = "duplicate", nil
			case uncounted[accepted[j].ClientID]:
				r.Status, r.Correct = "accepted", nil // a quiz answer past the first: not graded
			default:
				r.Status = "accepted"
			}
		}
	}
	return results, nil
}

// validText is UTF-8 text without NUL characters: what both engines store alike.
func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// badText names the first string field of e that is not validText.
func badText(e Input) string {
	for _, f := range []struct{ name, value string }{
		{"id", e.ID}, {"type", string(e.Type)}, {"item_id", e.ItemID}, {"at", e.At}, {"session_id", e.SessionID}, {"answer", e.Answer},
	} {
		if !validText(f.value) {
			return f.name
		}
	}
	return ""
}

// check validates one event; a non-empty reason rejects it.
func (s *Service) check(e Input, facts map[string]ItemFacts, now time.Time, window bool) (Event, string) {
	if field := badText(e); field != "" {
		return Event{}, field + " must be UTF-8 text without NUL characters"
	}
	switch {
	case e.ID == "" || len(e.ID) > 100 || strings.ContainsAny(e.ID, "\x00\r\n"):
		return Event{}, "id must be 1 to 100 characters"
	case !e.Type.Valid():
		return Event{}, "unknown type"
	case e.ItemID == "":
		return Event{}, "item_id is required"
	case len(e.SessionID) > 100:
		return Event{}, "session_id is longer than 100 characters"
	case e.WatchMS < 0 || e.Position < 0:
		return Event{}, "watch_ms and position must not be negative"
	case len(e.Answer) > 100:
		return Event{}, "answer is longer than 100 characters"
	}
	at := now
	if e.At != "" {
		t, err := time.Parse(time.RFC3339Nano, e.At)
		if err != nil {
			return Event{}, "at must be an RFC 3339 timestamp"
		}
		at = t.UTC()
	}
	switch {
	case at.After(now.Add(24 * time.Hour)):
		return Event{}, "at is more than a day in the future"
	case window && at.Before(now.Add(-s.retention)):
		return Event{}, "at is older than the retention period"
	}
	f, ok := facts[e.ItemID]
	if !ok || !f.Visible {
		return Event{}, "unknown item"
	}
	if e.WatchMS > 10*f.DurationMS+60_000 {
		return Event{}, "watch_ms is more than ten times the item's duration plus a minute"
	}
	ev := Event{ClientID: e.ID, Type: e.Type, ItemID: e.ItemID, At: at, SessionID: e.SessionID, WatchMS: e.WatchMS, Position: e.Position, Answer: e.Answer}
	if e.Type == QuizAnswer {
		if f.Grade == nil {
			return Event{}, "the item is not a quiz"
		}
		question, correct, ok := f.Grade(e.Answer)
		if !ok {
			return Event{}, "answer is not a choice of this quiz"
		}
		ev.Correct, ev.Question = &correct, question
	}
	return ev, ""
}

// Completed reports which of the items the learner has completed.
func (s *Service) Completed(ctx context.Context, userID string, itemIDs []string) (map[string]bool, error) {
	states, err := s.store.UserItems(ctx, userID, itemIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(states))
	for id, st := range states {
		out[id] = st.Completed
	}
	return out, nil
}
