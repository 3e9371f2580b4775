package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// seriesColumns is the column list scanSeries reads; queries name series s. The
// episodes come along as an array in episode order.
const seriesColumns = `s.id, s.creator_id, s.title, s.description, s.status, s.created_at, s.updated_at,
	ARRAY(SELECT e.id FROM items e WHERE e.series_id = s.id ORDER BY e.episode, e.id)`

func scanSeries(r pgx.Row) (content.Series, error) {
	var s content.Series
	var status string
	if err := r.Scan(&s.ID, &s.CreatorID, &s.Title, &s.Description, &status, &s.CreatedAt, &s.UpdatedAt, &s.ItemIDs); err != nil {
		return content.Series{}, err
	}
	s.Status = content.Status(status)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	if len(s.ItemIDs) == 0 {
		s.ItemIDs = nil
	}
	return s, nil
}

// CreateSeries inserts an empty series; s.ItemIDs is ignored (see SetEpisodes).
func (db *DB) CreateSeries(ctx context.Context, s content.Series) error {
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO series (id, creator_id, title, description, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.ID, s.CreatorID, s.Title, s.Description, string(s.Status), s.CreatedAt.UTC(), s.UpdatedAt.UTC()); err != nil {
		return fmt.Errorf("create series %s: %w", s.ID, contentErr(err))
	}
	return nil
}

// SeriesByID returns the series and its episodes; content.ErrNotFound when absent.
func (db *DB) SeriesByID(ctx context.Context, id string) (content.Series, error) {
	s, err := scanSeries(db.pool.QueryRow(ctx, `SELECT `+seriesColumns+` FROM series s WHERE s.id = $1`, id))
	if err != nil {
		return content.Series{}, fmt.Errorf("get series %s: %w", id, contentNotFound(err))
	}
	return s, nil
}

// UpdateSeries replaces title, description, status and updated_at.
func (db *DB) UpdateSeries(ctx context.Context, s content.Series) error {
	tag, err := db.pool.Exec(ctx, `
		UPDATE series SET title = $1, description = $2, status = $3, updated_at = $4 WHERE id = $5`,
		s.Title, s.Description, string(s.Status), s.UpdatedAt.UTC(), s.ID)
	if err := contentOneRow(tag, err); err != nil {
		return fmt.Errorf("update series %s: %w", s.ID, err)
	}
	return nil
}

// DeleteSeries removes a series; its items stay, outside any series.
func (db *DB) DeleteSeries(ctx context.Context, id string) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE items SET series_id = NULL, episode = 0 WHERE series_id = $1`, id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM series WHERE id = $1`, id)
		return contentOneRow(tag, err)
	})
	if err != nil {
		return fmt.Errorf("delete series %s: %w", id, err)
	}
	return nil
}

// ListSeries returns series newest first (by ID) before beforeID; creatorID ""
// means everyone's, no statuses every status.
func (db *DB) ListSeries(ctx context.Context, creatorID string, statuses []content.Status, beforeID string, limit int) ([]content.Series, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if creatorID != "" {
		where = append(where, `s.creator_id = `+arg(creatorID))
	}
	if len(statuses) > 0 {
		where = append(where, `s.status = ANY(`+arg(statusStrings(statuses))+`)`)
	}
	if beforeID != "" {
		where = append(where, `s.id < `+arg(beforeID))
	}
	sqlText := `SELECT ` + seriesColumns + ` FROM series s`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY s.id DESC LIMIT ` + arg(query.Limit(limit))

	rows, err := db.pool.Query(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (content.Series, error) { return scanSeries(r) })
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	if out == nil {
		out = []content.Series{}
	}
	return out, nil
}

// SetEpisodes makes itemIDs the series' episodes, numbered from 1, in one
// transaction: content.ErrNotFound for an unknown series or item and
// content.ErrConflict for an item listed twice, either way changing nothing.
// An item that was an episode of another series moves to this one. The series
// row's lock, taken first, queues concurrent calls for one series.
func (db *DB) SetEpisodes(ctx context.Context, seriesID string, itemIDs []string, now time.Time) error {
	if dup := content.RepeatedID(itemIDs); dup != "" {
		return fmt.Errorf("set episodes of %s: item %s listed twice: %w", seriesID, dup, content.ErrConflict)
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE series SET updated_at = $1 WHERE id = $2`, now.UTC(), seriesID)
		if err := contentOneRow(tag, err); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE items SET series_id = NULL, episode = 0 WHERE series_id = $1`, seriesID); err != nil {
			return err
		}
		if len(itemIDs) == 0 {
			return nil
		}
		tag, err = tx.Exec(ctx, `
			UPDATE items SET series_id = $1, episode = e.n
			FROM unnest($2::text[]) WITH ORDINALITY AS e(id, n) WHERE items.id = e.id`, seriesID, itemIDs)
		if err != nil {
			return err
		}
		if n := tag.RowsAffected(); int(n) != len(itemIDs) {
			return fmt.Errorf("%d of %d items do not exist: %w", len(itemIDs)-int(n), len(itemIDs), content.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set episodes of %s: %w", seriesID, err)
	}
	return nil
}
