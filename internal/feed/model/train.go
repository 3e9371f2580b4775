package model

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// TrainData is what a snapshot is trained from.
type TrainData struct {
	// Rows are interactions, (learner, item, weight, time); a learner's rows for
	// one item add up.
	Rows []Row
	// Texts are the catalogue's items; every one gets an index (and content
	// neighbours) even without interactions.
	Texts []Text
	// Built is when the data ends; serving uses it to tell a learner whose
	// history changed since.
	Built time.Time
}

// Options choose and tune the models of a snapshot.
type Options struct {
	KNN     KNNOptions
	ALS     ALSOptions
	EASE    EASEOptions
	Content ContentOptions
	// NoALS, NoEASE and NoContent leave a model out; EASE is also left out,
	// without error, when the catalogue is above EASE.MaxItems.
	NoALS, NoEASE, NoContent bool
	EASEListLen              int // per item, the EASE weights kept (default 50)
	UserTop                  int // per trained learner, the latent candidates kept (default 200)
	Workers                  int // goroutines for every stage (default: one per core)
	Seed                     uint64
	// Progress, when set, is told each stage as it starts.
	Progress func(stage string)
}

// Train builds a snapshot: popularity, item-KNN, ALS with every trained
// learner's best items and the cluster index, EASE when the catalogue is small
// enough, and content similarity.
func Train(ctx context.Context, data TrainData, o Options) (*Snapshot, error) {
	stage := func(s string) {
		if o.Progress != nil {
			o.Progress(s)
		}
	}
	o.UserTop = max(o.UserTop, 0)
	if o.UserTop == 0 {
		o.UserTop = 200
	}
	if o.EASEListLen <= 0 {
		o.EASEListLen = 50
	}
	for _, w := range []*int{&o.KNN.Workers, &o.ALS.Workers, &o.EASE.Workers, &o.Content.Workers} {
		if *w == 0 {
			*w = o.Workers
		}
	}
	if o.ALS.Seed == 0 {
		o.ALS.Seed = o.Seed
	}
	b := NewBuilder()
	for _, t := range data.Texts {
		b.Items.Add(t.ID)
	}
	for _, r := range data.Rows {
		b.Add(r.User, r.Item, r.Weight, r.At)
	}
	stage("matrix")
	m := b.Build()
	s := &Snapshot{Built: data.Built, Items: b.Items, Users: b.Users, Popularity: Popularity(m)}
	var err error
	stage("item-knn")
	if s.CoEngagement, err = ItemKNN(ctx, m, o.KNN); err != nil {
		return nil, err
	}
	if !o.NoALS && m.NNZ() > 0 {
		stage("als")
		if s.Factors, err = ALS(ctx, m, o.ALS); err != nil {
			return nil, err
		}
		stage("clusters")
		if s.Clusters, err = BuildClusters(ctx, s.Factors, o.Seed, o.Workers); err != nil {
			return nil, fmt.Errorf("clusters: %w", err)
		}
		stage("latent candidates")
		if s.UserTop, err = TopForUsers(ctx, m, s.Factors, s.Clusters, o.UserTop, o.Workers); err != nil {
			return nil, err
		}
	}
	if !o.NoEASE && m.NCols <= o.EASE.withDefaults().MaxItems && m.NNZ() > 0 {
		stage("ease")
		e, err := TrainEASE(ctx, m, o.EASE)
		if err != nil && !errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		if e != nil {
			s.EASE = e.Lists(o.EASEListLen)
		}
	}
	if !o.NoContent && len(data.Texts) > 0 {
		stage("content")
		x := NewTFIDF(data.Texts, s.Items, o.Content)
		if s.Similar, err = x.Similar(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return s, nil
}

// TopForUsers finds every trained learner's best items by their factors, their
// own items left out.
func TopForUsers(ctx context.Context, m *Matrix, f *Factors, cl *Clusters, n, w int) (*Lists, error) {
	rows := make([][]Scored, m.Rows)
	w = workers(w)
	tops := make([]*TopK, w)
	for k := range tops {
		tops[k] = NewTopK(n)
	}
	err := parallel(ctx, m.Rows, w, 16, func(worker, lo, hi int) {
		for u := lo; u < hi; u++ {
			own, _ := m.Row(u)
			skip := func(i int32) bool { _, found := searchInt32(own, i); return found }
			rows[u] = append([]Scored(nil), f.Retrieve(f.User(int32(u)), cl, n, tops[worker], skip)...)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("latent candidates: %w", err)
	}
	b := newListBuilder(m.Rows, n)
	for _, r := range rows {
		b.add(r)
	}
	return &b.l, nil
}

// searchInt32 finds x in the sorted slice s.
func searchInt32(s []int32, x int32) (int, bool) {
	lo, hi := 0, len(s)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if s[h] < x {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo, lo < len(s) && s[lo] == x
}
