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
// episodes come along as three arrays (ids, statuses, versions) in episode order.
const seriesColumns = `s.id, s.creator_id, s.title, s.description, s.status, s.version, s.created_at, s.updated_at,
	e.ids, e.statuses, e.versions`

// seriesFrom joins each series s to its episodes e.
const seriesFrom = ` FROM series s CROSS JOIN LATERAL (
	SELECT coalesce(array_agg(i.id ORDER BY i.episode, i.id), '{}') AS ids,
		coalesce(array_agg(i.status ORDER BY i.episode, i.id), '{}') AS statuses,
		coalesce(array_agg(i.version ORDER BY i.episode, i.id), '{}') AS versions
	FROM items i WHERE i.series_id = s.id) e`

func scanSeries(r pgx.Row) (content.Series, error) {
	var s content.Series
	var status string
	var ids, statuses []string
	var versions []int64
	if err := r.Scan(&s.ID, &s.CreatorID, &s.Title, &s.Description, &status, &s.Version, &s.CreatedAt, &s.UpdatedAt,
		&ids, &statuses, &versions); err != nil {
		return content.Series{}, err
	}
	s.Status = content.Status(status)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	if len(statuses) != len(ids) || len(versions) != len(ids) {
		return content.Series{}, fmt.Errorf("series %s: episodes of %d ids, %d statuses, %d versions", s.ID, len(ids), len(statuses), len(versions))
	}
	for i, id := range ids {
		s.Episodes = append(s.Episodes, content.Episode{ItemID: id, Status: content.Status(statuses[i]), Version: versions[i]})
	}
	return s, nil
}

// CreateSeries inserts an empty series at version 1; s.Episodes is ignored (see
// SetEpisodes).
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
	s, err := scanSeries(db.pool.QueryRow(ctx, `SELECT `+seriesColumns+seriesFrom+` WHERE s.id = $1`, id))
	if err != nil {
		return content.Series{}, fmt.Errorf("get series %s: %w", id, contentNotFound(err))
	}
	return s, nil
}

// UpdateSeries replaces title, description, status and updated_at while the
// stored version is s.Version, and moves it on by one.
func (db *DB) UpdateSeries(ctx context.Context, s content.Series) error {
	err := pgx.BeginTxFunc(ctx, db.pool, readCommitted, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE series SET title = $1, description = $2, status = $3, updated_at = $4, version = version + 1
			WHERE id = $5 AND version = $6`,
			s.Title, s.Description, string(s.Status), s.UpdatedAt.UTC(), s.ID, s.Version)
		return versionedRow(ctx, tx, tag, err, "series", s.ID)
	})
	if err != nil {
		return fmt.Errorf("update series %s: %w", s.ID, err)
	}
	return nil
}

// DeleteSeries removes a series; its items stay, outside any series.
func (db *DB) DeleteSeries(ctx context.Context, id string) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE items SET series_id = NULL, episode = 0, version = version + 1 WHERE series_id = $1`, id); err != nil {
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
	sqlText := `SELECT ` + seriesColumns + seriesFrom
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
		tag, err := tx.Exec(ctx, `UPDATE series SET updated_at = $1, version = version + 1 WHERE id = $2`, now.UTC(), seriesID)
		if err := contentOneRow(tag, err); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE items SET series_id = NULL, episode = 0, version = version + 1 WHERE series_id = $1`, seriesID); err != nil {
			return err
		}
		if len(itemIDs) == 0 {
			return nil
		}
		tag, err = tx.Exec(ctx, `
			UPDATE items SET series_id = $1, episode = e.n, version = version + 1
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
