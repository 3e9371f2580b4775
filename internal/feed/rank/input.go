package rank

import (
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
)

// Input is everything one ranking needs. Rank reads it and never changes it, so
// the Catalogue (and the model snapshot inside it) is shared by all requests.
type Input struct {
	Catalogue *Catalogue
	Learner   *Learner
	Request   Request
	Config    *Config // nil: DefaultConfig
}

// Item is what the catalogue index knows about one item: enough to filter,
// score, diversify and explain it, never its body.
type Item struct {
	ID          string
	Title       string
	Kind        string // video, image, article, lesson, quiz
	CreatorID   string
	CreatorName string
	Topics      []string // slugs
	SeriesID    string
	SeriesTitle string
	Episode     int // from 1; 0 when not in a series
	Difficulty  int // 1–5; 0 when not set
	DurationMS  int64
	PublishedAt time.Time
	// Visible is false for drafts, removed and otherwise hidden items: they stay
	// in the index (so a model neighbour pointing at one is dropped with a
	// reason) but no list offers them.
	Visible bool
	// AdultsOnly items are never shown to minors.
	AdultsOnly bool
	Counts     Counts
	// Trending is the item's engagement velocity (see Trending); 0 when it is
	// not trending.
	Trending float64
}

// Counts are an item's aggregate interaction totals, from every learner.
type Counts struct {
	Impressions, Views, Completions, Likes, Saves, Shares, Skips, Hides int64
	QuizAnswers, QuizCorrect                                            int64
}

// EventType names what a learner did; the values are those of the event log.
type EventType string

// The interaction types Rank reads.
const (
	Impression EventType = "impression"
	View       EventType = "view"
	Complete   EventType = "complete"
	Like       EventType = "like"
	Unlike     EventType = "unlike"
	Save       EventType = "save"
	Unsave     EventType = "unsave"
	Share      EventType = "share"
	Skip       EventType = "skip"
	Hide       EventType = "hide"
	QuizAnswer EventType = "quiz_answer"
)

// Interaction is one event of a learner's recent history.
type Interaction struct {
	ItemID string
	Type   EventType
	At     time.Time
	// WatchRatio is the share of the item watched, 0–1, for views; 0 when
	// unknown (counted as a plain view).
	WatchRatio float32
	Correct    bool // a quiz answer that was right
}

// ItemState is a learner's standing with one item. Any entry at all means the
// learner has an event for it, which is what filters it out of the feed.
type ItemState struct {
	LastAt    time.Time
	Completed bool
	Liked     bool
	Saved     bool
	Skipped   bool
	Hidden    bool
}

// SeriesProgress is how far a learner got in a series: the highest episode
// number they have any event for.
type SeriesProgress struct {
	SeriesID string
	Episode  int
}

// Learner is one learner's state as serving loads it for a request (or as eval
// replays it). Every field may be empty: a learner with nothing gets a
// cold-start page.
type Learner struct {
	ID    string
	Minor bool
	// Recent is the recent history, oldest first (serving keeps the last few
	// hundred events). Recency weighting counts positions from its end.
	Recent []Interaction
	// Items holds every item the learner has an event for; those never come back.
	Items map[string]ItemState
	// Topics and Creators are affinities at request time (decayed to now); a
	// negative value is a dislike.
	Topics   map[string]float64
	Creators map[string]float64
	Follows  []string // creator IDs
	Blocked  []string // creator IDs
	Hidden   []string // item IDs (also in Items, when serving has them there)
	// Profile choices: muted topics never appear; boosted topics count more;
	// Chosen topics seed a learner who has no history yet.
	Muted, Boosted, Chosen []string
	Series                 []SeriesProgress
	// Factors is the learner's latent vector folded in earlier and cached by the
	// caller (Output.Factors), valid for the snapshot it names; nil makes Rank
	// use the trained vector or fold the learner in itself.
	Factors        []float32
	FactorsVersion int64
}

// Mode is the kind of feed asked for.
type Mode string

// The modes.
const (
	ForYou Mode = "for_you"
	Binge  Mode = "binge" // favours continuing the series in progress
)

// Request is one page request.
type Request struct {
	Limit int // entries wanted; clamped to 1–100 (default 20)
	Mode  Mode
	Now   time.Time // the clock: freshness, recency and trending are relative to it
	// Seed drives the exploration draws; the same seed and input give the same
	// list.
	Seed uint64
	// Served lists items already on earlier pages of this feed session; they
	// are not offered again and count toward session context.
	Served []string
	// Explain asks for Output.Trace (it allocates; admin route only).
	Explain bool
}

// snapshotOf returns the catalogue's bound model, or nil.
func snapshotOf(c *Catalogue) *model.Snapshot {
	if c == nil {
		return nil
	}
	return c.snap
}
