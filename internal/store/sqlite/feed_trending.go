package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// RollUpTrending adds the events received in (the last mark, until] to their
// items' hourly buckets. On SQLite the writer is one connection, so two
// roll-ups never interleave.
func (db *DB) RollUpTrending(ctx context.Context, until, keepFrom time.Time) (int, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	defer tx.Rollback()
	var done string
	err = tx.QueryRowContext(ctx, `SELECT done_until FROM feed_rollups WHERE name = 'trending'`).Scan(&done)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		done = formatTime(time.Time{})
	case err != nil:
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	to := formatTime(until)
	if to <= done {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO feed_trending (item_id, hour, views, completions, likes, saves, shares)
		SELECT item_id, substr(at, 1, 13) || ':00:00.000000000Z',
			sum(type = 'view'), sum(type = 'complete'), sum(type = 'like'), sum(type = 'save'), sum(type = 'share')
		FROM events
		WHERE received_at > ? AND received_at <= ? AND at >= ?
			AND type IN ('view', 'complete', 'like', 'save', 'share')
		GROUP BY 1, 2
		ON CONFLICT (item_id, hour) DO UPDATE SET views = views + excluded.views,
			completions = completions + excluded.completions, likes = likes + excluded.likes,
			saves = saves + excluded.saves, shares = shares + excluded.shares`,
		done, to, formatTime(keepFrom))
	if err != nil {
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM feed_trending WHERE hour < ?`, formatTime(keepFrom)); err != nil {
		return 0, fmt.Errorf("roll up trending: drop old buckets: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO feed_rollups (name, done_until) VALUES ('trending', ?)
		ON CONFLICT (name) DO UPDATE SET done_until = excluded.done_until`, to); err != nil {
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	return int(n), nil
}

// TrendingBuckets returns the hourly buckets that started at or after since.
func (db *DB) TrendingBuckets(ctx context.Context, since time.Time) ([]rank.Bucket, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT item_id, hour, views, completions, likes, saves, shares
		FROM feed_trending WHERE hour >= ?`, formatTime(since.Truncate(time.Hour)))
	if err != nil {
		return nil, fmt.Errorf("trending buckets: %w", err)
	}
	defer rows.Close()
	var out []rank.Bucket
	for rows.Next() {
		b := rank.Bucket{Span: time.Hour}
		var hour string
		if err := rows.Scan(&b.ItemID, &hour, &b.Views, &b.Completions, &b.Likes, &b.Saves, &b.Shares); err != nil {
			return nil, fmt.Errorf("trending buckets: %w", err)
		}
		if err := parseInto(&b.Start, hour); err != nil {
			return nil, fmt.Errorf("trending buckets: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("trending buckets: %w", err)
	}
	return out, nil
}
