package eval

import (
	"cmp"
	"slices"
)

// Split is the protocol's division of a data set.
type Split struct {
	Users []string // every user, in order of first appearance
	// Train holds each user's training rows in time order (ties keep file
	// order); Held their held-out rows.
	Train, Held [][]Row
	// Positives are, per user, the held-out items at or above the threshold
	// that the user has no training row for (each once); Scored lists the
	// users with at least one, who are the ones evaluated.
	Positives [][]string
	Scored    []int
	// Items is the training catalogue: every item with a training row, in
	// order of first appearance.
	Items []string
	// Now is the last training timestamp: when the lists are asked for.
	Now float64
}

// SplitRows applies the protocol: per user, rows sorted by timestamp (stable),
// the last floor(n/5) rows, at least one, held out and the rest training.
func SplitRows(rows []Row, threshold float64) *Split {
	s := &Split{}
	index := map[string]int{}
	var byUser [][]Row
	for _, r := range rows {
		u, ok := index[r.User]
		if !ok {
			u = len(s.Users)
			index[r.User] = u
			s.Users = append(s.Users, r.User)
			byUser = append(byUser, nil)
		}
		byUser[u] = append(byUser[u], r)
	}
	s.Train = make([][]Row, len(s.Users))
	s.Held = make([][]Row, len(s.Users))
	s.Positives = make([][]string, len(s.Users))
	seenItem := map[string]bool{}
	first := true
	for u, rs := range byUser {
		slices.SortStableFunc(rs, func(a, b Row) int { return cmp.Compare(a.Time, b.Time) })
		held := max(1, len(rs)/5)
		s.Train[u], s.Held[u] = rs[:len(rs)-held], rs[len(rs)-held:]
		own := map[string]bool{}
		for _, r := range s.Train[u] {
			own[r.Item] = true
			if first || r.Time > s.Now {
				s.Now, first = r.Time, false
			}
		}
		for _, r := range s.Held[u] {
			if r.Weight >= threshold && !own[r.Item] && !slices.Contains(s.Positives[u], r.Item) {
				s.Positives[u] = append(s.Positives[u], r.Item)
			}
		}
		if len(s.Positives[u]) > 0 {
			s.Scored = append(s.Scored, u)
		}
	}
	// The catalogue: items with a training row, in order of first appearance
	// in the file.
	trained := map[string]bool{}
	for _, rs := range s.Train {
		for _, r := range rs {
			trained[r.Item] = true
		}
	}
	for _, r := range rows {
		if trained[r.Item] && !seenItem[r.Item] {
			seenItem[r.Item] = true
			s.Items = append(s.Items, r.Item)
		}
	}
	return s
}
