package eval

import (
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// trainSet is the training side of a split in the shapes the models read.
type trainSet struct {
	s         *Split
	threshold float64
	items     *model.Dict   // index = position in s.Items
	users     *model.Dict   // index = position in s.Users
	m         *model.Matrix // users × items, each row's weight as the engine counts it
	usersOf   map[string]int
	topics    map[string][]string
}

// signals replays one training row as the engine sees it: a view, and a like
// when its weight is at or above the threshold, at the row's own time.
func signals(r Row, threshold float64) []rank.Interaction {
	at := unix(r.Time)
	out := []rank.Interaction{{ItemID: r.Item, Type: rank.View, At: at}}
	if r.Weight >= threshold {
		out = append(out, rank.Interaction{ItemID: r.Item, Type: rank.Like, At: at})
	}
	return out
}

func unix(t float64) time.Time {
	sec := int64(t)
	return time.Unix(sec, int64((t-float64(sec))*1e9)).UTC()
}

func newTrainSet(s *Split, threshold float64, info map[string]ItemInfo) *trainSet {
	t := &trainSet{s: s, threshold: threshold, usersOf: map[string]int{}, topics: map[string][]string{}}
	b := model.NewBuilder()
	for _, id := range s.Users {
		b.Users.Add(id)
	}
	for _, id := range s.Items {
		b.Items.Add(id)
		if len(info[id].Topics) > 0 {
			t.topics[id] = info[id].Topics
		}
	}
	for u, rows := range s.Train {
		seen := map[string]bool{}
		for _, r := range rows {
			var w float32
			for _, in := range signals(r, threshold) {
				w += rank.TrainingWeight(in)
			}
			b.Add(s.Users[u], r.Item, w, unix(r.Time))
			if !seen[r.Item] {
				seen[r.Item] = true
				t.usersOf[r.Item]++
			}
		}
	}
	t.m, t.items, t.users = b.Build(), b.Items, b.Users
	return t
}

// own returns user u's training items (sorted indexes) and their weights.
func (t *trainSet) own(u int) ([]int32, []float32) { return t.m.Row(u) }

// history is user u's training items, each with weight 1.
func (t *trainSet) history(u int) []model.Weighted {
	cols, _ := t.own(u)
	h := make([]model.Weighted, len(cols))
	for k, c := range cols {
		h[k] = model.Weighted{Item: c, Weight: 1}
	}
	return h
}

// skipOwn returns a filter of user u's training items.
func (t *trainSet) skipOwn(u int) func(int32) bool {
	cols, _ := t.own(u)
	return func(i int32) bool {
		lo, hi := 0, len(cols)
		for lo < hi {
			h := (lo + hi) / 2
			if cols[h] < i {
				lo = h + 1
			} else {
				hi = h
			}
		}
		return lo < len(cols) && cols[lo] == i
	}
}

func (t *trainSet) ids(s []model.Scored) []string {
	out := make([]string, len(s))
	for k, e := range s {
		out[k] = t.items.ID(e.ID)
	}
	return out
}
