package auth

import (
	"context"

	"github.com/lyolearn/lyo/internal/fault"
)

// MediaRefs answers, of the media ids a profile names, those that are not fit
// to be named by the user: missing, someone else's private media, or not of
// the kinds given (package media answers).
type MediaRefs interface {
	BadRefs(ctx context.Context, writerID string, ids []string, kinds ...string) ([]string, error)
}

// SetMediaRefs makes profile updates check the avatar they name. Without it,
// the id is only checked for form.
func (s *Service) SetMediaRefs(m MediaRefs) { s.media = m }

// checkAvatar refuses an avatar that is not an image the user may show.
func (s *Service) checkAvatar(ctx context.Context, userID string, changed bool, avatarID string) error {
	if s.media == nil || !changed || avatarID == "" {
		return nil
	}
	bad, err := s.media.BadRefs(ctx, userID, []string{avatarID}, "image")
	if err != nil || len(bad) == 0 {
		return err
	}
	return fault.Invalidf("avatar_media_id", "no image of yours, nor a public one, has this id")
}
