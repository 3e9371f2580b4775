package feed

import (
	"context"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Next returns the episode of a series the learner should watch next: the
// first one they have not finished after the furthest they finished, skipping
// episodes they hid and ones not published. ErrNotFound when the series is
// unknown or has nothing published, and a fault refining it when the learner
// has finished it.
func (s *Service) Next(ctx context.Context, c access.Caller, seriesID string) (Entry, error) {
	now := s.now().UTC()
	x := s.cat.Current()
	var eps []string
	for _, id := range x.Episodes(seriesID) {
		if x.visible(id) {
			eps = append(eps, id)
		}
	}
	if len(eps) == 0 {
		return Entry{}, fault.New(ErrNotFound, "not_found", "no published series has this id")
	}
	st, _, _, err := s.learner(ctx, c.UserID, x, now)
	if err != nil {
		return Entry{}, err
	}
	items := st.Learner.Items
	from := 0
	for k, id := range eps {
		if items[id].Completed {
			from = k + 1
		}
	}
	for _, id := range eps[from:] {
		if st := items[id]; st.Completed || st.Hidden {
			continue
		}
		sum, _ := x.Summary(id)
		title := ""
		if sum.Series != nil {
			title = sum.Series.Title
		}
		reason := rank.Reason{Kind: rank.NextIn, SeriesID: seriesID, SeriesTitle: title, Episode: sum.Episode}
		return Entry{Item: sum, Explanation: reason.Text(), Source: string(rank.SourceSeries)}, nil
	}
	return Entry{}, fault.New(ErrNotFound, "series_finished", "you have finished every published episode of this series")
}
