package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lyolearn/lyo/internal/content"
)

var _ content.Store = (*DB)(nil)

// itemColumns is the column list scanItem reads, in its order; queries name items i.
// The topics come along as an array in the item's order.
const itemColumns = `i.id, i.creator_id, i.kind, i.title, i.description, i.body, i.transcript,
	i.difficulty, i.language, i.duration_ms, i.series_id, i.episode, i.media_ids, i.quiz, i.status,
	i.created_at, i.updated_at, i.published_at, i.version,
	ARRAY(SELECT t.topic_slug FROM item_topics t WHERE t.item_id = i.id ORDER BY t.position)`

// briefColumns reads like itemColumns, with the long texts left empty.
var briefColumns = strings.Replace(itemColumns, "i.description, i.body, i.transcript", "'', '', ''", 1)

// scanItem reads itemColumns, then any extra columns into extra.
func scanItem(r pgx.Row, extra ...any) (content.Item, error) {
	var it content.Item
	var kind, status string
	var seriesID *string
	var mediaIDs, quiz []byte
	dest := []any{&it.ID, &it.CreatorID, &kind, &it.Title, &it.Description, &it.Body, &it.Transcript,
		&it.Difficulty, &it.Language, &it.DurationMS, &seriesID, &it.Episode, &mediaIDs, &quiz, &status,
		&it.CreatedAt, &it.UpdatedAt, &it.PublishedAt, &it.Version, &it.Topics}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return content.Item{}, err
	}
	it.Kind, it.Status = content.Kind(kind), content.Status(status)
	it.CreatedAt, it.UpdatedAt, it.PublishedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC(), utc(it.PublishedAt)
	// A series deleted by a cascade (its creator's account) leaves SET NULL behind
	// but not the episode number.
	if seriesID != nil {
		it.SeriesID = *seriesID
	} else {
		it.Episode = 0
	}
	if len(it.Topics) == 0 {
		it.Topics = nil // as written: an item without topics
	}
	if err := json.Unmarshal(mediaIDs, &it.MediaIDs); err != nil {
		return content.Item{}, fmt.Errorf("item %s: media ids: %w", it.ID, err)
	}
	if len(it.MediaIDs) == 0 {
		it.MediaIDs = nil
	}
	if quiz != nil {
		it.Quiz = new(content.Quiz)
		if err := json.Unmarshal(quiz, it.Quiz); err != nil {
			return content.Item{}, fmt.Errorf("item %s: quiz: %w", it.ID, err)
		}
	}
	return it, nil
}

// itemArgs are the values of every column but id, creator_id and created_at, in
// the order of the SET lists below ($1 to $15).
func itemArgs(it content.Item) ([]any, error) {
	media := it.MediaIDs
	if media == nil {
		media = []string{}
	}
	mediaJSON, err := json.Marshal(media)
	if err != nil {
		return nil, fmt.Errorf("media ids: %w", err)
	}
	var quiz []byte // NULL without a quiz
	if it.Quiz != nil {
		if quiz, err = json.Marshal(it.Quiz); err != nil {
			return nil, fmt.Errorf("quiz: %w", err)
		}
	}
	var seriesID *string
	if it.SeriesID != "" {
		seriesID = &it.SeriesID
	}
	return []any{string(it.Kind), it.Title, it.Description, it.Body, it.Transcript, it.Difficulty,
		it.Language, it.DurationMS, seriesID, it.Episode, mediaJSON, quiz, string(it.Status),
		it.UpdatedAt.UTC(), utc(it.PublishedAt)}, nil
}

// CreateItem inserts an item and its topics, creating topics it is the first to name.
func (db *DB) CreateItem(ctx context.Context, it content.Item) error {
	args, err := itemArgs(it)
	if err != nil {
		return fmt.Errorf("create item %s: %w", it.ID, err)
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO items (kind, title, description, body, transcript, difficulty,
				language, duration_ms, series_id, episode, media_ids, quiz, status,
				updated_at, published_at, id, creator_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			append(args, it.ID, it.CreatorID, it.CreatedAt.UTC())...); err != nil {
			return contentErr(err)
		}
		return setItemTopics(ctx, tx, it.ID, it.Topics)
	})
	if err != nil {
		return fmt.Errorf("create item %s: %w", it.ID, err)
	}
	return nil
}

// ItemByID returns any item, whatever its status; content.ErrNotFound when absent.
func (db *DB) ItemByID(ctx context.Context, id string) (content.Item, error) {
	it, err := scanItem(db.pool.QueryRow(ctx, `SELECT `+itemColumns+` FROM items i WHERE i.id = $1`, id))
	if err != nil {
		return content.Item{}, fmt.Errorf("get item %s: %w", id, contentNotFound(err))
	}
	return it, nil
}

// UpdateItem replaces every field but ID, CreatorID and CreatedAt, topics included.
func (db *DB) UpdateItem(ctx context.Context, it content.Item) error {
	args, err := itemArgs(it)
	if err != nil {
		return fmt.Errorf("update item %s: %w", it.ID, err)
	}
	err = pgx.BeginTxFunc(ctx, db.pool, readCommitted, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE items SET kind = $1, title = $2, description = $3, body = $4, transcript = $5, difficulty = $6,
				language = $7, duration_ms = $8, series_id = $9, episode = $10, media_ids = $11, quiz = $12,
				status = $13, updated_at = $14, published_at = $15, version = version + 1
			WHERE id = $16 AND version = $17`, append(args, it.ID, it.Version)...)
		if err := versionedRow(ctx, tx, tag, err, "items", it.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM item_topics WHERE item_id = $1`, it.ID); err != nil {
			return err
		}
		return setItemTopics(ctx, tx, it.ID, it.Topics)
	})
	if err != nil {
		return fmt.Errorf("update item %s: %w", it.ID, err)
	}
	return nil
}

// DeleteItem removes an item; its topics and hidden rows go with it.
func (db *DB) DeleteItem(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM items WHERE id = $1`, id)
	if err := contentOneRow(tag, err); err != nil {
		return fmt.Errorf("delete item %s: %w", id, err)
	}
	return nil
}

// DeleteItemsByCreator removes every item of a creator.
func (db *DB) DeleteItemsByCreator(ctx context.Context, creatorID string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM items WHERE creator_id = $1`, creatorID); err != nil {
		return fmt.Errorf("delete items of %s: %w", creatorID, err)
	}
	return nil
}

// setItemTopics records an item's topics in order, creating unknown ones. A slug
// named twice counts once, at its first place.
func setItemTopics(ctx context.Context, tx pgx.Tx, itemID string, slugs []string) error {
	// New topics are created in slug order: two items adding the same new topics
	// in different orders would otherwise wait on each other's rows (a deadlock).
	for _, slug := range slices.Compact(slices.Sorted(slices.Values(slugs))) {
		if err := ensureTopic(ctx, tx, content.Topic{Slug: slug}); err != nil {
			return err
		}
	}
	seen := make(map[string]bool, len(slugs))
	for _, slug := range slugs {
		if seen[slug] {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO item_topics (item_id, topic_slug, position) VALUES ($1, $2, $3)`,
			itemID, slug, len(seen)); err != nil {
			return fmt.Errorf("topic %q: %w", slug, err)
		}
		seen[slug] = true
	}
	return nil
}

// contentErr maps constraint violations to the catalogue's errors: a missing row a
// foreign key names (creator, series, item, user) is content.ErrNotFound, a taken
// key content.ErrConflict. Any other error comes back as it is.
func contentErr(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case "23503": // foreign_key_violation
		return content.ErrNotFound
	case "23505": // unique_violation
		return content.ErrConflict
	}
	return err
}

// contentNotFound turns pgx.ErrNoRows into content.ErrNotFound.
func contentNotFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return content.ErrNotFound
	}
	return err
}

// versionedRow finishes an UPDATE … WHERE id = $ AND version = $ of table:
// content.ErrNotFound when no row has the ID, content.ErrPreconditionFailed when
// one has but at another version. At READ COMMITTED a second writer of the same
// version waits for the first's row lock, then finds the version moved and
// changes nothing.
func versionedRow(ctx context.Context, tx pgx.Tx, tag pgconn.CommandTag, err error, table, id string) error {
	if err != nil {
		return contentErr(err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = $1)`, id).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return content.ErrNotFound
	}
	return content.ErrPreconditionFailed
}

// contentOneRow finishes a statement that must change exactly one row:
// content.ErrNotFound when none matched.
func contentOneRow(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return contentErr(err)
	}
	if tag.RowsAffected() == 0 {
		return content.ErrNotFound
	}
	return nil
}
