// Package events ingests what learners do (impressions, views with watch time,
// completions, likes, saves, shares, skips, hides, quiz answers) and keeps the
// aggregates the feed reads.
//
// Ingestion is batched and idempotent: a client event ID is stored once per
// learner, whatever the retries, and a 2xx means the accepted events and their
// aggregates are committed together in one transaction.
//
// Where the aggregates live, and why:
//
//   - Per item (impressions, views, completions, likes, saves, shares, skips,
//     hides, total watch time, quiz answers): a database table updated with
//     additive increments, so nodes ingesting at once never lose an update.
//   - Per learner topic and creator affinity: a database table holding a
//     time-decayed score in "normalised" form: each event adds w·2^((t−T0)/h) for a
//     fixed epoch T0 and half-life h, and the score at time t is that sum times
//     2^(−(t−T0)/h). Adding is commutative, so it is an increment too, and old
//     events replayed at their own time land exactly where they belong.
//   - Per learner and item (first and last seen, impressions, views, total watch
//     time, completed, liked, saved) and the learner's hidden items: database rows
//     updated in the same transaction. Series progress is read from these rows
//     (the completed episodes of a series), so it needs no table of its own.
//
// All of it is in the database on both the single-node default and many nodes:
// one source of truth, recomputable from the raw log (Recompute does exactly
// that, and a test compares it with what ingestion kept). Redis and in-process
// caches may sit in front later for the feed's hot reads; they are caches, never
// the record.
package events

import (
	"errors"
	"fmt"
	"time"
)

// Type is what happened.
type Type string

// The event types.
const (
	Impression Type = "impression"
	View       Type = "view"
	Complete   Type = "complete"
	Like       Type = "like"
	Unlike     Type = "unlike"
	Save       Type = "save"
	Unsave     Type = "unsave"
	Share      Type = "share"
	Skip       Type = "skip"
	Hide       Type = "hide"
	QuizAnswer Type = "quiz_answer"
)

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	switch t {
	case Impression, View, Complete, Like, Unlike, Save, Unsave, Share, Skip, Hide, QuizAnswer:
		return true
	}
	return false
}

// Errors the HTTP layer maps.
var (
	// ErrNotFound is returned for unknown rows: a learner who is gone, an item
	// that is not hidden.
	ErrNotFound = errors.New("not found")
	// ErrTooLarge is a batch over the configured number of events.
	ErrTooLarge = errors.New("the batch holds too many events")
)

// Event is one accepted interaction.
type Event struct {
	UserID     string
	ClientID   string // the client's event ID, unique per learner
	Type       Type
	ItemID     string
	At         time.Time // when it happened, by the client's account (validated)
	ReceivedAt time.Time
	SessionID  string
	WatchMS    int64
	Position   int
	Answer     string
	Correct    *bool  // quiz answers, graded on the server; nil past the first answer to a question
	Question   string // quiz answers: the question the chosen answer belongs to
}

// ItemFacts is what ingestion needs to know about an item.
type ItemFacts struct {
	ID         string
	CreatorID  string
	Topics     []string
	SeriesID   string
	Episode    int
	DurationMS int64
	Visible    bool // the learner may see it
	// Grade answers a quiz choice with its question; nil when the item has no
	// quiz. ok is false when no question has that choice.
	Grade func(choice string) (question string, correct, ok bool)
}

// Hidden is an item a learner hid from their feed, with a hide event.
type Hidden struct {
	ItemID   string
	HiddenAt time.Time
}

// FirstOfEach returns the indexes of the first event of each client ID: a client
// ID repeated within one batch is one event. Every event must be userID's (or
// carry no user yet).
func FirstOfEach(userID string, evs []Event) ([]int, error) {
	seen := make(map[string]bool, len(evs))
	first := make([]int, 0, len(evs))
	for i, e := range evs {
		if e.UserID != "" && e.UserID != userID {
			return nil, fmt.Errorf("event %q belongs to %s", e.ClientID, e.UserID)
		}
		if !seen[e.ClientID] {
			seen[e.ClientID] = true
			first = append(first, i)
		}
	}
	return first, nil
}
