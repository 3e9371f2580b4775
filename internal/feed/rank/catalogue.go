package rank

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
)

// CatalogueOptions tune the catalogue index.
type CatalogueOptions struct {
	// Now is when the index is built: freshness of "fresh" items is judged
	// against it (Rank judges the freshness feature against its own clock).
	Now time.Time
	// TopicNames give topics' display names for explanations; a slug without
	// one is shown as it is.
	TopicNames map[string]string
	// Smoothing is the weight, in exposures, of the catalogue-wide rate each
	// item's rates are pulled toward (default 20).
	Smoothing float64
	// FreshWindow and ExposureTarget define the items exploration serves:
	// published within FreshWindow (default 7 days) and shown fewer than
	// ExposureTarget times (default 200).
	FreshWindow    time.Duration
	ExposureTarget int64
	// ListLen bounds the trending and fresh lists, global and per topic
	// (default 500 global, 100 per topic).
	ListLen int
	// Scratches, when set, is the pool of per-request working memory the
	// catalogue shares with those built before and after it (nil: a pool
	// of its own).
	Scratches *Scratches
}

func (o CatalogueOptions) withDefaults() CatalogueOptions {
	if !(o.Smoothing > 0) {
		o.Smoothing = 20
	}
	if o.FreshWindow <= 0 {
		o.FreshWindow = 7 * 24 * time.Hour
	}
	if o.ExposureTarget <= 0 {
		o.ExposureTarget = 200
	}
	if o.ListLen <= 0 {
		o.ListLen = 500
	}
	return o
}

// Catalogue is the in-memory index Rank reads: every item with its facts and
// smoothed quality, lists by creator, topic and series, the trending and fresh
// lists, and the model snapshot bound to it (model and catalogue share one
// mapping of item indexes, made once here rather than on every request).
//
// It is immutable: serving builds a new one when the catalogue, the aggregate
// counts or the snapshot change, and swaps it in atomically; requests in flight
// keep the one they started with.
type Catalogue struct {
	items []Item
	byID  map[string]int32
	snap  *model.Snapshot

	toModel   []int32 // catalogue index → snapshot item index, −1 when untrained
	fromModel []int32 // snapshot item index → catalogue index, −1 when gone

	creators  *model.Dict
	creatorOf []int32
	topics    *model.Dict
	topicName []string
	topicPtr  []int32 // topics of item i: topicIdx[topicPtr[i]:topicPtr[i+1]]
	topicIdx  []int32
	tmask     []uint64 // topics of each item as bits t mod 64, for diversity

	seriesOf []int32 // series index, −1
	prev     []int32 // the previous episode's catalogue index, −1
	next     []int32 // the next episode's, −1
	series   *model.Dict
	seriesEp [][]int32 // episodes of each series in order

	byCreator  [][]int32 // visible items, newest first
	byTopic    [][]int32 // visible items, best quality first
	topicOrder []int32   // topics by total engagement, most first

	trending        []int32
	trendingByTopic [][]int32
	fresh           []int32
	freshByTopic    [][]int32
	isFresh         []bool

	modelErr error // why the snapshot given was not bound

	q        []quality
	prior    rates
	maxTrend float64
	maxViews float64
	built    time.Time

	scratch *Scratches
}

// NewCatalogue indexes items (one entry per ID; a repeated ID keeps its first
// entry) and binds snap to them (nil: no model sources). The catalogue keeps
// items as its own, without a copy: the caller must not change the slice
// afterwards (a hundred thousand items are tens of megabytes, and serving
// holds two indexes while it swaps one for the next). A snapshot that fails
// model.Snapshot.Validate is not bound (ModelError says why): ranking then
// runs on the catalogue alone rather than index out of range. It costs a few sorts of
// the catalogue: tens of milliseconds for 100,000 items.
func NewCatalogue(items []Item, snap *model.Snapshot, o CatalogueOptions) *Catalogue {
	o = o.withDefaults()
	c := &Catalogue{byID: make(map[string]int32, len(items)), snap: snap, built: o.Now,
		creators: model.NewDict(), topics: model.NewDict(), series: model.NewDict()}
	if snap != nil {
		if err := snap.Validate(); err != nil {
			c.snap, c.modelErr = nil, fmt.Errorf("snapshot not bound: %w", err)
		}
	}
	n := 0
	for i := range items {
		id := items[i].ID
		if _, dup := c.byID[id]; dup || id == "" {
			continue
		}
		c.byID[id] = int32(n)
		items[n] = items[i]
		n++
	}
	clear(items[n:]) // what a repeated entry held is not kept alive
	c.items = items[:n]
	c.creatorOf = make([]int32, n)
	c.topicPtr = make([]int32, 1, n+1)
	c.tmask = make([]uint64, 0, n)
	c.seriesOf = make([]int32, n)
	for i, it := range c.items {
		// An item without a creator (imported data) is its own creator, so caps
		// and diversity do not lump all such items together.
		c.creatorOf[i] = c.creators.Add(cmp.Or(it.CreatorID, "\x00"+it.ID))
		var mask uint64
		for _, t := range it.Topics {
			k := c.topics.Add(t)
			c.topicIdx = append(c.topicIdx, k)
			mask |= 1 << (k % 64)
		}
		c.tmask = append(c.tmask, mask)
		c.topicPtr = append(c.topicPtr, int32(len(c.topicIdx)))
		c.seriesOf[i] = -1
		if it.SeriesID != "" && it.Episode > 0 {
			s := c.series.Add(it.SeriesID)
			c.seriesOf[i] = s
			if int(s) == len(c.seriesEp) {
				c.seriesEp = append(c.seriesEp, nil)
			}
			c.seriesEp[s] = append(c.seriesEp[s], int32(i))
		}
	}
	c.topicName = make([]string, c.topics.Len())
	for t, slug := range c.topics.IDs() {
		c.topicName[t] = cmp.Or(o.TopicNames[slug], slug)
	}
	c.indexSeries()
	c.bindModel()
	c.scoreQuality(o.Smoothing)
	c.indexLists(o)
	c.scratch = cmp.Or(o.Scratches, &Scratches{})
	return c
}

// Len is the number of items indexed.
func (c *Catalogue) Len() int { return len(c.items) }

// Item returns the indexed item with that ID.
func (c *Catalogue) Item(id string) (Item, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Item{}, false
	}
	return c.items[i], true
}

// Lookup returns the position of the item with that ID: positions run from 0
// to Len−1 in the order NewCatalogue was given the items, repeats left out.
func (c *Catalogue) Lookup(id string) (int, bool) {
	i, ok := c.byID[id]
	return int(i), ok
}

// At returns the item at position i, shared: the caller must not change it.
func (c *Catalogue) At(i int) *Item { return &c.items[i] }

// Snapshot returns the model bound to the catalogue (nil when none).
func (c *Catalogue) Snapshot() *model.Snapshot { return c.snap }

// ModelError says why the snapshot given to NewCatalogue was not bound; nil
// when it was (or none was given).
func (c *Catalogue) ModelError() error { return c.modelErr }

func (c *Catalogue) topicsOf(i int32) []int32 { return c.topicIdx[c.topicPtr[i]:c.topicPtr[i+1]] }

func (c *Catalogue) indexSeries() {
	n := len(c.items)
	c.prev, c.next = make([]int32, n), make([]int32, n)
	for i := range c.prev {
		c.prev[i], c.next[i] = -1, -1
	}
	for _, eps := range c.seriesEp {
		slices.SortStableFunc(eps, func(a, b int32) int { return cmp.Compare(c.items[a].Episode, c.items[b].Episode) })
		for k := 1; k < len(eps); k++ {
			c.prev[eps[k]] = eps[k-1]
			c.next[eps[k-1]] = eps[k]
		}
	}
}

func (c *Catalogue) bindModel() {
	c.toModel = make([]int32, len(c.items))
	for i := range c.toModel {
		c.toModel[i] = -1
	}
	if c.snap == nil || c.snap.Items == nil {
		return
	}
	c.fromModel = make([]int32, c.snap.Items.Len())
	for m, id := range c.snap.Items.IDs() {
		c.fromModel[m] = -1
		if i, ok := c.byID[id]; ok {
			c.fromModel[m] = i
			c.toModel[i] = int32(m)
		}
	}
}

// indexLists builds the per-creator, per-topic, trending and fresh lists.
func (c *Catalogue) indexLists(o CatalogueOptions) {
	nt, nc := c.topics.Len(), c.creators.Len()
	c.byCreator = make([][]int32, nc)
	c.byTopic = make([][]int32, nt)
	c.trendingByTopic = make([][]int32, nt)
	c.freshByTopic = make([][]int32, nt)
	c.isFresh = make([]bool, len(c.items))
	engagement := make([]float64, nt)
	perTopic := max(o.ListLen/5, 20)
	for i := range c.items {
		it := &c.items[i]
		if !it.Visible {
			continue
		}
		ii := int32(i)
		c.byCreator[c.creatorOf[i]] = append(c.byCreator[c.creatorOf[i]], ii)
		for _, t := range c.topicsOf(ii) {
			c.byTopic[t] = append(c.byTopic[t], ii)
			engagement[t] += float64(it.Counts.Views + it.Counts.Completions + it.Counts.Likes + it.Counts.Saves)
		}
		if it.Trending > 0 && !math.IsInf(it.Trending, 0) {
			c.trending = append(c.trending, ii)
			c.maxTrend = math.Max(c.maxTrend, it.Trending)
		}
		exposures := max(it.Counts.Impressions, it.Counts.Views)
		if !it.PublishedAt.IsZero() && o.Now.Sub(it.PublishedAt) <= o.FreshWindow && exposures < o.ExposureTarget {
			c.isFresh[i] = true
			c.fresh = append(c.fresh, ii)
		}
	}
	newest := func(a, b int32) int {
		if d := c.items[b].PublishedAt.Compare(c.items[a].PublishedAt); d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	}
	best := func(a, b int32) int {
		if d := cmp.Compare(c.q[b].key, c.q[a].key); d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	}
	hottest := func(a, b int32) int {
		if d := cmp.Compare(c.items[b].Trending, c.items[a].Trending); d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	}
	for _, l := range c.byCreator {
		slices.SortFunc(l, newest)
	}
	for _, l := range c.byTopic {
		slices.SortFunc(l, best)
	}
	slices.SortFunc(c.trending, hottest)
	slices.SortFunc(c.fresh, newest)
	for _, i := range c.trending {
		for _, t := range c.topicsOf(i) {
			if len(c.trendingByTopic[t]) < perTopic {
				c.trendingByTopic[t] = append(c.trendingByTopic[t], i)
			}
		}
	}
	for _, i := range c.fresh {
		for _, t := range c.topicsOf(i) {
			if len(c.freshByTopic[t]) < perTopic {
				c.freshByTopic[t] = append(c.freshByTopic[t], i)
			}
		}
	}
	c.trending = c.trending[:min(len(c.trending), o.ListLen)]
	c.fresh = c.fresh[:min(len(c.fresh), o.ListLen)]
	if c.maxTrend > 0 {
		for _, i := range c.trending {
			c.q[i].trend = float32(c.items[i].Trending / c.maxTrend)
		}
	}
	c.topicOrder = make([]int32, nt)
	for t := range c.topicOrder {
		c.topicOrder[t] = int32(t)
	}
	slices.SortStableFunc(c.topicOrder, func(a, b int32) int { return cmp.Compare(engagement[b], engagement[a]) })
}
