package eval

import "github.com/lyolearn/lyo/internal/feed/rank"

// LogThreshold is the threshold of rows made by LogRows: a positive row
// weighs 1, a row of views alone 0.
const LogThreshold = 1

// LogRows turns one learner's events into rows as an interaction file holds
// them, the inverse of how the protocol replays a row (signals): one row per
// item, at its first event, weighing 1 when any of its events is a positive
// interaction (finishing, liking, saving, sharing) and 0 when there were only
// views. Events that say nothing of interest (skips, hides, quiz answers) make
// no row.
type LogRows struct {
	User  string
	rows  []Row
	index map[string]int
}

// Add counts one of the learner's events.
func (l *LogRows) Add(in rank.Interaction) {
	var w float64
	switch in.Type {
	case rank.View:
	case rank.Complete, rank.Like, rank.Save, rank.Share:
		w = 1
	default:
		return
	}
	if l.index == nil {
		l.index = map[string]int{}
	}
	at := float64(in.At.UnixNano()) / 1e9
	if k, ok := l.index[in.ItemID]; ok {
		l.rows[k].Weight = max(l.rows[k].Weight, w)
		l.rows[k].Time = min(l.rows[k].Time, at)
		return
	}
	l.index[in.ItemID] = len(l.rows)
	l.rows = append(l.rows, Row{User: l.User, Item: in.ItemID, Time: at, Weight: w})
}

// Rows returns the rows made so far.
func (l *LogRows) Rows() []Row { return l.rows }
