package app

import (
	"context"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed"
)

// The feed keeps a learner's state loaded and the catalogue indexed; these
// store decorators tell it when either changed, right after the change
// commits and before the client hears of it, so the learner's next page reflects it.

// feedEvents is the events store that marks a learner's feed state as changed
// whenever their events, hidden items or data change.
type feedEvents struct {
	events.Store
	feed *feed.Service
}

func (f feedEvents) Ingest(ctx context.Context, userID string, evs []events.Event, fold func([]events.Event) events.Deltas) ([]bool, error) {
	fresh, err := f.Store.Ingest(ctx, userID, evs, fold)
	if err == nil && slices.Contains(fresh, true) {
		f.feed.Touched(ctx, userID)
	}
	return fresh, err
}

func (f feedEvents) Unhide(ctx context.Context, userID, itemID string) error {
	err := f.Store.Unhide(ctx, userID, itemID)
	if err == nil {
		f.feed.Touched(ctx, userID)
	}
	return err
}

func (f feedEvents) Forget(ctx context.Context, userID string, d events.Deltas) error {
	err := f.Store.Forget(ctx, userID, d)
	f.feed.Touched(ctx, userID)
	return err
}

// feedContent is the catalogue store that marks a learner's feed state as
// changed when they follow or block, and asks for a new index when items or
// series change.
type feedContent struct {
	content.Store
	feed *feed.Service
}

func (f feedContent) edge(ctx context.Context, userID string, err error) error {
	if err == nil {
		f.feed.Touched(ctx, userID)
	}
	return err
}

func (f feedContent) Follow(ctx context.Context, e content.Edge) error {
	return f.edge(ctx, e.UserID, f.Store.Follow(ctx, e))
}

func (f feedContent) Unfollow(ctx context.Context, userID, creatorID string) error {
	return f.edge(ctx, userID, f.Store.Unfollow(ctx, userID, creatorID))
}

func (f feedContent) Block(ctx context.Context, e content.Edge) error {
	return f.edge(ctx, e.UserID, f.Store.Block(ctx, e))
}

func (f feedContent) Unblock(ctx context.Context, userID, creatorID string) error {
	return f.edge(ctx, userID, f.Store.Unblock(ctx, userID, creatorID))
}

func (f feedContent) changed(err error) error {
	if err == nil {
		f.feed.Catalogue().Nudge()
	}
	return err
}

func (f feedContent) CreateItem(ctx context.Context, it content.Item) error {
	return f.changed(f.Store.CreateItem(ctx, it))
}

func (f feedContent) UpdateItem(ctx context.Context, it content.Item) error {
	return f.changed(f.Store.UpdateItem(ctx, it))
}

func (f feedContent) DeleteItem(ctx context.Context, id string) error {
	return f.changed(f.Store.DeleteItem(ctx, id))
}

func (f feedContent) DeleteItemsByCreator(ctx context.Context, creatorID string) error {
	return f.changed(f.Store.DeleteItemsByCreator(ctx, creatorID))
}

func (f feedContent) UpdateSeries(ctx context.Context, s content.Series) error {
	return f.changed(f.Store.UpdateSeries(ctx, s))
}

func (f feedContent) DeleteSeries(ctx context.Context, id string) error {
	return f.changed(f.Store.DeleteSeries(ctx, id))
}

func (f feedContent) SetEpisodes(ctx context.Context, seriesID string, itemIDs []string, now time.Time) error {
	return f.changed(f.Store.SetEpisodes(ctx, seriesID, itemIDs, now))
}

// newFeed builds the feed service over the store. Its catalogue index starts
// empty: serve builds it before listening (startFeed), and the command-line
// subcommands, which never serve a feed, do not pay for it.
func (s *server) newFeed() {
	cat := feed.NewCatalogue(s.db, s.now, s.log)
	s.feed = feed.NewService(s.db, cat, feed.Options{
		Now: s.now, Log: s.log,
		IsMinor: func(birthYear int, now time.Time) bool { return auth.Profile{BirthYear: birthYear}.IsMinor(now) },
		Scale:   events.Scale,
	})
}

// startFeed builds the catalogue index, then runs the feed's background work
// until ctx ends: rebuilding the index and rolling up trending counters.
func (s *server) startFeed(ctx context.Context) error {
	if err := s.feed.Catalogue().Rebuild(ctx); err != nil {
		return err
	}
	go s.feed.Catalogue().Run(ctx, 10*time.Second)
	go s.feed.RunRollUp(ctx, 30*time.Second)
	return nil
}
