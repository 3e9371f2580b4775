package content

import (
	"context"
	"errors"
	"fmt"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/fault"
)

// creator checks that creatorID names a creator (or above) other than a.
func (s *Service) creator(ctx context.Context, a Actor, creatorID string) error {
	if creatorID == a.UserID {
		return fault.Invalidf("id", "that is you")
	}
	role, err := s.users.UserRole(ctx, creatorID)
	if errors.Is(err, ErrNotFound) || (err == nil && !role.AtLeast(access.Creator)) {
		return errNotCreator
	}
	return err
}

// Follow makes a follow a creator.
func (s *Service) Follow(ctx context.Context, a Actor, creatorID string) error {
	if err := s.creator(ctx, a, creatorID); err != nil {
		return err
	}
	return s.store.Follow(ctx, Edge{UserID: a.UserID, CreatorID: creatorID, CreatedAt: s.now().UTC()})
}

// Unfollow undoes Follow; unfollowing someone not followed is fine.
func (s *Service) Unfollow(ctx context.Context, a Actor, creatorID string) error {
	return s.store.Unfollow(ctx, a.UserID, creatorID)
}

// Block keeps a creator's items out of a's feed for good.
func (s *Service) Block(ctx context.Context, a Actor, creatorID string) error {
	if err := s.creator(ctx, a, creatorID); err != nil {
		return err
	}
	now := s.now().UTC()
	if err := s.store.Block(ctx, Edge{UserID: a.UserID, CreatorID: creatorID, CreatedAt: now}); err != nil {
		return err
	}
	return s.store.Unfollow(ctx, a.UserID, creatorID)
}

// Unblock undoes Block.
func (s *Service) Unblock(ctx context.Context, a Actor, creatorID string) error {
	return s.store.Unblock(ctx, a.UserID, creatorID)
}

// Edges pages follows: q.UserID set lists whom they follow, q.CreatorID who follows them.
func (s *Service) Edges(ctx context.Context, q EdgeQuery) ([]Edge, bool, error) {
	limit := q.Limit
	q.Limit = limit + 1
	edges, err := s.store.Follows(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if len(edges) > limit {
		return edges[:limit], true, nil
	}
	return edges, false, nil
}

// Following pages whom q.UserID follows, as a sees it: someone else's list is
// ErrNotFound while its owner keeps it hidden, like other cross-user refusals.
func (s *Service) Following(ctx context.Context, a Actor, q EdgeQuery) ([]Edge, bool, error) {
	if q.UserID != a.UserID {
		visible, err := s.users.FollowingVisible(ctx, q.UserID)
		if err != nil {
			return nil, false, err
		}
		if !visible {
			return nil, false, fmt.Errorf("following of %s is hidden: %w", q.UserID, ErrNotFound)
		}
	}
	return s.Edges(ctx, q)
}

// Blocked lists the creators a blocked.
func (s *Service) Blocked(ctx context.Context, userID string) ([]Edge, error) {
	return s.store.Blocked(ctx, userID)
}

// Search finds published items.
func (s *Service) Search(ctx context.Context, q string, offset, limit int) ([]SearchHit, bool, error) {
	terms := SearchTerms(q)
	if len(terms) == 0 {
		return nil, false, fault.Invalidf("q", "give at least one word to search for")
	}
	hits, err := s.store.Search(ctx, SearchQuery{Terms: terms, Offset: offset, Limit: limit + 1})
	if err != nil {
		return nil, false, err
	}
	more := len(hits) > limit
	if more {
		hits = hits[:limit]
	}
	for i := range hits {
		hits[i].Snippet = CutSnippet(hits[i].Snippet)
	}
	return hits, more, nil
}
