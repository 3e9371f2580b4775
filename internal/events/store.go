package events

import (
	"context"
	"time"
)

// ItemCounts are an item's totals. Likes and Saves count learners who like or
// save it now; the rest count events.
type ItemCounts struct {
	Impressions int64 `json:"impressions"`
	Views       int64 `json:"views"`
	Completions int64 `json:"completions"`
	Likes       int64 `json:"likes"`
	Saves       int64 `json:"saves"`
	Shares      int64 `json:"shares"`
	Skips       int64 `json:"skips"`
	Hides       int64 `json:"hides"`
	QuizAnswers int64 `json:"quiz_answers"`
	QuizCorrect int64 `json:"quiz_correct"`
	WatchMS     int64 `json:"watch_ms"`
}

// UserItem is one learner's state for one item.
type UserItem struct {
	ItemID      string
	FirstAt     time.Time
	LastAt      time.Time
	Impressions int64
	Views       int64
	WatchMS     int64 // total watch time
	Completed   bool
	Liked       bool
	Saved       bool
}

// UserItemDelta is what a batch changes for one (learner, item). Counters add;
// FirstAt and LastAt widen the stored range; Completed only turns on; Liked and
// Saved, when set, are the state after the batch, and the item's Likes and Saves
// move by one when that differs from the stored state.
type UserItemDelta struct {
	FirstAt     time.Time
	LastAt      time.Time
	Impressions int64
	Views       int64
	WatchMS     int64
	Completed   bool
	Liked       *bool
	Saved       *bool
	HiddenAt    *time.Time // a hide: the item joins the learner's hidden list
}

// Deltas is what a batch of new events adds to the aggregates. ItemCounts here
// never carry Likes or Saves: those follow from UserItems.
type Deltas struct {
	Items     map[string]ItemCounts
	Topics    map[string]float64 // normalised affinity increments (see package doc)
	Creators  map[string]float64
	UserItems map[string]UserItemDelta
	Tallies   Tallies // what these events counted against the caps, to add to the stored tallies
	// Uncounted names (by client ID) the events over a cap: they are stored
	// marked as not counted (what the trending roll-up reads), and quiz answers
	// among them without their grade.
	Uncounted map[string]bool
}

// FoldFunc folds a batch's new events given what the learner's earlier events
// counted against the caps (Fold, with the item facts bound).
type FoldFunc func(prior Tallies, fresh []Event) Deltas

// Store keeps the event log and the aggregates. Both engines implement it.
type Store interface {
	// Ingest stores the events not yet stored for (userID, ClientID) and, in the
	// same transaction, applies d = fold(prior, fresh), where fresh are exactly
	// those events in the order given and prior the learner's stored tallies
	// for TallyKeys(fresh); d.Tallies are added to the stored tallies, and the
	// events in d.Uncounted are stored marked so (quiz answers ungraded). One
	// learner's batches are applied one at a time, whatever the node, so the log
	// order is the order the caps were applied in. At most one graded answer per learner
	// and quiz question is ever stored (a unique constraint). ErrNotFound when
	// the learner is gone. It reports per event whether it was new.
	Ingest(ctx context.Context, userID string, evs []Event, fold FoldFunc) ([]bool, error)
	// ItemStats returns the totals of the given items (absent items: zero).
	ItemStats(ctx context.Context, itemIDs []string) (map[string]ItemCounts, error)
	// Affinities returns a learner's normalised topic and creator scores.
	Affinities(ctx context.Context, userID string) (topics, creators map[string]float64, err error)
	// UserItems returns a learner's state for the given items; nil itemIDs means all.
	UserItems(ctx context.Context, userID string, itemIDs []string) (map[string]UserItem, error)
	// Events pages a learner's raw log in ingestion order, after sequence number
	// afterSeq; it returns the events and the sequence number of the last.
	Events(ctx context.Context, userID string, afterSeq int64, limit int) ([]Event, int64, error)
	// HiddenItems pages a learner's hidden items newest first, after the position
	// of the last one of the previous page (zero: from the start). Hide events
	// add them, in the transaction that stores the event.
	HiddenItems(ctx context.Context, userID string, after Hidden, limit int) ([]Hidden, error)
	// Unhide takes an item off the learner's hidden list; ErrNotFound when it was
	// not on it.
	Unhide(ctx context.Context, userID, itemID string) error
	// Forget subtracts a learner's contribution d from the item totals (d.Items
	// from Fold over their log; Likes and Saves follow from their stored states),
	// then deletes their events, states, affinities, tallies and hidden items.
	// Atomic.
	Forget(ctx context.Context, userID string, d Deltas) error
}
