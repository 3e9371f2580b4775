package feed

import (
	"cmp"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// State is one learner as a request sees them: the ranker's input and the
// account settings the answer's notice reads.
type State struct {
	Learner *rank.Learner
	Account Account
	Prefs   []TopicPref
	ResetAt time.Time
	Minor   bool
	// Recent is the stored history, newest first (profile figures read it).
	Recent []Event
}

// buildLearner turns a stored record into the ranker's view of the learner at
// now, reading item facts (durations, series) from the index.
func (s *Service) buildLearner(userID string, rec LearnerRecord, x *Index, now time.Time) *State {
	l := &rank.Learner{ID: userID, Items: make(map[string]rank.ItemState, len(rec.Items)+len(rec.Hidden)),
		Topics: make(map[string]float64, len(rec.Topics)), Creators: make(map[string]float64, len(rec.Creators)),
		Follows: rec.Follows, Blocked: rec.Blocked, Hidden: rec.Hidden}
	l.Minor = s.isMinor(rec.Account.BirthYear, now)
	if snap := x.Rank.Snapshot(); snap != nil && rec.ResetAt.After(snap.Built) {
		// The snapshot trained this learner on what they reset; under another
		// name it does not know them, so their vector is folded in from what
		// they did since.
		l.ID = userID + "#reset"
	}
	l.Recent = make([]rank.Interaction, 0, len(rec.Recent))
	for _, e := range slices.Backward(rec.Recent) {
		in := rank.Interaction{ItemID: e.ItemID, Type: rank.EventType(e.Type), At: e.At, Correct: e.Correct}
		if e.Type == string(rank.View) && e.WatchMS > 0 {
			if it, ok := x.Rank.Item(e.ItemID); ok && it.DurationMS > 0 {
				in.WatchRatio = float32(min(float64(e.WatchMS)/float64(it.DurationMS), 1))
			}
		}
		l.Recent = append(l.Recent, in)
	}
	furthest := map[string]int{}
	for _, st := range rec.Items {
		l.Items[st.ItemID] = rank.ItemState{LastAt: st.LastAt, Completed: st.Completed, Liked: st.Liked, Saved: st.Saved}
		if it, ok := x.Rank.Item(st.ItemID); ok && it.SeriesID != "" && it.Episode > furthest[it.SeriesID] {
			furthest[it.SeriesID] = it.Episode
		}
	}
	for _, e := range rec.Recent {
		if e.Type == string(rank.Skip) {
			st := l.Items[e.ItemID]
			st.Skipped = true
			l.Items[e.ItemID] = st
		}
	}
	for _, id := range rec.Hidden {
		st := l.Items[id]
		st.Hidden = true
		l.Items[id] = st
	}
	for id, ep := range furthest {
		l.Series = append(l.Series, rank.SeriesProgress{SeriesID: id, Episode: ep})
	}
	slices.SortFunc(l.Series, func(a, b rank.SeriesProgress) int { return cmp.Compare(a.SeriesID, b.SeriesID) })
	for k, v := range rec.Topics {
		l.Topics[k] = s.scale(v, now)
	}
	for k, v := range rec.Creators {
		l.Creators[k] = s.scale(v, now)
	}
	for _, p := range rec.Prefs {
		switch p.Pref {
		case PrefMute:
			l.Muted = append(l.Muted, p.Topic)
		case PrefBoost:
			l.Boosted = append(l.Boosted, p.Topic)
		}
	}
	return &State{Learner: l, Account: rec.Account, Prefs: rec.Prefs, ResetAt: rec.ResetAt, Minor: l.Minor, Recent: rec.Recent}
}
