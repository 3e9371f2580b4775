package eval

import (
	"testing"

	"github.com/lyolearn/lyo/internal/feed/synth"
)

// generated turns synthetic events into the rows of an interaction file: one
// row per (learner, item) exposure at its first event, rated 5 when finished
// and liked, 4 when finished, 2 otherwise, with topics as an item file would
// give them.
func generated(t testing.TB) ([]Row, map[string]ItemInfo) {
	t.Helper()
	return generatedWith(synth.Options{Learners: 250, Items: 700, Events: 30000, Topics: 10, Seed: 21})
}

// generatedWith is generated for any generator options.
func generatedWith(o synth.Options) ([]Row, map[string]ItemInfo) {
	d := synth.Generate(o)
	type key struct{ u, i string }
	at := map[key]float64{}
	rating := map[key]float64{}
	var order []key
	for _, e := range d.Events {
		k := key{e.UserID, e.ItemID}
		if _, ok := at[k]; !ok {
			at[k] = float64(e.At.Unix())
			rating[k] = 2
			order = append(order, k)
		}
		switch e.Type {
		case "complete":
			rating[k] = max(rating[k], 4)
		case "like":
			if rating[k] >= 4 {
				rating[k] = 5
			}
		}
	}
	rows := make([]Row, 0, len(order))
	for _, k := range order {
		rows = append(rows, Row{User: k.u, Item: k.i, Time: at[k], Weight: rating[k]})
	}
	info := map[string]ItemInfo{}
	for _, it := range d.Items {
		info[it.ID] = ItemInfo{Title: it.Title, Topics: it.Topics}
	}
	return rows, info
}
