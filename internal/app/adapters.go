package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
)

// The domains know each other only through the small interfaces they declare;
// these adapters are the whole of their acquaintance.

// directory answers the catalogue's questions about users from the accounts domain.
type directory struct {
	auth *auth.Service
	now  func() time.Time
}

func (d directory) UserRole(ctx context.Context, userID string) (access.Role, error) {
	u, err := d.auth.Me(ctx, userID)
	if errors.Is(err, auth.ErrNotFound) {
		return "", fmt.Errorf("user %s: %w", userID, content.ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	if u.Disabled {
		return "", fmt.Errorf("user %s is disabled: %w", userID, content.ErrNotFound)
	}
	return u.Role, nil
}

// FollowingVisible is the user's choice, or the default by age until they make
// one; a disabled account's list is as absent as the account.
func (d directory) FollowingVisible(ctx context.Context, userID string) (bool, error) {
	u, err := d.auth.Me(ctx, userID)
	if errors.Is(err, auth.ErrNotFound) {
		return false, fmt.Errorf("user %s: %w", userID, content.ErrNotFound)
	}
	if err != nil {
		return false, err
	}
	if u.Disabled {
		return false, fmt.Errorf("user %s is disabled: %w", userID, content.ErrNotFound)
	}
	return u.Profile.ShowsFollowing(d.now()), nil
}

// catalog tells ingestion about items, straight from the catalogue's store:
// ingestion is built before the catalogue service (which reads completions from
// ingestion), so each is given everything it needs when it is made.
type catalog struct {
	items interface {
		ItemsWithoutText(ctx context.Context, ids []string) ([]content.Item, error)
	}
}

func (c catalog) Facts(ctx context.Context, caller access.Caller, itemIDs []string) (map[string]events.ItemFacts, error) {
	items, err := c.items.ItemsWithoutText(ctx, itemIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]events.ItemFacts, len(items))
	for _, it := range items {
		f := events.ItemFacts{ID: it.ID, CreatorID: it.CreatorID, Topics: it.Topics, SeriesID: it.SeriesID,
			Episode: it.Episode, DurationMS: it.DurationMS, Visible: content.Visible(caller, it)}
		if q := it.Quiz; q != nil {
			f.Grade = q.Grade
		}
		out[it.ID] = f
	}
	return out, nil
}
