package app

import (
	"context"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed"
	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/jobs"
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

func (f feedEvents) Ingest(ctx context.Context, userID string, evs []events.Event, fold events.FoldFunc) ([]bool, error) {
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

// feedAccounts is the accounts store that marks a learner's feed state as
// changed when their profile changes: birth year, wellbeing settings and
// timezone decide the feed's notices.
type feedAccounts struct {
	auth.Store
	feed *feed.Service
}

func (f feedAccounts) UpdateProfile(ctx context.Context, id string, version int64, username string, p auth.Profile, now time.Time) (auth.User, error) {
	u, err := f.Store.UpdateProfile(ctx, id, version, username, p, now)
	if err == nil {
		f.feed.Touched(ctx, id)
	}
	return u, err
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
// subcommands, which never serve a feed, do not pay for it. With Redis, feed
// sessions and learners' versions are shared by every node.
func (s *server) newFeed() {
	o := feed.Options{
		Now: s.now, Log: s.log,
		IsMinor: func(birthYear int, now time.Time) bool { return auth.Profile{BirthYear: birthYear}.IsMinor(now) },
		Scale:   events.Scale,
	}
	if s.redis != nil {
		prefix := s.cfg.RedisPrefix + "feed:"
		o.Sessions = feed.NewRedisSessions(s.redis, prefix, feedSessionIdle, s.now)
		o.Versions = feed.NewRedisVersions(s.redis, prefix)
	}
	s.feed = feed.NewService(s.db, feed.NewCatalogue(s.db, s.now, s.log), o)
}

// feedSessionIdle ends a feed session nobody paged for this long.
const feedSessionIdle = 30 * time.Minute

// feedTrainTimeout bounds one training run.
const feedTrainTimeout = 30 * time.Minute

// feedRollUpEvery is how often trending counters are rolled up from the log.
const feedRollUpEvery = 30 * time.Second

// wireFeedJobs registers the feed's background jobs: training its models and
// rolling up trending counters, each periodic and unique per period.
func (s *server) wireFeedJobs(q *jobs.Queue) error {
	if err := jobs.Register(q, feed.NewTrainWorker(s.feed, model.Options{}, feedTrainTimeout)); err != nil {
		return err
	}
	if err := q.Every(s.cfg.FeedTrainEvery, feed.TrainArgs{}, nil); err != nil {
		return err
	}
	if err := jobs.Register(q, feed.NewRollUpWorker(s.feed)); err != nil {
		return err
	}
	return q.Every(feedRollUpEvery, feed.RollUpArgs{}, nil)
}

// startFeed loads the newest model and builds the catalogue index, then
// rebuilds it every LYO_FEED_REFRESH until ctx ends.
func (s *server) startFeed(ctx context.Context) error {
	cat := s.feed.Catalogue()
	if _, err := cat.LoadSnapshot(ctx); err != nil {
		s.log.WarnContext(ctx, "feed: could not load the newest model snapshot; serving without one until it loads", "error", err)
	}
	if err := cat.Rebuild(ctx); err != nil {
		return err
	}
	go cat.Run(ctx, s.cfg.FeedRefresh)
	return nil
}
