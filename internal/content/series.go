package content

import (
	"context"
	"errors"
	"fmt"

	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/id"
)

// SeriesInput is the body of series create and update.
type SeriesInput struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Status      *Status `json:"status"`
}

func (in SeriesInput) apply(sr *Series, creating bool) error {
	var bad fault.Invalid
	text(&bad, "title", in.Title, maxTitle, creating, &sr.Title)
	if in.Title != nil && sr.Title == "" && !creating {
		bad.Add("title", "must not be empty")
	}
	text(&bad, "description", in.Description, maxDescription, false, &sr.Description)
	if in.Status != nil {
		if *in.Status != Draft && *in.Status != Published {
			bad.Add("status", "use draft or published")
		}
		sr.Status = *in.Status
	}
	return bad.Err()
}

// CreateSeries starts a series owned by a.
func (s *Service) CreateSeries(ctx context.Context, a Actor, in SeriesInput) (Series, error) {
	now := s.now().UTC()
	sr := Series{ID: id.New(now), CreatorID: a.UserID, Status: Draft, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(&sr, true); err != nil {
		return Series{}, err
	}
	if err := s.store.CreateSeries(ctx, sr); err != nil {
		return Series{}, fmt.Errorf("create series: %w", err)
	}
	return sr, nil
}

// GetSeries returns a series a may see.
func (s *Service) GetSeries(ctx context.Context, a Actor, seriesID string) (Series, error) {
	sr, err := s.store.SeriesByID(ctx, seriesID)
	if err != nil {
		return Series{}, err
	}
	if sr.Status != Published && sr.CreatorID != a.UserID && !isModerator(a) {
		return Series{}, ErrNotFound
	}
	return sr, nil
}

// ownSeries returns a series only to its creator.
func (s *Service) ownSeries(ctx context.Context, a Actor, seriesID string) (Series, error) {
	sr, err := s.store.SeriesByID(ctx, seriesID)
	if err != nil {
		return Series{}, err
	}
	if sr.CreatorID != a.UserID {
		return Series{}, ErrNotFound
	}
	return sr, nil
}

// UpdateSeries edits a's own series; check and the retry of an edit that lost
// a race work as in Update.
func (s *Service) UpdateSeries(ctx context.Context, a Actor, seriesID string, in SeriesInput, check func(Series) error) (Series, error) {
	for attempt := 1; ; attempt++ {
		sr, err := s.updateSeries(ctx, a, seriesID, in, check)
		if !errors.Is(err, ErrPreconditionFailed) || check != nil {
			return sr, err
		}
		if attempt == maxAttempts {
			return Series{}, fault.New(ErrConflict, "edit_conflict", "others were editing this series at the same time; try again")
		}
	}
}

func (s *Service) updateSeries(ctx context.Context, a Actor, seriesID string, in SeriesInput, check func(Series) error) (Series, error) {
	sr, err := s.ownSeries(ctx, a, seriesID)
	if err != nil {
		return Series{}, err
	}
	if check != nil {
		if err := check(sr); err != nil {
			return Series{}, err
		}
	}
	if err := in.apply(&sr, false); err != nil {
		return Series{}, err
	}
	sr.UpdatedAt = s.now().UTC()
	if err := s.store.UpdateSeries(ctx, sr); err != nil {
		return Series{}, fmt.Errorf("update series %s: %w", sr.ID, err)
	}
	sr.Version++
	return sr, nil
}

// DeleteSeries removes a's own series; its items stay, outside any series.
func (s *Service) DeleteSeries(ctx context.Context, a Actor, seriesID string) error {
	if _, err := s.ownSeries(ctx, a, seriesID); err != nil {
		return err
	}
	return s.store.DeleteSeries(ctx, seriesID)
}

// SetEpisodes orders a's own items as the series' episodes.
func (s *Service) SetEpisodes(ctx context.Context, a Actor, seriesID string, itemIDs []string) (Series, error) {
	if _, err := s.ownSeries(ctx, a, seriesID); err != nil {
		return Series{}, err
	}
	if len(itemIDs) > 1000 {
		return Series{}, fault.Invalidf("item_ids", "at most 1000 episodes")
	}
	items, err := s.store.ItemsByIDs(ctx, itemIDs)
	if err != nil {
		return Series{}, err
	}
	own := map[string]bool{}
	for _, it := range items {
		own[it.ID] = it.CreatorID == a.UserID
	}
	if dup := RepeatedID(itemIDs); dup != "" {
		return Series{}, fault.Invalidf("item_ids", "an item appears twice: %s", dup)
	}
	for _, itemID := range itemIDs {
		if !own[itemID] {
			return Series{}, fault.Invalidf("item_ids", "no item of yours has the id %s", itemID)
		}
	}
	if err := s.store.SetEpisodes(ctx, seriesID, itemIDs, s.now().UTC()); err != nil {
		return Series{}, err
	}
	return s.store.SeriesByID(ctx, seriesID)
}

// ListSeries pages published series (and a's own drafts when listing their own).
func (s *Service) ListSeries(ctx context.Context, a Actor, creatorID, beforeID string, limit int) ([]Series, bool, error) {
	statuses := []Status{Published}
	if creatorID != "" && creatorID == a.UserID {
		statuses = append(statuses, Draft)
	}
	list, err := s.store.ListSeries(ctx, creatorID, statuses, beforeID, limit+1)
	if err != nil {
		return nil, false, err
	}
	if len(list) > limit {
		return list[:limit], true, nil
	}
	return list, false, nil
}

// VisibleEpisodes lists the IDs of the episodes a may see, in order: every one
// for the series' creator and moderators, the published ones for anyone else,
// so a published series does not leak its drafts.
func VisibleEpisodes(a Actor, sr Series) []string {
	all := sr.CreatorID == a.UserID || isModerator(a)
	out := make([]string, 0, len(sr.Episodes))
	for _, e := range sr.Episodes {
		if all || e.Status == Published {
			out = append(out, e.ItemID)
		}
	}
	return out
}

// SeriesProgress is a learner's way through a series.
type SeriesProgress struct {
	SeriesID   string   `json:"series_id"`
	Episodes   int      `json:"episodes"`
	Completed  int      `json:"completed"`
	Percent    int      `json:"percent"`
	Done       []string `json:"completed_item_ids"`
	NextItemID string   `json:"next_item_id,omitempty"` // the first episode not completed
}

// Progress reports a's progress through a series they can see.
func (s *Service) Progress(ctx context.Context, a Actor, seriesID string) (SeriesProgress, error) {
	sr, err := s.GetSeries(ctx, a, seriesID)
	if err != nil {
		return SeriesProgress{}, err
	}
	episodes := VisibleEpisodes(a, sr)
	done, err := s.progress.Completed(ctx, a.UserID, episodes)
	if err != nil {
		return SeriesProgress{}, fmt.Errorf("series progress: %w", err)
	}
	p := SeriesProgress{SeriesID: sr.ID, Episodes: len(episodes), Done: []string{}}
	for _, itemID := range episodes {
		if done[itemID] {
			p.Completed++
			p.Done = append(p.Done, itemID)
		} else if p.NextItemID == "" {
			p.NextItemID = itemID
		}
	}
	if p.Episodes > 0 {
		p.Percent = p.Completed * 100 / p.Episodes
	}
	return p, nil
}

// errNotCreator answers a follow or block of someone who is not a creator (or
// does not exist): the same answer either way, so neither leaks.
var errNotCreator = fault.New(ErrNotFound, "not_found", "no creator has this id")
