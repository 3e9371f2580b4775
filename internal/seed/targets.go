package seed

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

// ErrAlreadySeeded is returned by Load when the first demo account exists.
var ErrAlreadySeeded = errors.New("the demo data is already loaded")

// MaxBatch is the most events Load sends in one Ingest call.
const MaxBatch = 500

// Users creates the accounts.
type Users interface {
	// CreateUser creates an account with a role (creator or learner) and
	// returns its ID.
	CreateUser(ctx context.Context, email, password, username string, role access.Role) (userID string, err error)
	// SetBirthYear records a learner's birth year; some demo learners are minors.
	SetBirthYear(ctx context.Context, userID string, year int) error
	// IsEmailTaken reports whether an error of CreateUser means the email is in use.
	IsEmailTaken(err error) bool
}

// Catalog writes the catalogue and the follows, acting as the given user.
type Catalog interface {
	// EnsureTopics creates the topics that do not exist yet, with their names and parents.
	EnsureTopics(ctx context.Context, topics []content.Topic) error
	CreateItem(ctx context.Context, creatorID string, in content.ItemInput) (itemID string, err error)
	CreateSeries(ctx context.Context, creatorID string, in content.SeriesInput) (seriesID string, err error)
	SetEpisodes(ctx context.Context, creatorID, seriesID string, itemIDs []string) error
	Follow(ctx context.Context, userID, creatorID string) error
}

// Ingester takes a learner's events, as POST /api/v1/events does.
type Ingester interface {
	Ingest(ctx context.Context, userID string, batch []events.Input) (accepted int, err error)
}

// Targets are where Load writes. The app builds the services behind them on
// Clock.Now, which Load sets to each record's own time before writing it.
type Targets struct {
	Users   Users
	Catalog Catalog
	Events  Ingester
	Clock   *Clock
}

// Summary counts what Load wrote.
type Summary struct {
	Creators int
	Learners int
	Topics   int
	Series   int
	Items    int
	Follows  int
	Events   int // sent
	Accepted int // accepted by ingestion; the rest were refused or duplicates
}

// Clock is the time the services see while Load runs; safe for concurrent use.
type Clock struct{ ns atomic.Int64 }

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Now is the time Load last set.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// Set moves the clock, forwards or back.
func (c *Clock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }
