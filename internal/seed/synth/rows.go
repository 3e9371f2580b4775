package synth

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/lyolearn/lyo/internal/events"
)

// Row is one learner's interaction with one item, as offline evaluation reads
// interaction data: when it began and how much it says the learner liked it.
type Row struct {
	Learner int
	Item    int
	At      time.Time // the impression
	// Weight is 1 (skipped or hidden), 2 (viewed less than half), 3 (viewed at
	// least half), 4 (completed) or 5 (completed and liked, saved, shared or
	// every quiz answer right), so a threshold of 4 keeps completions.
	Weight int
}

// Rows are the interactions of a History, one per item the learner skipped or
// viewed, in the order of their impressions.
func (g *Generator) Rows(h History) []Row {
	var out []Row
	at := map[int]int{} // item → its row
	wrong := map[int]bool{}
	for _, e := range h.Events {
		k, ok := at[e.Item]
		if !ok {
			if e.Type != events.Impression {
				continue
			}
			at[e.Item] = len(out)
			out = append(out, Row{Learner: e.Learner, Item: e.Item, At: e.At})
			continue
		}
		row := &out[k]
		switch e.Type {
		case events.Skip, events.Hide:
			row.Weight = max(row.Weight, 1)
		case events.View:
			w := 2
			if 2*e.WatchMS >= int64(g.items[e.Item].duration) {
				w = 3
			}
			row.Weight = max(row.Weight, w)
		case events.QuizAnswer:
			wrong[e.Item] = wrong[e.Item] || !e.Correct
		case events.Complete:
			row.Weight = 4
			if g.items[e.Item].questions > 0 && !wrong[e.Item] {
				row.Weight = 5
			}
		case events.Like, events.Save, events.Share:
			if row.Weight == 4 {
				row.Weight = 5
			}
		}
	}
	kept := out[:0]
	for _, row := range out {
		if row.Weight > 0 { // an impression the budget cut short says nothing
			kept = append(kept, row)
		}
	}
	return kept
}

// UserToken and ItemToken name learner i and item i in exported rows.
func UserToken(i int) string { return fmt.Sprintf("learner%d", i+1) }

// ItemToken names item i in exported rows.
func ItemToken(i int) string { return fmt.Sprintf("item%d", i+1) }

// WriteCSV writes every learner's rows as the plain CSV that `lyo eval --data`
// reads: a header line "user,item,timestamp,weight", then one line per row with
// the timestamp in Unix seconds, learners in index order and each learner's rows
// in time order. Learners' histories are made one at a time.
func (g *Generator) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString("user,item,timestamp,weight\n"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for h := range g.Histories() {
		for _, row := range g.Rows(h) {
			if _, err := fmt.Fprintf(bw, "%s,%s,%d,%d\n", UserToken(row.Learner), ItemToken(row.Item), row.At.Unix(), row.Weight); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
