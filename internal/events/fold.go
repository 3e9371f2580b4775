package events

import (
	"math"
	"time"
)

// Affinity decays with this half-life: an interest shown two weeks ago counts half.
const HalfLife = 14 * 24 * time.Hour

// epoch is T0 of the normalised scores. float64 holds 2^((t−T0)/HalfLife) for
// about 39 years either side.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Weights say how much each event shows interest in an item's topics and creator.
// They reward learning signals (completion, saves, quiz attempts) over mere
// exposure; an impression alone says nothing.
var weights = map[Type]float64{
	Impression: 0,
	View:       0.2, // plus up to 0.8 for the share of the item watched
	Complete:   1.0,
	Like:       1.0,
	Unlike:     -1.0,
	Save:       1.5,
	Unsave:     -1.5,
	Share:      1.0,
	Skip:       -0.5,
	Hide:       -3.0,
	QuizAnswer: 0.7, // plus 0.5 when right
}

// Scale turns a normalised score into its value at time t.
func Scale(normalised float64, t time.Time) float64 {
	return normalised * math.Exp2(-t.Sub(epoch).Hours()/HalfLife.Hours())
}

func normalise(w float64, at time.Time) float64 {
	return w * math.Exp2(at.Sub(epoch).Hours()/HalfLife.Hours())
}

// Fold computes what events add to the aggregates, given what the learner's
// earlier events counted against the caps (prior; nil for none). facts describe
// the items; an event whose item has no facts adds nothing (validation rejects
// those first). Events apply in order, so a like then an unlike in one batch
// leaves it unliked, and the first events of a key count up to its cap (see
// caps). prior is not changed: the returned Deltas carry what these events add
// to it.
func Fold(prior Tallies, evs []Event, facts map[string]ItemFacts) Deltas {
	d := Deltas{Items: map[string]ItemCounts{}, Topics: map[string]float64{}, Creators: map[string]float64{},
		UserItems: map[string]UserItemDelta{}, Tallies: Tallies{}}
	for _, e := range evs {
		f, ok := facts[e.ItemID]
		if !ok {
			continue
		}
		c := d.Items[e.ItemID]
		u := d.UserItems[e.ItemID]
		if u.FirstAt.IsZero() || e.At.Before(u.FirstAt) {
			u.FirstAt = e.At
		}
		if e.At.After(u.LastAt) {
			u.LastAt = e.At
		}
		// States follow every event, counted or not.
		switch e.Type {
		case Complete:
			u.Completed = true
		case Like, Unlike:
			v := e.Type == Like
			u.Liked = &v
		case Save, Unsave:
			v := e.Type == Save
			u.Saved = &v
		case Hide:
			at := e.At
			u.HiddenAt = &at
		}
		d.UserItems[e.ItemID] = u
		if k, n := keyOf(e); n > 0 {
			if prior[k]+d.Tallies[k] >= n {
				if d.Uncounted == nil {
					d.Uncounted = map[string]bool{}
				}
				d.Uncounted[e.ClientID] = true
				continue
			}
			d.Tallies[k]++
		}
		w := weights[e.Type]
		switch e.Type {
		case Impression:
			c.Impressions++
			u.Impressions++
		case View:
			c.Views++
			u.Views++
			c.WatchMS += e.WatchMS
			u.WatchMS += e.WatchMS
			if f.DurationMS > 0 {
				w += 0.8 * math.Min(1, float64(e.WatchMS)/float64(f.DurationMS))
			}
		case Complete:
			c.Completions++
		case Share:
			c.Shares++
		case Skip:
			c.Skips++
		case Hide:
			c.Hides++
		case QuizAnswer:
			c.QuizAnswers++
			if e.Correct != nil && *e.Correct {
				c.QuizCorrect++
				w += 0.5
			}
		}
		d.Items[e.ItemID] = c
		d.UserItems[e.ItemID] = u
		if w != 0 {
			n := normalise(w, e.At)
			for _, t := range f.Topics {
				d.Topics[t] += n / float64(len(f.Topics))
			}
			if f.CreatorID != "" {
				d.Creators[f.CreatorID] += n
			}
		}
	}
	return d
}

// Aggregates is everything ingestion keeps for one learner, plus their share of
// the item totals.
type Aggregates struct {
	Items     map[string]ItemCounts // this learner's contribution, Likes and Saves included
	Topics    map[string]float64
	Creators  map[string]float64
	UserItems map[string]UserItem
}

// Recompute rebuilds a learner's aggregates from their raw log (in ingestion
// order) and the facts of the items in it, the caps applied from the start. Ingestion must keep exactly this.
func Recompute(evs []Event, facts map[string]ItemFacts) Aggregates {
	d := Fold(nil, evs, facts)
	a := Aggregates{Items: d.Items, Topics: d.Topics, Creators: d.Creators, UserItems: map[string]UserItem{}}
	for id, u := range d.UserItems {
		st := UserItem{ItemID: id, FirstAt: u.FirstAt, LastAt: u.LastAt, Impressions: u.Impressions, Views: u.Views,
			WatchMS: u.WatchMS, Completed: u.Completed, Liked: u.Liked != nil && *u.Liked, Saved: u.Saved != nil && *u.Saved}
		a.UserItems[id] = st
		c := a.Items[id]
		if st.Liked {
			c.Likes = 1
		}
		if st.Saved {
			c.Saves = 1
		}
		a.Items[id] = c
	}
	return a
}
