package content

import (
	"context"
	"strings"

	"github.com/lyolearn/lyo/internal/fault"
)

// MediaRefs answers, of the media ids an item names, those that are not fit
// to be named by the writer: missing, someone else's private media, or of a
// kind the item cannot carry (package media answers).
type MediaRefs interface {
	BadRefs(ctx context.Context, writerID string, ids []string, kinds ...string) ([]string, error)
	// NotPublic answers, of ids, those that are not public media.
	NotPublic(ctx context.Context, ids []string) ([]string, error)
}

// SetMediaRefs makes every write check the media its item names. Without it
// (a catalogue without media), ids are only checked for form.
func (s *Service) SetMediaRefs(m MediaRefs) { s.media = m }

// mediaKinds are the media kinds an item of each kind may carry: a video its
// video and poster images; an image item images; lessons, articles and quizzes
// either.
func mediaKinds(k Kind) []string {
	switch k {
	case Video:
		return []string{"video", "image"}
	case Image:
		return []string{"image"}
	}
	return []string{"image", "video"}
}

// checkMedia vets the media an item names, as its creator's. A published item
// names public media only: its readers load what it names, and a private
// media's URLs are its owner's alone. A draft may carry its creator's private
// media until it is published.
func (s *Service) checkMedia(ctx context.Context, it Item) error {
	if s.media == nil || len(it.MediaIDs) == 0 {
		return nil
	}
	bad, err := s.media.BadRefs(ctx, it.CreatorID, it.MediaIDs, mediaKinds(it.Kind)...)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return fault.Invalidf("media_ids", "no media of yours, nor public media, of a kind a %s item carries: %s", it.Kind, strings.Join(bad, ", "))
	}
	if it.Status != Published {
		return nil
	}
	private, err := s.media.NotPublic(ctx, it.MediaIDs)
	if err != nil || len(private) == 0 {
		return err
	}
	return fault.Invalidf("media_ids", "a published item's readers cannot load private media: upload it as public, or keep the item a draft: %s", strings.Join(private, ", "))
}
