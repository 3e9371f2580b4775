package feed

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Windows are the trending windows the API offers, by their names.
var Windows = map[string]time.Duration{"1h": rank.WindowHour, "24h": rank.WindowDay, "7d": rank.WindowWeek}

// Index is one immutable build of the catalogue: the ranker's index with the
// model bound to it, the summaries answers show, and the trending lists.
// Requests hold the Index they started with while a newer one is swapped in.
type Index struct {
	Rank  *rank.Catalogue
	Built time.Time
	// Snapshot is the version of the bound model (0: none).
	Snapshot int64
	// Weights are the ranking weights stored with the snapshot (nil: the
	// defaults).
	Weights *Weights

	cfgOnce sync.Once
	cfg     *rank.Config // base with Weights set, made at first use

	extra    []itemExtra // what summaries show beyond Rank's items, by Rank's positions
	trending map[time.Duration][]rank.Trend
	topics   map[string]string   // slug → name, every topic of the taxonomy
	creators map[string]string   // creator ID → name, creators of any item
	series   map[string][]string // series ID → its items in episode order
}

// config is the ranker's configuration for this index: base with the
// snapshot's tuned weights set.
func (x *Index) config(base *rank.Config) *rank.Config {
	x.cfgOnce.Do(func() { x.cfg, _ = x.Weights.config(base) })
	return x.cfg
}

// weights are the ranking weights in force.
func (x *Index) weights() *Weights {
	if x.Weights == nil {
		return defaultWeights("no model snapshot is bound yet")
	}
	return x.Weights
}

// TopicName returns a topic's display name; ok is false for an unknown slug.
func (x *Index) TopicName(slug string) (string, bool) {
	n, ok := x.topics[slug]
	return n, ok
}

// Episodes returns a series' items in episode order (visible or not).
func (x *Index) Episodes(seriesID string) []string { return x.series[seriesID] }

// visible reports whether an item may be offered.
func (x *Index) visible(id string) bool {
	it, ok := x.Rank.Item(id)
	return ok && it.Visible
}

// Summary returns an item's summary, made at each call (a page makes a few
// dozen; an index keeping one per item would hold a hundred thousand).
func (x *Index) Summary(id string) (*Summary, bool) {
	i, ok := x.Rank.Lookup(id)
	if !ok {
		return nil, false
	}
	return newSummary(x.Rank.At(i), &x.extra[i]), true
}

// Trending returns the window's items by velocity, highest first.
func (x *Index) Trending(window time.Duration) []rank.Trend { return x.trending[window] }

// Catalogue keeps the current Index and rebuilds it: on a period (new items,
// changed counts, trending), when this node's content changes (Nudge), and when
// a new model snapshot is loaded (SetSnapshot).
type Catalogue struct {
	store Store
	now   func() time.Time
	log   *slog.Logger

	cur     atomic.Pointer[Index]
	snap    atomic.Pointer[loadedSnapshot]
	skipped atomic.Int64 // a snapshot version that could not be read

	mu    sync.Mutex // one rebuild at a time
	nudge chan struct{}

	scratch rank.Scratches // shared by every index this node builds
}

type loadedSnapshot struct {
	version int64
	model   *model.Snapshot
	weights *Weights
}

// NewCatalogue returns a catalogue with an empty index; call Rebuild before
// serving.
func NewCatalogue(store Store, now func() time.Time, log *slog.Logger) *Catalogue {
	c := &Catalogue{store: store, now: now, log: log, nudge: make(chan struct{}, 1)}
	c.cur.Store(&Index{Rank: rank.NewCatalogue(nil, nil, rank.CatalogueOptions{Now: now(), Scratches: &c.scratch}),
		trending: map[time.Duration][]rank.Trend{}, topics: map[string]string{},
		creators: map[string]string{}, series: map[string][]string{}})
	return c
}

// Current is the index to serve from.
func (c *Catalogue) Current() *Index { return c.cur.Load() }

// SetSnapshot binds a newly loaded model with the ranking weights stored
// beside it (nil: the defaults); the next rebuild uses them. It reports whether
// the version is new.
func (c *Catalogue) SetSnapshot(version int64, m *model.Snapshot, w *Weights) bool {
	if old := c.snap.Load(); old != nil && old.version >= version {
		return false
	}
	c.snap.Store(&loadedSnapshot{version: version, model: m, weights: w})
	return true
}

// SnapshotVersion is the version of the model the next rebuild binds (0: none).
func (c *Catalogue) SnapshotVersion() int64 {
	if s := c.snap.Load(); s != nil {
		return s.version
	}
	return 0
}

// Nudge asks for a rebuild soon: this node's content changed.
func (c *Catalogue) Nudge() {
	select {
	case c.nudge <- struct{}{}:
	default:
	}
}

// Rebuild reads the catalogue, its totals and the trending buckets, and swaps
// in a new Index.
func (c *Catalogue) Rebuild(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now().UTC()
	names, err := c.store.TopicNames(ctx)
	if err != nil {
		return fmt.Errorf("rebuild feed catalogue: %w", err)
	}
	buckets, err := c.store.TrendingBuckets(ctx, now.Add(-rank.WindowWeek))
	if err != nil {
		return fmt.Errorf("rebuild feed catalogue: %w", err)
	}
	for k := range buckets {
		// The current hour's events all happened before now: its bucket spans
		// the part of the hour gone by, or velocity would count it by the share
		// of the hour elapsed.
		b := &buckets[k]
		if end := b.Start.Add(b.Span); end.After(now) && b.Start.Before(now) {
			b.Span = now.Sub(b.Start)
		}
	}
	x := &Index{Built: now, trending: map[time.Duration][]rank.Trend{},
		topics: names, creators: map[string]string{}, series: map[string][]string{}}
	for _, w := range Windows {
		x.trending[w] = rank.Trending(buckets, w, now, 0)
	}
	day := make(map[string]float64, len(x.trending[rank.WindowDay]))
	for _, t := range x.trending[rank.WindowDay] {
		day[t.ItemID] = t.Score
	}
	// Each item is kept as the ranker's item and the extras summaries show,
	// its strings shared with the index before wherever they are unchanged;
	// the row itself is garbage at once.
	prev := c.cur.Load()
	items := make([]rank.Item, 0, prev.Rank.Len())
	x.extra = make([]itemExtra, 0, prev.Rank.Len())
	episode := map[string]int{}
	share := newSharer(prev)
	err = c.store.CatalogueItems(ctx, func(r CatalogueItem) error {
		share.row(&r)
		x.creators[r.CreatorID] = r.CreatorName
		if r.SeriesID != "" && r.Episode > 0 {
			x.series[r.SeriesID] = append(x.series[r.SeriesID], r.ID)
			episode[r.ID] = r.Episode
		}
		it := rank.Item{ID: r.ID, Title: r.Title, Kind: r.Kind, CreatorID: r.CreatorID,
			CreatorName: r.CreatorName, Topics: r.Topics, SeriesID: r.SeriesID, SeriesTitle: r.SeriesTitle,
			Episode: r.Episode, Difficulty: r.Difficulty, DurationMS: r.DurationMS, PublishedAt: r.PublishedAt,
			Visible: r.Published, Counts: r.Counts}
		if r.Published {
			it.Trending = day[r.ID]
		}
		items = append(items, it)
		x.extra = append(x.extra, itemExtra{Description: r.Description, Language: r.Language, MediaIDs: r.MediaIDs})
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild feed catalogue: %w", err)
	}
	for _, eps := range x.series {
		slices.SortStableFunc(eps, func(a, b string) int { return cmp.Compare(episode[a], episode[b]) })
	}
	var m *model.Snapshot
	if s := c.snap.Load(); s != nil {
		m, x.Snapshot, x.Weights = s.model, s.version, s.weights
	}
	x.Rank = rank.NewCatalogue(items, m, rank.CatalogueOptions{Now: now, TopicNames: names, Scratches: &c.scratch})
	if x.Rank.Len() != len(x.extra) {
		// Summaries find their extras by the ranker's positions, which leave
		// a repeated ID out; the store's IDs are its primary key.
		return fmt.Errorf("rebuild feed catalogue: %d of %d item IDs are repeats", len(x.extra)-x.Rank.Len(), len(x.extra))
	}
	// Trending lists only what may be shown: an item unpublished since its
	// buckets were counted, or gone, drops out.
	for w, list := range x.trending {
		kept := list[:0]
		for _, t := range list {
			if i, ok := x.Rank.Lookup(t.ItemID); ok && x.Rank.At(i).Visible {
				kept = append(kept, t)
			}
		}
		x.trending[w] = kept
	}
	c.cur.Store(x)
	return nil
}

// rebuildShare bounds the share of time a node spends rebuilding its index:
// after a rebuild that took d, the next starts no sooner than d ×
// (1/rebuildShare − 1) later. A small catalogue rebuilds every period; a large
// one on a busy node (100k items take about a second of CPU to read) waits
// longer rather than spend its cores on rebuilding instead of serving.
const rebuildShare = 0.1

// Run rebuilds every period (or, when rebuilding takes long, as often as
// rebuildShare allows), and soon after a Nudge, until ctx ends, binding a newer
// model snapshot when one was stored. A failed rebuild is logged and the
// current index kept.
func (c *Catalogue) Run(ctx context.Context, every time.Duration) {
	var next time.Time // the share allows no rebuild before
	t := time.NewTimer(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.nudge:
			t.Stop()
			// Let a burst of writes (a creator publishing a series) settle.
			select {
			case <-ctx.Done():
				return
			case <-time.After(max(200*time.Millisecond, time.Until(next))):
			}
		}
		start := time.Now()
		if _, err := c.LoadSnapshot(ctx); err != nil && ctx.Err() == nil {
			c.log.WarnContext(ctx, "feed: could not load the newest model snapshot; keeping the current one", "error", err)
		}
		if err := c.Rebuild(ctx); err != nil && ctx.Err() == nil {
			c.log.WarnContext(ctx, "feed catalogue rebuild failed; serving the previous one", "error", err)
		}
		rest := time.Duration(float64(time.Since(start)) * (1/rebuildShare - 1))
		next = time.Now().Add(rest)
		t.Reset(max(every, rest))
	}
}
