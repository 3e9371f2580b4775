package content

import (
	"context"
	"slices"
	"strings"
)

// Export is what the catalogue holds about a user, for their data export.
func (s *Service) Export(ctx context.Context, userID string) (any, error) {
	a := Actor{UserID: userID}
	var items []ItemView
	for before := ""; ; {
		page, err := s.store.ListItems(ctx, ItemQuery{CreatorID: userID, Statuses: []Status{Draft, Published, Removed}, BeforeID: before, Limit: 100})
		if err != nil {
			return nil, err
		}
		// Lists carry summaries; the export is the whole of each item.
		ids := make([]string, len(page))
		for i, sm := range page {
			ids[i] = sm.ID
		}
		full, err := s.store.ItemsByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(full, func(x, y Item) int { return strings.Compare(y.ID, x.ID) })
		for _, it := range full {
			items = append(items, NewItemView(it, a))
		}
		if len(page) < 100 {
			break
		}
		before = page[len(page)-1].ID
	}
	var series []SeriesView
	for before := ""; ; {
		page, err := s.store.ListSeries(ctx, userID, []Status{Draft, Published, Removed}, before, 100)
		if err != nil {
			return nil, err
		}
		for _, sr := range page {
			series = append(series, NewSeriesView(sr, a))
		}
		if len(page) < 100 {
			break
		}
		before = page[len(page)-1].ID
	}
	var following []EdgeView
	q := EdgeQuery{UserID: userID, Limit: 100}
	for {
		page, err := s.store.Follows(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			following = append(following, EdgeView{UserID: e.UserID, CreatorID: e.CreatorID, Since: e.CreatedAt.UTC()})
		}
		if len(page) < 100 {
			break
		}
		q.AfterAt, q.AfterID = page[len(page)-1].CreatedAt, page[len(page)-1].CreatorID
	}
	blocked, err := s.store.Blocked(ctx, userID)
	if err != nil {
		return nil, err
	}
	var blockedViews []EdgeView
	for _, e := range blocked {
		blockedViews = append(blockedViews, EdgeView{UserID: e.UserID, CreatorID: e.CreatorID, Since: e.CreatedAt.UTC()})
	}
	return map[string]any{"items": orEmpty(items), "series": orEmpty(series), "following": orEmpty(following),
		"blocked": orEmpty(blockedViews)}, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// DeleteUserData removes everything the catalogue holds for a user: their items,
// series, follows and blocks.
func (s *Service) DeleteUserData(ctx context.Context, userID string) error {
	if err := s.store.DeleteUserContentData(ctx, userID); err != nil {
		return err
	}
	return s.store.DeleteItemsByCreator(ctx, userID)
}
