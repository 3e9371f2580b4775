package events

import "context"

// Hidden pages a learner's hidden items, newest first.
func (s *Service) Hidden(ctx context.Context, userID string, after Hidden, limit int) ([]Hidden, bool, error) {
	list, err := s.store.HiddenItems(ctx, userID, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	if len(list) > limit {
		return list[:limit], true, nil
	}
	return list, false, nil
}

// Unhide lets a hidden item back into the learner's feed; ErrNotFound when it
// was not hidden.
func (s *Service) Unhide(ctx context.Context, userID, itemID string) error {
	return s.store.Unhide(ctx, userID, itemID)
}

// hiddenAll reads a learner's whole hidden list, for their export.
func (s *Service) hiddenAll(ctx context.Context, userID string) ([]HiddenView, error) {
	out := []HiddenView{}
	for after := (Hidden{}); ; {
		page, err := s.store.HiddenItems(ctx, userID, after, 100)
		if err != nil {
			return nil, err
		}
		for _, h := range page {
			out = append(out, HiddenView{ItemID: h.ItemID, HiddenAt: h.HiddenAt.UTC()})
		}
		if len(page) < 100 {
			return out, nil
		}
		after = page[len(page)-1]
	}
}
