package feed

import (
	"context"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Explanation is the whole story of one learner's next page, for admins: every
// candidate with its sources, features, predicted scores, final position, and
// the filter or cap that dropped it.
type Explanation struct {
	UserID   string
	Built    time.Time // when the catalogue index was built
	Snapshot int64     // the model version bound to it (0: none)
	Weights  *Weights  // the ranking weights in force, stored with the snapshot
	Entries  []Entry
	Trace    *rank.Trace
	Titles   map[string]string // item ID → title, for every traced item
}

// Explain ranks the learner's next page as a new feed session would, with the
// trace. It changes nothing: no session starts and no cache is filled.
func (s *Service) Explain(ctx context.Context, userID string, limit int) (Explanation, error) {
	now := s.now().UTC()
	x := s.cat.Current()
	rec, err := s.store.LearnerRecord(ctx, userID, s.recent)
	if err != nil {
		return Explanation{}, err
	}
	st := s.buildLearner(userID, rec, x, now)
	out := rank.Rank(rank.Input{Catalogue: x.Rank, Learner: st.Learner, Config: x.config(s.cfg),
		Request: rank.Request{Limit: limit, Mode: rank.ForYou, Now: now, Seed: seedOf("explain:" + userID), Explain: true}})
	e := Explanation{UserID: userID, Built: x.Built, Snapshot: x.Snapshot, Weights: x.weights(), Trace: out.Trace, Titles: map[string]string{}}
	for _, en := range out.Entries {
		if sum, ok := x.Summary(en.ItemID); ok {
			e.Entries = append(e.Entries, Entry{Item: sum, Explanation: en.Explanation, Source: string(en.Source)})
		}
	}
	if out.Trace != nil {
		for _, c := range out.Trace.Candidates {
			if sum, ok := x.Summary(c.ItemID); ok {
				e.Titles[c.ItemID] = sum.Title
			}
		}
	}
	return e, nil
}
