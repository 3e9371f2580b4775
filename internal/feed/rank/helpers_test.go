package rank

import (
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/synth"
)

// world is generated data turned into what serving would hand Rank.
type world struct {
	data    *synth.Data
	items   []Item
	cat     *Catalogue
	now     time.Time
	events  map[string][]synth.Event // per learner, in time order
	learner map[string]*synth.Learner
}

// newWorld generates data and indexes it, with snap bound (may be nil).
func newWorld(o synth.Options, build func(*synth.Data) *model.Snapshot) *world {
	d := synth.Generate(o)
	w := &world{data: d, events: map[string][]synth.Event{}, learner: map[string]*synth.Learner{}}
	for i := range d.Learners {
		w.learner[d.Learners[i].ID] = &d.Learners[i]
	}
	for _, e := range d.Events {
		w.events[e.UserID] = append(w.events[e.UserID], e)
	}
	w.now = d.Events[len(d.Events)-1].At.Add(time.Minute)
	w.items = newWorldFrom(d.Items, d.Events, w.now)
	var snap *model.Snapshot
	if build != nil {
		snap = build(d)
	}
	w.cat = NewCatalogue(w.items, snap, CatalogueOptions{Now: w.now})
	return w
}

// state replays a learner's events into the state serving would load.
func (w *world) state(id string, evs []synth.Event) *Learner {
	l := &Learner{ID: id, Items: map[string]ItemState{}, Topics: map[string]float64{}, Creators: map[string]float64{}}
	if sl := w.learner[id]; sl != nil {
		l.Follows = sl.Follows
	}
	for _, e := range evs {
		it, _ := w.cat.Item(e.ItemID)
		in := Interaction{ItemID: e.ItemID, Type: EventType(e.Type), At: e.At, Correct: e.Correct}
		if e.Type == "view" && it.DurationMS > 0 {
			in.WatchRatio = float32(min(1, float64(e.WatchMS)/float64(it.DurationMS)))
		}
		l.Recent = append(l.Recent, in)
		st := l.Items[e.ItemID]
		st.LastAt = e.At
		switch e.Type {
		case "complete":
			st.Completed = true
		case "like":
			st.Liked = true
		case "save":
			st.Saved = true
		case "skip":
			st.Skipped = true
		}
		l.Items[e.ItemID] = st
		wt := float64(positive(in) + viewed(in))
		for _, t := range it.Topics {
			l.Topics[t] += wt / float64(len(it.Topics))
		}
		l.Creators[it.CreatorID] += wt
	}
	if len(l.Recent) > 300 {
		l.Recent = l.Recent[len(l.Recent)-300:]
	}
	return l
}

// newWorldFrom indexes generated items with counts and 24h trending computed
// from evs as of now.
func newWorldFrom(items []synth.Item, evs []synth.Event, now time.Time) []Item {
	counts := map[string]*Counts{}
	var buckets []Bucket
	for _, e := range evs {
		c := counts[e.ItemID]
		if c == nil {
			c = &Counts{}
			counts[e.ItemID] = c
		}
		b := Bucket{ItemID: e.ItemID, Start: e.At.Truncate(time.Hour), Span: time.Hour}
		switch e.Type {
		case "view":
			c.Views++
			c.Impressions++
			b.Views = 1
		case "complete":
			c.Completions++
			b.Completions = 1
		case "like":
			c.Likes++
			b.Likes = 1
		case "save":
			c.Saves++
			b.Saves = 1
		case "share":
			c.Shares++
			b.Shares = 1
		case "skip":
			c.Skips++
		case "quiz_answer":
			c.QuizAnswers++
			if e.Correct {
				c.QuizCorrect++
			}
		}
		if now.Sub(e.At) < 7*24*time.Hour {
			buckets = append(buckets, b)
		}
	}
	trend := map[string]float64{}
	for _, t := range Trending(buckets, WindowDay, now, 0) {
		trend[t.ItemID] = t.Score
	}
	out := make([]Item, 0, len(items))
	for _, it := range items {
		ri := Item{ID: it.ID, Title: it.Title, Kind: it.Kind, CreatorID: it.CreatorID, CreatorName: it.CreatorName,
			Topics: it.Topics, SeriesID: it.SeriesID, SeriesTitle: it.SeriesTitle, Episode: it.Episode,
			Difficulty: it.Difficulty, DurationMS: it.DurationMS, PublishedAt: it.PublishedAt, Visible: !it.PublishedAt.After(now),
			Trending: trend[it.ID]}
		if c := counts[it.ID]; c != nil {
			ri.Counts = *c
		}
		out = append(out, ri)
	}
	return out
}
