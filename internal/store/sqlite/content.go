package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/lyolearn/lyo/internal/content"
)

var _ content.Store = (*DB)(nil)

// itemColumns is the column list scanItem reads, in its order; queries name items i.
// The topics come along as a JSON array in the item's order.
const itemColumns = `i.id, i.creator_id, i.kind, i.title, i.description, i.body, i.transcript,
	i.difficulty, i.language, i.duration_ms, i.series_id, i.episode, i.media_ids, i.quiz, i.status,
	i.created_at, i.updated_at, i.published_at, i.version,
	(SELECT json_group_array(t.topic_slug ORDER BY t.position) FROM item_topics t WHERE t.item_id = i.id)`

// briefColumns reads like itemColumns, with the long texts left empty.
var briefColumns = strings.Replace(itemColumns, "i.description, i.body, i.transcript", "'', '', ''", 1)

func scanItem(r scanner) (content.Item, error) {
	var it content.Item
	var kind, status, mediaIDs, topics, created, updated string
	var seriesID, quiz, published sql.NullString
	err := r.Scan(&it.ID, &it.CreatorID, &kind, &it.Title, &it.Description, &it.Body, &it.Transcript,
		&it.Difficulty, &it.Language, &it.DurationMS, &seriesID, &it.Episode, &mediaIDs, &quiz, &status,
		&created, &updated, &published, &it.Version, &topics)
	if err != nil {
		return content.Item{}, err
	}
	it.Kind, it.Status = content.Kind(kind), content.Status(status)
	// A series deleted by a cascade (its creator's account) leaves SET NULL behind
	// but not the episode number.
	if it.SeriesID = seriesID.String; it.SeriesID == "" {
		it.Episode = 0
	}
	err = errors.Join(
		unmarshalList(&it.MediaIDs, mediaIDs), unmarshalList(&it.Topics, topics),
		parseInto(&it.CreatedAt, created), parseInto(&it.UpdatedAt, updated), parseNullInto(&it.PublishedAt, published))
	if quiz.Valid {
		it.Quiz = new(content.Quiz)
		if qerr := json.Unmarshal([]byte(quiz.String), it.Quiz); qerr != nil {
			err = errors.Join(err, fmt.Errorf("quiz: %w", qerr))
		}
	}
	if err != nil {
		return content.Item{}, fmt.Errorf("item %s: %w", it.ID, err)
	}
	return it, nil
}

// unmarshalList reads a JSON array of strings; an empty one reads as nil, so an item
// stored without media or topics reads back as it was written.
func unmarshalList(dst *[]string, s string) error {
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return fmt.Errorf("list %q: %w", s, err)
	}
	if len(l) == 0 {
		l = nil
	}
	*dst = l
	return nil
}

// itemArgs are the values of every column but id, creator_id and created_at, in
// the order of the SET lists below.
func itemArgs(it content.Item) ([]any, error) {
	media := it.MediaIDs
	if media == nil {
		media = []string{}
	}
	mediaJSON, err := json.Marshal(media)
	if err != nil {
		return nil, fmt.Errorf("media ids: %w", err)
	}
	var quiz any // NULL without a quiz
	if it.Quiz != nil {
		b, err := json.Marshal(it.Quiz)
		if err != nil {
			return nil, fmt.Errorf("quiz: %w", err)
		}
		quiz = string(b)
	}
	var seriesID any
	if it.SeriesID != "" {
		seriesID = it.SeriesID
	}
	return []any{string(it.Kind), it.Title, it.Description, it.Body, it.Transcript, it.Difficulty,
		it.Language, it.DurationMS, seriesID, it.Episode, string(mediaJSON), quiz, string(it.Status),
		formatTime(it.UpdatedAt), formatNullTime(it.PublishedAt)}, nil
}

// CreateItem inserts an item and its topics, creating topics it is the first to name.
func (db *DB) CreateItem(ctx context.Context, it content.Item) error {
	args, err := itemArgs(it)
	if err != nil {
		return fmt.Errorf("create item %s: %w", it.ID, err)
	}
	err = db.contentTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO items (kind, title, description, body, transcript, difficulty,
				language, duration_ms, series_id, episode, media_ids, quiz, status,
				updated_at, published_at, id, creator_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(args, it.ID, it.CreatorID, formatTime(it.CreatedAt))...); err != nil {
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
	it, err := scanItem(db.reader.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items i WHERE i.id = ?`, id))
	if err != nil {
		return content.Item{}, fmt.Errorf("get item %s: %w", id, contentNotFound(err))
	}
	return it, nil
}

// UpdateItem replaces every field but ID, CreatorID and CreatedAt, topics
// included, while the stored version is it.Version, and moves it on by one. The
// write transaction holds SQLite's lock from BEGIN, so the version cannot move
// between the test and the write.
func (db *DB) UpdateItem(ctx context.Context, it content.Item) error {
	args, err := itemArgs(it)
	if err != nil {
		return fmt.Errorf("update item %s: %w", it.ID, err)
	}
	err = db.contentTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE items SET kind = ?, title = ?, description = ?, body = ?, transcript = ?, difficulty = ?,
				language = ?, duration_ms = ?, series_id = ?, episode = ?, media_ids = ?, quiz = ?, status = ?,
				updated_at = ?, published_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, append(args, it.ID, it.Version)...)
		if err := versionedRow(ctx, tx, res, err, "items", it.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM item_topics WHERE item_id = ?`, it.ID); err != nil {
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
	res, err := db.writer.ExecContext(ctx, `DELETE FROM items WHERE id = ?`, id)
	if err := contentOneRow(res, err); err != nil {
		return fmt.Errorf("delete item %s: %w", id, err)
	}
	return nil
}

// DeleteItemsByCreator removes every item of a creator. The search triggers fire
// row by row, in the same transaction.
func (db *DB) DeleteItemsByCreator(ctx context.Context, creatorID string) error {
	if _, err := db.writer.ExecContext(ctx, `DELETE FROM items WHERE creator_id = ?`, creatorID); err != nil {
		return fmt.Errorf("delete items of %s: %w", creatorID, err)
	}
	return nil
}

// setItemTopics records an item's topics in order, creating unknown ones. A slug
// named twice counts once, at its first place.
func setItemTopics(ctx context.Context, tx *sql.Tx, itemID string, slugs []string) error {
	seen := make(map[string]bool, len(slugs))
	for _, slug := range slugs {
		if seen[slug] {
			continue
		}
		if err := ensureTopic(ctx, tx, content.Topic{Slug: slug}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_topics (item_id, topic_slug, position) VALUES (?, ?, ?)`,
			itemID, slug, len(seen)); err != nil {
			return fmt.Errorf("topic %q: %w", slug, err)
		}
		seen[slug] = true
	}
	return nil
}

// contentTx runs fn in a write transaction, which holds SQLite's write lock from
// BEGIN, and commits when fn returns nil.
func (db *DB) contentTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// contentErr maps constraint violations to the catalogue's errors: a missing row a
// foreign key names (creator, series, item, user) is content.ErrNotFound, a taken
// key content.ErrConflict. Any other error comes back as it is.
func contentErr(err error) error {
	var se *modernc.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return content.ErrNotFound
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return content.ErrConflict
	}
	return err
}

// versionedRow finishes an UPDATE … WHERE id = ? AND version = ? of table:
// content.ErrNotFound when no row has the ID, content.ErrPreconditionFailed when
// one has but at another version.
func versionedRow(ctx context.Context, tx *sql.Tx, res sql.Result, err error, table, id string) error {
	if err != nil {
		return contentErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 1 {
		return err
	}
	var one int
	switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = ?`, id).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return content.ErrNotFound
	case err != nil:
		return err
	}
	return content.ErrPreconditionFailed
}

// contentNotFound turns sql.ErrNoRows into content.ErrNotFound.
func contentNotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return content.ErrNotFound
	}
	return err
}

// contentOneRow finishes a statement that must change exactly one row:
// content.ErrNotFound when none matched.
func contentOneRow(res sql.Result, err error) error {
	if err != nil {
		return contentErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return content.ErrNotFound
	}
	return nil
}
