package feed

import (
	"context"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Store is what the feed reads and keeps in the database. Both engines
// implement it; storetest checks them against one contract.
type Store interface {
	// CatalogueItems calls each with every item, one call per item, drafts
	// and removed ones included (the ranker keeps them in its index as not
	// visible), with its topics in the item's order, its creator's name, its
	// series' title and its totals; an error from each stops it and is
	// returned. Items are handed over one at a time rather than as a list:
	// an index rebuild keeps what it needs of each and lets the rest go, and
	// a hundred thousand items with their texts are a hundred megabytes.
	CatalogueItems(ctx context.Context, each func(CatalogueItem) error) error
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
	// to until into the hourly trending buckets, and those stored since the
	// last roll-up with a received time behind its mark (a seed or an import
	// beside a running node); drops buckets that started before keepFrom, and
	// moves the roll-up's mark to until, all in one transaction; concurrent
	// callers serialise, so no event counts twice. It reports how many
	// buckets it changed.
	RollUpTrending(ctx context.Context, until, keepFrom time.Time) (int, error)
	// TrendingBuckets returns the buckets that end after since (those that
	// started less than an hour before it, and later ones).
	TrendingBuckets(ctx context.Context, since time.Time) ([]rank.Bucket, error)

	// TrainingEvents pages the whole event log in ingestion order after seq
	// afterSeq, only the types that carry a training signal (view, complete,
	// like, save, share, quiz_answer) and without each learner's events up to
	// their last profile reset; it returns the events and the seq of the last
	// one (afterSeq when there are none).
	TrainingEvents(ctx context.Context, afterSeq int64, limit int) ([]TrainingEvent, int64, error)
	// ItemTexts pages the published items by ID after afterID, with their
	// texts (the body cut to its first bodyChars characters) and durations.
	ItemTexts(ctx context.Context, afterID string, limit, bodyChars int) ([]ItemText, error)
	// SaveSnapshot stores a trained model as the newest version, deletes all
	// but the newest keep versions, and returns the new version.
	SaveSnapshot(ctx context.Context, s SnapshotRecord, keep int) (int64, error)
	// LatestSnapshot describes the newest snapshot; ErrNotFound when there is none.
	LatestSnapshot(ctx context.Context) (SnapshotInfo, error)
	// SnapshotData returns a snapshot's encoded bytes; ErrNotFound when it is gone.
	SnapshotData(ctx context.Context, version int64) ([]byte, error)
}

// TrainingEvent is one event as training reads it.
type TrainingEvent struct {
	UserID  string
	ItemID  string
	Type    string
	At      time.Time
	WatchMS int64
	Correct bool
}

// ItemText is what content similarity reads of a published item.
type ItemText struct {
	ID          string
	Title       string
	Description string
	Body        string
	Topics      []string
	DurationMS  int64
}

// SnapshotInfo describes a stored model snapshot.
type SnapshotInfo struct {
	Version   int64
	Format    int       // the encoding's version
	BuiltAt   time.Time // the data it was trained on ends here
	CreatedAt time.Time
	Size      int64
	Stats     map[string]any
}

// SnapshotRecord is a snapshot to store.
type SnapshotRecord struct {
	Format    int
	BuiltAt   time.Time
	CreatedAt time.Time
	Stats     map[string]any
	Data      []byte
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
