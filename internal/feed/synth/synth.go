// Package synth generates believable feed data with planted structure:
// learners with latent topic interests that drift over time, items with Zipf
// popularity and a hidden quality, creators, series watched in order, sessions
// and watch ratios. The same options give the same data.
//
// Tests and benchmarks of the feed use it as ground truth (a learner's planted
// interests are known, so a ranking can be judged against them), and it is
// plain enough for a seeding command to write through the stores.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Options size the data.
type Options struct {
	Learners, Items, Events int
	Topics                  int     // default 25
	Creators                int     // default Items/40, at least 3
	SeriesShare             float64 // share of items in series (default 0.15)
	Seed                    uint64
	// Start and End bound the events; most items are published before Start,
	// some (the fresh ones) during the period. Defaults: 60 days ending at End,
	// End defaulting to 2026-01-01.
	Start, End time.Time
}

// Item is a generated catalogue entry.
type Item struct {
	ID, Title, Description, Body string
	Kind                         string
	Topics                       []string
	CreatorID, CreatorName       string
	SeriesID, SeriesTitle        string
	Episode                      int
	Difficulty                   int
	DurationMS                   int64
	PublishedAt                  time.Time
	Quality                      float64 // hidden: how likely a matching learner finishes it
}

// Learner is a generated learner with their planted interests.
type Learner struct {
	ID        string
	Interests []float64 // per topic (Data.Topics order), summing to 1, before drift
	Drifted   []float64 // interests after the drift, in the second half of the period
	Follows   []string  // creator IDs
	Minor     bool
}

// Event is one generated interaction; Type uses the event log's names.
type Event struct {
	UserID, ItemID string
	Type           string
	At             time.Time
	WatchMS        int64
	Correct        bool
}

// Data is a generated set. Events are in time order.
type Data struct {
	Topics   []string
	Items    []Item
	Learners []Learner
	Events   []Event
}

func (o Options) withDefaults() Options {
	if o.Topics <= 0 {
		o.Topics = 25
	}
	if o.Creators <= 0 {
		o.Creators = max(3, o.Items/40)
	}
	if o.SeriesShare <= 0 {
		o.SeriesShare = 0.15
	}
	if o.End.IsZero() {
		o.End = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Start.IsZero() || !o.Start.Before(o.End) {
		o.Start = o.End.Add(-60 * 24 * time.Hour)
	}
	return o
}

// Generate makes a data set.
func Generate(o Options) *Data {
	o = o.withDefaults()
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	d := &Data{}
	for t := 0; t < o.Topics; t++ {
		d.Topics = append(d.Topics, fmt.Sprintf("topic-%02d", t))
	}
	g := &gen{o: o, rng: rng, d: d}
	g.items()
	g.learners()
	g.events()
	return d
}

type gen struct {
	o       Options
	rng     *rand.Rand
	d       *Data
	byTopic [][]int // items of each topic, most popular first
	creator []int   // main topic of each creator
}

func (g *gen) items() {
	o, rng, d := g.o, g.rng, g.d
	g.creator = make([]int, o.Creators)
	for c := range g.creator {
		g.creator[c] = rng.IntN(o.Topics)
	}
	span := o.End.Sub(o.Start)
	kinds := []string{"video", "video", "video", "lesson", "article", "quiz", "image"}
	for i := 0; i < o.Items; i++ {
		c := int(math.Min(float64(o.Creators-1), math.Floor(rng.ExpFloat64()*float64(o.Creators)/4)))
		t := g.creator[c]
		if rng.Float64() < 0.3 {
			t = rng.IntN(o.Topics)
		}
		topics := []string{d.Topics[t]}
		if rng.Float64() < 0.3 {
			if u := rng.IntN(o.Topics); u != t {
				topics = append(topics, d.Topics[u])
			}
		}
		// 90% published in the year before the period, 10% during it.
		pub := o.Start.Add(-time.Duration(rng.Float64() * float64(365*24*time.Hour)))
		if rng.Float64() < 0.1 {
			pub = o.Start.Add(time.Duration(rng.Float64() * float64(span)))
		}
		w := words[t%len(words)]
		it := Item{
			ID:          fmt.Sprintf("i%06d", i),
			Kind:        kinds[rng.IntN(len(kinds))],
			Topics:      topics,
			CreatorID:   fmt.Sprintf("c%04d", c),
			CreatorName: fmt.Sprintf("Creator %d", c),
			Difficulty:  1 + rng.IntN(5),
			DurationMS:  int64(30_000 + rng.IntN(570_000)),
			PublishedAt: pub.Truncate(time.Second),
			Quality:     betaish(rng),
		}
		it.Title = fmt.Sprintf("%s %s %d", capital(w[rng.IntN(len(w))]), w[rng.IntN(len(w))], i)
		it.Description = fmt.Sprintf("A short %s on %s and %s.", it.Kind, w[rng.IntN(len(w))], w[rng.IntN(len(w))])
		it.Body = fmt.Sprintf("%s %s %s %s %s", w[rng.IntN(len(w))], w[rng.IntN(len(w))], w[rng.IntN(len(w))], w[rng.IntN(len(w))], common[rng.IntN(len(common))])
		d.Items = append(d.Items, it)
	}
	// Series: runs of consecutive items of one creator.
	n := int(float64(o.Items) * o.SeriesShare)
	for s, i := 0, 0; i < n && i < o.Items; s++ {
		size := 3 + rng.IntN(6)
		sid := fmt.Sprintf("s%05d", s)
		first := d.Items[i]
		for e := 0; e < size && i < o.Items; e++ {
			it := &d.Items[i]
			it.SeriesID, it.SeriesTitle, it.Episode = sid, "Series "+first.Title, e+1
			it.CreatorID, it.CreatorName, it.Topics = first.CreatorID, first.CreatorName, first.Topics
			it.PublishedAt = first.PublishedAt.Add(time.Duration(e) * 24 * time.Hour)
			i++
		}
	}
	// Popularity: a random order per topic, sampled with Zipf.
	g.byTopic = make([][]int, o.Topics)
	for i, it := range d.Items {
		t := slices.Index(d.Topics, it.Topics[0])
		g.byTopic[t] = append(g.byTopic[t], i)
	}
	for _, l := range g.byTopic {
		rng.Shuffle(len(l), func(a, b int) { l[a], l[b] = l[b], l[a] })
	}
}

func (g *gen) learners() {
	o, rng, d := g.o, g.rng, g.d
	for u := 0; u < o.Learners; u++ {
		l := Learner{ID: fmt.Sprintf("u%05d", u), Interests: make([]float64, o.Topics), Minor: rng.Float64() < 0.1}
		k := 1 + rng.IntN(3)
		for j := 0; j < k; j++ {
			l.Interests[rng.IntN(o.Topics)] += 1 + rng.Float64()
		}
		normalise(l.Interests)
		l.Drifted = slices.Clone(l.Interests)
		if rng.Float64() < 0.3 { // a new interest appears halfway
			l.Drifted[rng.IntN(o.Topics)] += 0.5
			normalise(l.Drifted)
		}
		for j := 0; j < rng.IntN(4); j++ {
			l.Follows = append(l.Follows, fmt.Sprintf("c%04d", rng.IntN(o.Creators)))
		}
		d.Learners = append(d.Learners, l)
	}
}

// betaish is a quality in (0, 1) with most items in the middle.
func betaish(rng *rand.Rand) float64 {
	return (rng.Float64() + rng.Float64() + rng.Float64()) / 3
}

func normalise(v []float64) {
	var s float64
	for _, x := range v {
		s += x
	}
	for i := range v {
		v[i] /= s
	}
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
