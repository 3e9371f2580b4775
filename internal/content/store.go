package content

import (
	"context"
	"time"
)

// Store is what the catalogue needs from the database. Both engines implement it.
type Store interface {
	// CreateItem inserts an item at version 1; unknown topic slugs are created with a name
	// derived from the slug.
	CreateItem(ctx context.Context, it Item) error
	// ItemByID returns any item, whatever its status; ErrNotFound when absent.
	ItemByID(ctx context.Context, id string) (Item, error)
	// ItemsByIDs returns the items that exist, in no particular order.
	ItemsByIDs(ctx context.Context, ids []string) ([]Item, error)
	// ItemsWithoutText is ItemsByIDs without the long texts (description, body,
	// transcript come back empty): what event ingestion reads on every batch.
	ItemsWithoutText(ctx context.Context, ids []string) ([]Item, error)
	// UpdateItem replaces every field but ID, CreatorID and CreatedAt while the
	// stored version is it.Version, and moves it to it.Version+1: of two writes
	// of one version, one wins and the other gets ErrPreconditionFailed.
	// ErrNotFound when the item is absent.
	UpdateItem(ctx context.Context, it Item) error
	// DeleteItem removes an item for good (its creator's choice).
	DeleteItem(ctx context.Context, id string) error
	// ListItems returns the summaries of items newest first (by ID) matching q,
	// never loading bodies or transcripts.
	ListItems(ctx context.Context, q ItemQuery) ([]Summary, error)
	// DeleteItemsByCreator removes every item of a creator (account deletion).
	DeleteItemsByCreator(ctx context.Context, creatorID string) error

	// Search ranks published items by the terms over title, description, body and
	// transcript, answering summaries. An item is searchable as soon as its write
	// has returned.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)

	CreateSeries(ctx context.Context, s Series) error
	SeriesByID(ctx context.Context, id string) (Series, error)
	// UpdateSeries replaces title, description, status and updated_at as
	// UpdateItem does: only at s.Version, moving it to s.Version+1.
	UpdateSeries(ctx context.Context, s Series) error
	DeleteSeries(ctx context.Context, id string) error // its items leave the series
	// ListSeries returns series newest first; creatorID "" means everyone's.
	ListSeries(ctx context.Context, creatorID string, statuses []Status, beforeID string, limit int) ([]Series, error)
	// SetEpisodes makes itemIDs the series' episodes in order: each item gets the
	// series ID and its episode number; items that were episodes and are not in
	// the list leave the series. Atomic. The version of the series and of every
	// item whose place changes moves (as when a series is deleted).
	SetEpisodes(ctx context.Context, seriesID string, itemIDs []string, now time.Time) error

	// Topics pages the taxonomy ordered by slug (bytes), after the slug after
	// ("" from the start).
	Topics(ctx context.Context, after string, limit int) ([]Topic, error)
	// EnsureTopics creates missing topics (name derived from the slug).
	EnsureTopics(ctx context.Context, topics []Topic) error

	// Follow and Block are idempotent; Unfollow and Unblock of a missing edge are not errors.
	Follow(ctx context.Context, e Edge) error
	Unfollow(ctx context.Context, userID, creatorID string) error
	// Follows pages edges newest first; set q.UserID for following, q.CreatorID for followers.
	Follows(ctx context.Context, q EdgeQuery) ([]Edge, error)
	Block(ctx context.Context, e Edge) error
	Unblock(ctx context.Context, userID, creatorID string) error
	// Blocked returns the creators a user blocked.
	Blocked(ctx context.Context, userID string) ([]Edge, error)

	// DeleteUserContentData removes a user's follows (both directions), blocks
	// and series.
	DeleteUserContentData(ctx context.Context, userID string) error
}
