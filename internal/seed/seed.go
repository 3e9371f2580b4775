// Package seed makes the demo data behind `lyo seed --demo`: a believable
// catalogue (topics, creators, series, a few thousand items with real-looking
// titles, bodies, quizzes and durations) and synthetic learners whose events
// follow their interests, so the console, the feed and the benchmarks have
// something real to show.
//
// It is two steps. Generate is pure: the same Config gives the same Dataset, with
// no clock, no global random source and no I/O. Load writes a Dataset through the
// small interfaces of Targets, which the app implements with the real services,
// and sets Targets.Clock to each record's own time first, so items, follows and
// events land where the data says they happened (event aggregates decay with
// time, and IDs sort by creation time).
package seed

import (
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

// Config sizes the demo. Zero values take the defaults.
type Config struct {
	Seed     uint64
	Creators int // default 40
	Items    int // default 3000
	Learners int // default 200
	// Days is the window the catalogue and the events spread over, ending at Now;
	// default 30, at most 89 so every event is inside the 90-day ingestion window.
	Days int
	// Now ends the window: the caller's clock. Zero means a fixed date
	// (2026-01-01 UTC), which suits tests and benchmarks only: ingestion refuses
	// events older than 90 days.
	Now time.Time
	// Password is every seeded account's password; default "lyo-demo-password".
	Password string
}

// The defaults.
const (
	DefaultCreators = 40
	DefaultItems    = 3000
	DefaultLearners = 200
	DefaultDays     = 30
	DefaultPassword = "lyo-demo-password"
	maxDays         = 89
)

// EmailDomain is the domain of every seeded account's email address.
const EmailDomain = "demo.lyolearn.test"

func (c Config) withDefaults() Config {
	if c.Creators <= 0 {
		c.Creators = DefaultCreators
	}
	if c.Items <= 0 {
		c.Items = DefaultItems
	}
	if c.Learners <= 0 {
		c.Learners = DefaultLearners
	}
	if c.Days <= 0 {
		c.Days = DefaultDays
	}
	c.Days = min(c.Days, maxDays)
	if c.Now.IsZero() {
		c.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	c.Now = c.Now.UTC().Truncate(time.Millisecond)
	if c.Password == "" {
		c.Password = DefaultPassword
	}
	return c
}

// Dataset is everything Load writes, in plain data. Indexes point into the
// slices of the same Dataset; keys are stable names for items and series.
type Dataset struct {
	Topics   []content.Topic // parents first
	Creators []Person        // ordered by CreatedAt
	Learners []Person        // ordered by CreatedAt
	Series   []SeriesPlan    // ordered by CreatedAt
	Items    []ItemPlan      // ordered by CreatedAt
	Follows  []FollowPlan    // ordered by At
	Events   []EventPlan     // grouped by learner in index order, each in time order
}

// Person is an account to create.
type Person struct {
	Email     string
	Username  string
	Password  string
	Role      access.Role // creator or learner
	BirthYear int         // 0: not given; some learners are minors
	// Interests are topic slugs and weights summing to 1: what a learner likes, or
	// what a creator makes.
	Interests map[string]float64
	CreatedAt time.Time
}

// SeriesPlan is a series; its episodes are the items whose SeriesKey is Key.
type SeriesPlan struct {
	Key          string
	CreatorIndex int
	Input        content.SeriesInput // published
	Episodes     []string            // item keys in episode order
	CreatedAt    time.Time           // before its first episode
}

// ItemPlan is an item. Input is published and valid on its own; it has no
// SeriesID, since the series' ID is known only once created: Load sets the
// episodes after creating the items.
type ItemPlan struct {
	Key          string
	CreatorIndex int
	Input        content.ItemInput
	SeriesKey    string // "" when not in a series
	Episode      int    // from 1; 0 when not in a series
	CreatedAt    time.Time
}

// FollowPlan is a learner following a creator.
type FollowPlan struct {
	LearnerIndex int
	CreatorIndex int
	At           time.Time
}

// EventPlan is one event of a learner, about the item with key ItemKey.
type EventPlan struct {
	LearnerIndex int
	ItemKey      string
	ID           string // unique per learner: "seed-<learner>-<n>"
	Type         events.Type
	At           time.Time
	SessionID    string
	WatchMS      int64
	Position     int    // in the feed of its session, from 0
	Answer       string // quiz answers: the choice's ID
}

// Input is the event as a client sends it, once the item has an ID.
func (e EventPlan) Input(itemID string) events.Input {
	return events.Input{ID: e.ID, Type: e.Type, ItemID: itemID, At: e.At.UTC().Format(time.RFC3339Nano),
		SessionID: e.SessionID, WatchMS: e.WatchMS, Position: e.Position, Answer: e.Answer}
}

// Generate builds the demo dataset for cfg. It is deterministic: the same Config
// always gives the same Dataset.
func Generate(cfg Config) Dataset {
	cfg = cfg.withDefaults()
	g := newGenerator(cfg)
	ds := Dataset{Topics: taxonomy()}
	ds.Creators = g.creators()
	ds.Series, ds.Items = g.catalogue()
	ds.Learners = g.learners()
	ds.Follows, ds.Events = g.simulate(ds.Items)
	return ds
}
