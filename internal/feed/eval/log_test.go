package eval

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/rank"
	"github.com/lyolearn/lyo/internal/feed/synth"
)

// logRows turns generated events into rows the way the training job turns its
// event log into them.
func logRows(d *synth.Data) []Row {
	byUser := map[string]*LogRows{}
	var order []string
	for _, e := range d.Events {
		l := byUser[e.UserID]
		if l == nil {
			l = &LogRows{User: e.UserID}
			byUser[e.UserID] = l
			order = append(order, e.UserID)
		}
		l.Add(rank.Interaction{ItemID: e.ItemID, Type: rank.EventType(e.Type), At: e.At})
	}
	var rows []Row
	for _, u := range order {
		rows = append(rows, byUser[u].Rows()...)
	}
	return rows
}

// TestLogRows: one row per item at its first event, positive when any event
// was, and events that say nothing of interest make none.
func TestLogRows(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	l := &LogRows{User: "u"}
	l.Add(rank.Interaction{ItemID: "a", Type: rank.View, At: at.Add(time.Hour)})
	l.Add(rank.Interaction{ItemID: "b", Type: rank.View, At: at.Add(2 * time.Hour)})
	l.Add(rank.Interaction{ItemID: "a", Type: rank.Like, At: at})
	l.Add(rank.Interaction{ItemID: "c", Type: rank.Skip, At: at})
	l.Add(rank.Interaction{ItemID: "d", Type: rank.Save, At: at.Add(3 * time.Hour)})
	got := fmt.Sprint(l.Rows())
	want := fmt.Sprint([]Row{{"u", "a", float64(at.Unix()), 1}, {"u", "b", float64(at.Add(2 * time.Hour).Unix()), 0},
		{"u", "d", float64(at.Add(3 * time.Hour).Unix()), 1}})
	if got != want {
		t.Errorf("rows = %s, want %s", got, want)
	}
}

// TestTuneRowsOnALog: on a generated event log, tuning moves some weights and
// keeps them because they beat the defaults on validation; applying the knobs
// it reports gives its configuration back.
func TestTuneRowsOnALog(t *testing.T) {
	d := synth.Generate(synth.Options{Learners: 250, Items: 700, Events: 30000, Topics: 10, Seed: 21})
	info := map[string]ItemInfo{}
	for _, it := range d.Items {
		info[it.ID] = ItemInfo{Title: it.Title, Topics: it.Topics}
	}
	tuned, err := TuneRows(context.Background(), logRows(d), Options{Threshold: LogThreshold, Items: info,
		ALS: model.ALSOptions{Factors: 16, Iterations: 6}})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(tuned.Summary())
	if !tuned.Helps() || len(tuned.Knobs) == 0 {
		t.Fatalf("tuning on the log moves nothing that helps: %s", tuned.Summary())
	}
	cfg, unknown := ApplyKnobs(rank.DefaultConfig(), tuned.Knobs)
	if *cfg != *tuned.Config || len(unknown) != 0 {
		t.Errorf("the knobs %v applied to the defaults differ from the tuned configuration (unknown: %v)", tuned.Knobs, unknown)
	}
	if *cfg == *rank.DefaultConfig() {
		t.Error("the tuned configuration is the default one")
	}
	if _, unknown := ApplyKnobs(rank.DefaultConfig(), map[string]float64{"no_such_knob": 1}); len(unknown) != 1 {
		t.Errorf("an unknown knob is not reported: %v", unknown)
	}
}

// TestTuneRowsKeepsDefaultsWhenNothingHelps: when every validation positive is
// an item no one had before (nothing the weights could find), no weight moves.
func TestTuneRowsKeepsDefaultsWhenNothingHelps(t *testing.T) {
	at := 1.7e9
	var rows []Row
	for u := range 60 {
		user := fmt.Sprintf("u%d", u)
		for k := range 8 {
			rows = append(rows, Row{User: user, Item: fmt.Sprintf("shared%d", (u+k)%20), Time: at + float64(k), Weight: 1})
		}
		// The last fifth, held for validation: items of this learner alone.
		rows = append(rows, Row{User: user, Item: user + "-own1", Time: at + 10, Weight: 1},
			Row{User: user, Item: user + "-own2", Time: at + 11, Weight: 1})
	}
	tuned, err := TuneRows(context.Background(), rows, Options{Threshold: LogThreshold,
		ALS: model.ALSOptions{Factors: 8, Iterations: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if tuned.Helps() || len(tuned.Knobs) != 0 || *tuned.Config != *rank.DefaultConfig() {
		t.Errorf("tuning moved weights where nothing can be found: %s", tuned.Summary())
	}
}

// BenchmarkTuneRowsSample is the training job's tuning on the sample it
// draws from a log of 10k learners, 100k items and 1M events: its learners
// with their events (a hundred each) over the whole catalogue, EASE left out
// as the served snapshot leaves it out at that size.
func BenchmarkTuneRowsSample(b *testing.B) {
	for _, n := range []int{500, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchmarkTune(b, n) })
	}
}

func benchmarkTune(b *testing.B, learners int) {
	d := synth.Generate(synth.Options{Learners: learners, Items: 100_000, Events: 100 * learners, Seed: 5})
	rows := logRows(d)
	info := map[string]ItemInfo{}
	for _, it := range d.Items {
		info[it.ID] = ItemInfo{Title: it.Title, Topics: it.Topics}
	}
	b.ResetTimer()
	for range b.N {
		tuned, err := TuneRows(context.Background(), rows, Options{Threshold: LogThreshold, Items: info,
			EASE: model.EASEOptions{MaxItems: 1}})
		if err != nil {
			b.Fatal(err)
		}
		b.Log(tuned.Summary())
	}
}
