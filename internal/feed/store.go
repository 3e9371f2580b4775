package feed

import (
	"context"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Store is what the feed reads and keeps in the database. Both engines
// implement it; storetest checks them against one contract.
type Store interface {
	// CatalogueItems returns every item, drafts and removed ones included (the
	// ranker keeps them in its index as not visible), with its topics in the
	// item's order, its creator's name, its series' title and its totals.
	CatalogueItems(ctx context.Context) ([]CatalogueItem, error)
	// TopicNames maps every topic's slug to its display name.
	TopicNames(ctx context.Context) (map[string]string, error)

	// LearnerRecord reads everything the ranker needs about one learner, in
	// few statements: their last recent events since their last profile reset
	// (newest first), their state per item, hidden items, affinities net of
	// the reset, follows, blocks, topic preferences and account settings.
	// ErrNotFound when the learner does not exist.
	LearnerRecord(ctx context.Context, userID string, recent int) (LearnerRecord, error)
	// Activity returns the learner's events that happened at or after since,
	// newest first, at most limit: what usage time is measured from.
	Activity(ctx context.Context, userID string, since time.Time, limit int) ([]Activity, error)
	// SetTopicPrefs records the learner's preferences; a preference of
	// PrefNone removes the topic's entry.
	SetTopicPrefs(ctx context.Context, userID string, prefs []TopicPref, now time.Time) error
	// ResetProfile forgets what the feed learned about the learner: their
	// topic preferences go, their affinities count from zero again, and events
	// up to now no longer shape their feed (they still keep seen items out).
	ResetProfile(ctx context.Context, userID string, now time.Time) error

	// RollUpTrending adds the events received after the last roll-up and up
	// to until into the hourly trending buckets, drops buckets that started
	// before keepFrom, and moves the roll-up's mark to until, all in one
	// transaction; concurrent callers serialise, so no event counts twice. It
	// reports how many events it added.
	RollUpTrending(ctx context.Context, until, keepFrom time.Time) (int, error)
	// TrendingBuckets returns the buckets that end after since (those that
	// started less than an hour before it, and later ones).
	TrendingBuckets(ctx context.Context, since time.Time) ([]rank.Bucket, error)
}

// CatalogueItem is one item as the feed indexes and shows it.
type CatalogueItem struct {
	ID          string
	CreatorID   string
	CreatorName string
	Kind        string
	Title       string
	Description string
	Topics      []string
	SeriesID    string
	SeriesTitle string
	Episode     int
	Difficulty  int
	Language    string
	DurationMS  int64
	MediaIDs    []string
	Published   bool // status published: the only items a feed offers
	PublishedAt time.Time
	Counts      rank.Counts
}

// LearnerRecord is one learner's stored state.
type LearnerRecord struct {
	Recent   []Event // newest first
	Items    []ItemState
	Hidden   []string
	Topics   map[string]float64 // normalised affinity scores (package events), net of a reset
	Creators map[string]float64
	Follows  []string
	Blocked  []string
	Prefs    []TopicPref
	Account  Account
	ResetAt  time.Time // zero when never reset
}

// Event is one event of a learner's history.
type Event struct {
	ItemID  string
	Type    string
	At      time.Time
	WatchMS int64
	Correct bool
}

// ItemState is a learner's standing with one item.
type ItemState struct {
	ItemID    string
	LastAt    time.Time
	Completed bool
	Liked     bool
	Saved     bool
}

// Account is what the feed reads of a learner's account.
type Account struct {
	BirthYear            int
	BreakReminderMinutes int
	DailyLimitMinutes    int
	Timezone             string // IANA name; "" means UTC
}

// Activity is one event as usage time counts it.
type Activity struct {
	At      time.Time
	Type    string
	WatchMS int64
}

// Pref is a learner's choice about a topic.
type Pref string

// The preferences.
const (
	PrefNone  Pref = "none"  // no choice: the topic counts as learned
	PrefMute  Pref = "mute"  // never in the feed
	PrefBoost Pref = "boost" // counts more
)

// TopicPref is a learner's preference for one topic.
type TopicPref struct {
	Topic string
	Pref  Pref
}
