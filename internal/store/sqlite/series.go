package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// seriesColumns is the column list scanSeries reads; queries name series s. The
// episodes come along as a JSON array of [id, status, version] in episode order.
const seriesColumns = `s.id, s.creator_id, s.title, s.description, s.status, s.version, s.created_at, s.updated_at,
	(SELECT json_group_array(json_array(e.id, e.status, e.version) ORDER BY e.episode, e.id)
		FROM items e WHERE e.series_id = s.id)`

func scanSeries(r scanner) (content.Series, error) {
	var s content.Series
	var status, created, updated, episodes string
	if err := r.Scan(&s.ID, &s.CreatorID, &s.Title, &s.Description, &status, &s.Version, &created, &updated, &episodes); err != nil {
		return content.Series{}, err
	}
	s.Status = content.Status(status)
	var rows [][3]json.RawMessage
	if err := json.Unmarshal([]byte(episodes), &rows); err != nil {
		return content.Series{}, fmt.Errorf("series %s: episodes: %w", s.ID, err)
	}
	for _, row := range rows {
		var e content.Episode
		if err := errors.Join(json.Unmarshal(row[0], &e.ItemID), json.Unmarshal(row[1], &e.Status), json.Unmarshal(row[2], &e.Version)); err != nil {
			return content.Series{}, fmt.Errorf("series %s: episode: %w", s.ID, err)
		}
		s.Episodes = append(s.Episodes, e)
	}
	if err := parseInto(&s.CreatedAt, created); err != nil {
		return content.Series{}, fmt.Errorf("series %s: %w", s.ID, err)
	}
	if err := parseInto(&s.UpdatedAt, updated); err != nil {
		return content.Series{}, fmt.Errorf("series %s: %w", s.ID, err)
	}
	return s, nil
}

// CreateSeries inserts an empty series at version 1; s.Episodes is ignored (see
// SetEpisodes).
func (db *DB) CreateSeries(ctx context.Context, s content.Series) error {
	if _, err := db.writer.ExecContext(ctx, `
		INSERT INTO series (id, creator_id, title, description, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.CreatorID, s.Title, s.Description, string(s.Status), formatTime(s.CreatedAt), formatTime(s.UpdatedAt)); err != nil {
		return fmt.Errorf("create series %s: %w", s.ID, contentErr(err))
	}
	return nil
}

// SeriesByID returns the series and its episodes; content.ErrNotFound when absent.
func (db *DB) SeriesByID(ctx context.Context, id string) (content.Series, error) {
	s, err := scanSeries(db.reader.QueryRowContext(ctx, `SELECT `+seriesColumns+` FROM series s WHERE s.id = ?`, id))
	if err != nil {
		return content.Series{}, fmt.Errorf("get series %s: %w", id, contentNotFound(err))
	}
	return s, nil
}

// UpdateSeries replaces title, description, status and updated_at while the
// stored version is s.Version, and moves it on by one.
func (db *DB) UpdateSeries(ctx context.Context, s content.Series) error {
	err := db.contentTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE series SET title = ?, description = ?, status = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			s.Title, s.Description, string(s.Status), formatTime(s.UpdatedAt), s.ID, s.Version)
		return versionedRow(ctx, tx, res, err, "series", s.ID)
	})
	if err != nil {
		return fmt.Errorf("update series %s: %w", s.ID, err)
	}
	return nil
}

// DeleteSeries removes a series; its items stay, outside any series.
func (db *DB) DeleteSeries(ctx context.Context, id string) error {
	err := db.contentTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE items SET series_id = NULL, episode = 0, version = version + 1 WHERE series_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM series WHERE id = ?`, id)
		return contentOneRow(res, err)
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
	if creatorID != "" {
		where = append(where, `s.creator_id = ?`)
		args = append(args, creatorID)
	}
	if len(statuses) > 0 {
		where = append(where, `s.status IN (`+marks(len(statuses))+`)`)
		for _, st := range statuses {
			args = append(args, string(st))
		}
	}
	if beforeID != "" {
		where = append(where, `s.id < ?`)
		args = append(args, beforeID)
	}
	sqlText := `SELECT ` + seriesColumns + ` FROM series s`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY s.id DESC LIMIT ?`
	args = append(args, query.Limit(limit))

	rows, err := db.reader.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	defer rows.Close()
	out := []content.Series{}
	for rows.Next() {
		s, err := scanSeries(rows)
		if err != nil {
			return nil, fmt.Errorf("list series: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list series: %w", err)
	}
	return out, nil
}

// SetEpisodes makes itemIDs the series' episodes, numbered from 1, in one
// transaction: content.ErrNotFound for an unknown series or item and
// content.ErrConflict for an item listed twice, either way changing nothing.
// An item that was an episode of another series moves to this one.
func (db *DB) SetEpisodes(ctx context.Context, seriesID string, itemIDs []string, now time.Time) error {
	if dup := content.RepeatedID(itemIDs); dup != "" {
		return fmt.Errorf("set episodes of %s: item %s listed twice: %w", seriesID, dup, content.ErrConflict)
	}
	list, err := json.Marshal(append([]string{}, itemIDs...)) // [] rather than null
	if err != nil {
		return fmt.Errorf("set episodes of %s: %w", seriesID, err)
	}
	err = db.contentTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE series SET updated_at = ?, version = version + 1 WHERE id = ?`, formatTime(now), seriesID)
		if err := contentOneRow(res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET series_id = NULL, episode = 0, version = version + 1 WHERE series_id = ?`, seriesID); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `
			UPDATE items SET series_id = ?, episode = e.key + 1, version = version + 1
			FROM json_each(?) e WHERE items.id = e.value`, seriesID, string(list))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if int(n) != len(itemIDs) {
			return fmt.Errorf("%d of %d items do not exist: %w", len(itemIDs)-int(n), len(itemIDs), content.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set episodes of %s: %w", seriesID, err)
	}
	return nil
}
