package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// RollUpTrending adds the events received in (the last mark, until], and those
// stored since the last roll-up though received before its mark, to their
// items' hourly buckets. On SQLite the writer is one connection, so two
// roll-ups never interleave.
func (db *DB) RollUpTrending(ctx context.Context, until, keepFrom time.Time) (int, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	defer tx.Rollback()
	var done string
	var doneSeq, top int64
	err = tx.QueryRowContext(ctx, `SELECT done_until, done_seq FROM feed_rollups WHERE name = 'trending'`).Scan(&done, &doneSeq)
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
	// The single writer stores events in seq order: every event up to top is
	// in, and none after it was there for an earlier roll-up.
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM events`).Scan(&top); err != nil {
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO feed_trending (item_id, hour, views, completions, likes, saves, shares)
		SELECT item_id, substr(at, 1, 13) || ':00:00.000000000Z',
			sum(type = 'view'), sum(type = 'complete'), sum(type = 'like'), sum(type = 'save'), sum(type = 'share')
		FROM (
			SELECT item_id, at, type FROM events WHERE received_at > ?1 AND received_at <= ?2 AND counted = 1
			UNION ALL -- stored since the last roll-up, received before its mark
			SELECT item_id, at, type FROM events WHERE seq > ?4 AND seq <= ?5 AND received_at <= ?1 AND counted = 1
		)
		WHERE at >= ?3 AND type IN ('view', 'complete', 'like', 'save', 'share')
		GROUP BY 1, 2
		ON CONFLICT (item_id, hour) DO UPDATE SET views = views + excluded.views,
			completions = completions + excluded.completions, likes = likes + excluded.likes,
			saves = saves + excluded.saves, shares = shares + excluded.shares`,
		done, to, formatTime(keepFrom), doneSeq, top)
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO feed_rollups (name, done_until, done_seq) VALUES ('trending', ?, ?)
		ON CONFLICT (name) DO UPDATE SET done_until = excluded.done_until, done_seq = excluded.done_seq`, to, top); err != nil {
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
