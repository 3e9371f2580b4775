package media

import (
	"context"
	"slices"
)

// exportPage is how many records export and deletion read at a time.
const exportPage = 200

// Export lists every media file of a user, with URLs, for the account export.
func (s *Service) Export(ctx context.Context, userID string) (any, error) {
	out := []View{}
	err := s.eachOwned(ctx, userID, func(m Media) error {
		v, err := s.View(ctx, m)
		out = append(out, v)
		return err
	})
	return out, err
}

// DeleteUserData removes every media file of a user, objects included, for
// account deletion.
func (s *Service) DeleteUserData(ctx context.Context, userID string) error {
	ups, err := s.store.UploadsByOwner(ctx, userID)
	if err != nil {
		return err
	}
	for _, u := range ups {
		s.abandon(ctx, u)
	}
	for {
		page, err := s.store.MediaByOwner(ctx, userID, "", exportPage)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, m := range page {
			if err := s.remove(ctx, m.ID); err != nil && !isNotFound(err) {
				return err
			}
		}
	}
}

func (s *Service) eachOwned(ctx context.Context, userID string, fn func(Media) error) error {
	after := ""
	for {
		page, err := s.store.MediaByOwner(ctx, userID, after, exportPage)
		if err != nil {
			return err
		}
		for _, m := range page {
			if err := fn(m); err != nil {
				return err
			}
		}
		if len(page) < exportPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// BadRefs answers, of ids, those a writer may not name: media that does not
// exist, someone else's private media, or media of a kind not among kinds.
// Content items and profiles ask before they store a reference.
func (s *Service) BadRefs(ctx context.Context, writerID string, ids []string, kinds ...string) ([]string, error) {
	found, err := s.store.MediaByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	fit := map[string]bool{}
	for _, m := range found {
		if (m.OwnerID == writerID || m.Visibility == Public) && slices.Contains(kinds, string(m.Kind)) {
			fit[m.ID] = true
		}
	}
	var bad []string
	for _, id := range ids {
		if !fit[id] {
			bad = append(bad, id)
		}
	}
	return bad, nil
}

// NotPublic answers, of ids, those that are not public media: private media,
// or none at all. What a published item names its readers must be able to
// load, and a private media's URLs are its owner's alone.
func (s *Service) NotPublic(ctx context.Context, ids []string) ([]string, error) {
	found, err := s.store.MediaByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	public := map[string]bool{}
	for _, m := range found {
		public[m.ID] = m.Visibility == Public
	}
	var out []string
	for _, id := range ids {
		if !public[id] {
			out = append(out, id)
		}
	}
	return out, nil
}
