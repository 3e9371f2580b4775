// Package synth generates synthetic learning-platform data at any scale, with
// known structure planted in it: a topic taxonomy, creators, items with topics,
// kinds, difficulty, duration, language and cheap plausible text, series with
// their episodes, and learners whose sessions of events follow latent interests
// that the package exports as ground truth.
//
// It is pure and deterministic: New(cfg) and everything read from the Generator
// depend on cfg alone (no clock, no global random source, no I/O), so the same
// flags give the same data on any machine. It streams: the Generator holds a
// compact table of the catalogue (tens of bytes per item) and the learners'
// profiles; item texts are made when an item is asked for, and a learner's
// events when their History is, so a million events never sit in memory at once.
//
// The planted structure, which the feed's tests and offline evaluation rely on:
//
//   - each learner has a few latent interests (leaf topics with Dirichlet
//     weights, often siblings under one parent), a preferred difficulty, a
//     language, an age (some are minors) and an activity level; some learners'
//     interests drift once, at a known time (Learner.InterestsAt);
//   - items are popular in a Zipf law within their topic and language;
//   - a session shows items mostly from the learner's current interests, some
//     from anywhere (exploration), the next episode of a series in progress, and
//     new items of followed creators; a series is always watched in order;
//   - the watch ratio of a view is drawn from a Beta distribution whose mean
//     rises with the interest match, the difficulty fit, the item's latent
//     quality and the language; a view of 90% or more is a completion; likes,
//     saves and shares follow engagement; quiz answers are right more often when
//     the learner's level is above the item's difficulty; learners follow the
//     creators whose items they keep finishing.
package synth

import (
	"time"
)

// Config sizes the data. Zero values take the defaults.
type Config struct {
	Seed     uint64
	Learners int // default 1,000
	Items    int // default 10,000
	// Events is the exact number of events generated over all learners
	// (default 100,000), shared by activity, which is heavy-tailed.
	Events int
	// Creators defaults to one per 50 items (at least 5).
	Creators int
	// Topics is the number of leaf topics used, from the start of the taxonomy;
	// default one per 100 items, between 8 and all 48.
	Topics int
	// Days is the window the events spread over, ending at Now; default 60.
	// Most of the catalogue exists before it, the rest is published during it.
	Days int
	// Now ends the window. Zero means 2026-01-01 UTC, which suits tests only.
	Now time.Time
}

// The defaults.
const (
	DefaultLearners = 1000
	DefaultItems    = 10000
	DefaultEvents   = 100000
	DefaultDays     = 60
	// catalogueDays is how long before the window the catalogue starts.
	catalogueDays = 90
)

// EmailDomain is the domain of every synthetic account's email address.
const EmailDomain = "synthetic.lyolearn.test"

// WithDefaults returns c with every zero field at its default, as New uses it.
func (c Config) WithDefaults() Config {
	if c.Learners <= 0 {
		c.Learners = DefaultLearners
	}
	if c.Items <= 0 {
		c.Items = DefaultItems
	}
	if c.Events < 0 {
		c.Events = 0
	} else if c.Events == 0 {
		c.Events = DefaultEvents
	}
	if c.Creators <= 0 {
		c.Creators = max(5, c.Items/50)
	}
	total := len(leaves())
	if c.Topics <= 0 {
		c.Topics = c.Items / 100
	}
	c.Topics = min(max(c.Topics, 8), total)
	if c.Days <= 0 {
		c.Days = DefaultDays
	}
	if c.Now.IsZero() {
		c.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	c.Now = c.Now.UTC().Truncate(time.Millisecond)
	return c
}

// Generator is one synthetic data set. Its methods are safe for concurrent use:
// after New it is read only.
type Generator struct {
	cfg      Config
	start    time.Time // the start of the event window
	leaves   []leaf    // the leaves in use
	topics   []Topic
	creators []Creator
	items    []meta
	series   []seriesMeta
	catalog  *index
	learners []Learner
}

// New builds the generator for cfg: the catalogue's table, the series and the
// learners' profiles. It takes well under a second for 100,000 items.
func New(cfg Config) *Generator {
	cfg = cfg.WithDefaults()
	g := &Generator{cfg: cfg, start: cfg.Now.AddDate(0, 0, -cfg.Days)}
	g.leaves = leaves()[:cfg.Topics]
	g.topics = g.taxonomy()
	g.creators = g.makeCreators()
	g.makeCatalogue()
	g.catalog = g.index()
	g.learners = g.makeLearners()
	return g
}

// Config is the configuration in use, defaults filled in.
func (g *Generator) Config() Config { return g.cfg }

// Start is the start of the event window (Now minus Days).
func (g *Generator) Start() time.Time { return g.start }

// Topics is the taxonomy in use, parents first.
func (g *Generator) Topics() []Topic { return append([]Topic(nil), g.topics...) }

// Creators are the creators in index order (which is creation order).
func (g *Generator) Creators() []Creator { return append([]Creator(nil), g.creators...) }

// Learners are the learners in index order, with their ground truth.
func (g *Generator) Learners() []Learner { return append([]Learner(nil), g.learners...) }

// Learner is learner i.
func (g *Generator) Learner(i int) Learner { return g.learners[i] }

// NumItems is the number of items.
func (g *Generator) NumItems() int { return len(g.items) }

// Series are the series in index order (which is creation order).
func (g *Generator) Series() []Series {
	out := make([]Series, len(g.series))
	for i := range g.series {
		out[i] = g.seriesAt(i)
	}
	return out
}
