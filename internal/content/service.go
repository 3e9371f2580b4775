package content

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/id"
)

// Directory answers what the catalogue needs to know about users.
type Directory interface {
	// UserRole returns a user's role; ErrNotFound-wrapping error when absent.
	UserRole(ctx context.Context, userID string) (access.Role, error)
	// FollowingVisible reports whether others may list whom userID follows
	// (the user's choice); ErrNotFound-wrapping error when absent.
	FollowingVisible(ctx context.Context, userID string) (bool, error)
}

// Progress answers which items a learner has completed (the events domain).
type Progress interface {
	Completed(ctx context.Context, userID string, itemIDs []string) (map[string]bool, error)
}

// Service is the catalogue.
type Service struct {
	store    Store
	users    Directory
	progress Progress
	media    MediaRefs
	now      func() time.Time
}

// NewService wires the catalogue.
func NewService(store Store, users Directory, progress Progress, now func() time.Time) *Service {
	return &Service{store: store, users: users, progress: progress, now: now}
}

// Actor is who is asking.
type Actor = access.Caller

func isModerator(a Actor) bool { return a.Is(access.Moderator) }

// Visible reports whether a may see it (other domains ask through this).
func Visible(a Actor, it Item) bool { return canSee(a, it) }

// canSee decides whether a sees it; callers answer ErrNotFound when not. Removed
// items stay visible to their creator and moderators only.
func canSee(a Actor, it Item) bool {
	switch {
	case it.Status == Published:
		return true
	case it.CreatorID == a.UserID:
		return true
	default:
		return isModerator(a)
	}
}

// Create adds an item by a creator.
func (s *Service) Create(ctx context.Context, a Actor, in ItemInput) (Item, error) {
	now := s.now().UTC()
	it := Item{ID: id.New(now), CreatorID: a.UserID, Status: Draft, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(&it, true); err != nil {
		return Item{}, err
	}
	if err := s.checkSeries(ctx, a, it.SeriesID); err != nil {
		return Item{}, err
	}
	if err := s.checkMedia(ctx, it); err != nil {
		return Item{}, err
	}
	if it.Status == Published {
		it.PublishedAt = &now
	}
	if err := s.store.CreateItem(ctx, it); err != nil {
		return Item{}, fmt.Errorf("create item: %w", err)
	}
	return it, nil
}

func (s *Service) checkSeries(ctx context.Context, a Actor, seriesID string) error {
	if seriesID == "" {
		return nil
	}
	sr, err := s.store.SeriesByID(ctx, seriesID)
	if errors.Is(err, ErrNotFound) || (err == nil && sr.CreatorID != a.UserID) {
		return fault.Invalidf("series_id", "no series of yours has this id")
	}
	return err
}

// Get returns an item a may see.
func (s *Service) Get(ctx context.Context, a Actor, itemID string) (Item, error) {
	it, err := s.store.ItemByID(ctx, itemID)
	if err != nil {
		return Item{}, err
	}
	if !canSee(a, it) {
		return Item{}, ErrNotFound
	}
	return it, nil
}

// maxAttempts bounds how often an unconditional edit is retried when another
// write of the same item or series lands between its read and its write.
const maxAttempts = 3

// Update edits an item. Its creator edits everything; a moderator may only
// change the status of someone else's item (removing or restoring it). Anyone
// else gets ErrNotFound.
//
// check, when set, vets the stored item before anything is written (the HTTP
// layer compares its version with If-Match), and the write happens only while
// the item is still that version: a concurrent write makes it
// ErrPreconditionFailed. Without check, an edit that loses such a race is
// applied again to the newer version.
func (s *Service) Update(ctx context.Context, a Actor, itemID string, in ItemInput, check func(Item) error) (Item, error) {
	for attempt := 1; ; attempt++ {
		it, err := s.update(ctx, a, itemID, in, check)
		if !errors.Is(err, ErrPreconditionFailed) || check != nil {
			return it, err
		}
		if attempt == maxAttempts {
			return Item{}, fault.New(ErrConflict, "edit_conflict", "others were editing this item at the same time; try again")
		}
	}
}

func (s *Service) update(ctx context.Context, a Actor, itemID string, in ItemInput, check func(Item) error) (Item, error) {
	it, err := s.store.ItemByID(ctx, itemID)
	if err != nil {
		return Item{}, err
	}
	own, mod := it.CreatorID == a.UserID, isModerator(a)
	switch {
	case !own && !mod:
		return Item{}, ErrNotFound
	case !own && !onlyStatus(in):
		return Item{}, fault.New(ErrForbidden, "forbidden", "moderators change the status of others' items, nothing else")
	}
	if check != nil {
		if err := check(it); err != nil {
			return Item{}, err
		}
	}
	if it.Status == Removed && !mod {
		return Item{}, fault.New(ErrConflict, "removed", "a moderator removed this item; it cannot be edited")
	}
	wasPublished := it.Status == Published
	if in.Status != nil {
		st := *in.Status
		if st != Draft && st != Published && !(st == Removed && mod) {
			msg := "use draft or published"
			if mod {
				msg = "use draft, published or removed"
			}
			return Item{}, fault.Invalidf("status", "%s", msg)
		}
		it.Status = st
		in.Status = nil
	}
	if err := in.apply(&it, false); err != nil {
		return Item{}, err
	}
	if in.SeriesID != nil {
		if err := s.checkSeries(ctx, a, it.SeriesID); err != nil {
			return Item{}, err
		}
	}
	if in.MediaIDs != nil || (it.Status == Published && !wasPublished) {
		if err := s.checkMedia(ctx, it); err != nil {
			return Item{}, err
		}
	}
	now := s.now().UTC()
	it.UpdatedAt = now
	if it.Status == Published && !wasPublished && it.PublishedAt == nil {
		it.PublishedAt = &now
	}
	if err := s.store.UpdateItem(ctx, it); err != nil {
		return Item{}, fmt.Errorf("update item %s: %w", it.ID, err)
	}
	it.Version++
	return it, nil
}

func onlyStatus(in ItemInput) bool {
	return in.Kind == nil && in.Title == nil && in.Description == nil && in.Body == nil && in.Transcript == nil &&
		in.Topics == nil && in.Difficulty == nil && in.Language == nil && in.DurationMS == nil &&
		in.SeriesID == nil && in.Episode == nil && in.MediaIDs == nil && in.Quiz == nil
}

// Delete removes an item for good: its creator or an admin.
func (s *Service) Delete(ctx context.Context, a Actor, itemID string) error {
	it, err := s.store.ItemByID(ctx, itemID)
	if err != nil {
		return err
	}
	if it.CreatorID != a.UserID && !a.Is(access.Admin) {
		if canSee(a, it) && isModerator(a) {
			return fault.New(ErrForbidden, "forbidden", "moderators remove items with PATCH status=removed; only admins delete")
		}
		return ErrNotFound
	}
	return s.store.DeleteItem(ctx, itemID)
}

// List pages the summaries of items a may see, newest first.
func (s *Service) List(ctx context.Context, a Actor, q ItemQuery) ([]Summary, bool, error) {
	q.Statuses = []Status{Published}
	q.OwnDraftsOf = a.UserID
	limit := q.Limit
	q.Limit = limit + 1
	items, err := s.store.ListItems(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if len(items) > limit {
		return items[:limit], true, nil
	}
	return items, false, nil
}

// ItemsByIDs returns the items that exist, for other domains.
func (s *Service) ItemsByIDs(ctx context.Context, ids []string) ([]Item, error) {
	return s.store.ItemsByIDs(ctx, ids)
}

// ItemsWithoutText is ItemsByIDs without the long texts, for hot paths that
// need only an item's facts.
func (s *Service) ItemsWithoutText(ctx context.Context, ids []string) ([]Item, error) {
	return s.store.ItemsWithoutText(ctx, ids)
}

// Topics pages the taxonomy by slug.
func (s *Service) Topics(ctx context.Context, after string, limit int) ([]Topic, bool, error) {
	topics, err := s.store.Topics(ctx, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	if len(topics) > limit {
		return topics[:limit], true, nil
	}
	return topics, false, nil
}

// EnsureTopics adds topics to the taxonomy (names and parents), keeping those that exist.
func (s *Service) EnsureTopics(ctx context.Context, topics []Topic) error {
	return s.store.EnsureTopics(ctx, topics)
}
