package eval

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// affinityHalfLife matches the half-life ingestion decays topic interest with.
const affinityHalfLife = 14 * 24 * time.Hour

// engine is the full feed: rank.Rank over a catalogue and learner states made
// from the training rows, exactly as serving makes them from the stores.
type engine struct {
	t    *trainSet
	cat  *rank.Catalogue
	cfg  *rank.Config
	now  time.Time
	seed uint64
}

func (e *engine) name() string { return "lyo" }

// newEngine builds the catalogue (counts and trending from the training rows
// at their own times, as of the last training timestamp) around a snapshot.
func newEngine(t *trainSet, snap *model.Snapshot, info map[string]ItemInfo, cfg *rank.Config, seed uint64) *engine {
	s := t.s
	now := unix(s.Now)
	counts := make(map[string]*rank.Counts, len(s.Items))
	firstAt := map[string]time.Time{}
	var buckets []rank.Bucket
	for _, rows := range s.Train {
		for _, r := range rows {
			c := counts[r.Item]
			if c == nil {
				c = &rank.Counts{}
				counts[r.Item] = c
			}
			at := unix(r.Time)
			if f, ok := firstAt[r.Item]; !ok || at.Before(f) {
				firstAt[r.Item] = at
			}
			b := rank.Bucket{ItemID: r.Item, Start: at.Truncate(time.Hour), Span: time.Hour, Views: 1}
			c.Impressions++
			c.Views++
			if r.Weight >= t.threshold {
				c.Likes++
				b.Likes = 1
			}
			if now.Sub(at) <= rank.WindowWeek {
				buckets = append(buckets, b)
			}
		}
	}
	trend := map[string]float64{}
	for _, tr := range rank.Trending(buckets, rank.WindowDay, now, 0) {
		trend[tr.ItemID] = tr.Score
	}
	items := make([]rank.Item, 0, len(s.Items))
	for _, id := range s.Items {
		it := rank.Item{ID: id, Title: id, Kind: "video", Topics: info[id].Topics, PublishedAt: firstAt[id],
			Visible: true, Trending: trend[id]}
		if info[id].Title != "" {
			it.Title = info[id].Title
		}
		if c := counts[id]; c != nil {
			it.Counts = *c
		}
		items = append(items, it)
	}
	return &engine{t: t, cat: rank.NewCatalogue(items, snap, rank.CatalogueOptions{Now: now}), cfg: cfg, now: now, seed: seed}
}

// learner replays user u's training rows into the state serving would load.
func (e *engine) learner(u int) *rank.Learner {
	t := e.t
	l := &rank.Learner{ID: t.s.Users[u], Items: map[string]rank.ItemState{}, Topics: map[string]float64{}}
	for _, r := range t.s.Train[u] {
		for _, in := range signals(r, t.threshold) {
			l.Recent = append(l.Recent, in)
			st := l.Items[r.Item]
			st.LastAt = in.At
			st.Liked = st.Liked || in.Type == rank.Like
			l.Items[r.Item] = st
			w := 0.2 // as ingestion weighs a view; a like adds 1
			if in.Type == rank.Like {
				w = 1
			}
			if it, ok := e.cat.Item(r.Item); ok && len(it.Topics) > 0 {
				decay := math.Exp2(-e.now.Sub(in.At).Hours() / affinityHalfLife.Hours())
				for _, tp := range it.Topics {
					l.Topics[tp] += w * decay / float64(len(it.Topics))
				}
			}
		}
	}
	return l
}

func (e *engine) recommend(u, k int) []string {
	out := rank.Rank(rank.Input{Catalogue: e.cat, Learner: e.learner(u), Config: e.cfg,
		Request: rank.Request{Limit: k, Now: e.now, Seed: e.seed}})
	ids := make([]string, len(out.Entries))
	for i, en := range out.Entries {
		ids[i] = en.ItemID
	}
	return ids
}

// snapshotFrom assembles the engine's snapshot from the baselines' models, so
// the run trains each model once.
func snapshotFrom(ctx context.Context, t *trainSet, knn *model.Lists, f *model.Factors, ez *model.EASE, info map[string]ItemInfo, workers int) (*model.Snapshot, error) {
	s := &model.Snapshot{Built: unix(t.s.Now), Items: t.items, Users: t.users, Popularity: model.Popularity(t.m),
		CoEngagement: knn, Factors: f}
	var err error
	if f != nil {
		if s.Clusters, err = model.BuildClusters(ctx, f, 1, workers); err != nil {
			return nil, fmt.Errorf("clusters: %w", err)
		}
		if s.UserTop, err = model.TopForUsers(ctx, t.m, f, s.Clusters, 200, workers); err != nil {
			return nil, err
		}
	}
	if ez != nil {
		s.EASE = ez.Lists(50)
	}
	if len(info) > 0 {
		texts := make([]model.Text, 0, len(t.s.Items))
		for _, id := range t.s.Items {
			texts = append(texts, model.Text{ID: id, Title: info[id].Title, Topics: info[id].Topics})
		}
		if s.Similar, err = model.NewTFIDF(texts, t.items, model.ContentOptions{Workers: workers}).Similar(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}
