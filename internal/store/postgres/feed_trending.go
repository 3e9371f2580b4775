package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// RollUpTrending adds the events received in (the last mark, until], and those
// stored since the last roll-up though received before its mark, to their
// items' hourly buckets. The mark's row is locked for the transaction, so
// roll-ups from two nodes run one after the other and the second finds the
// work done.
func (db *DB) RollUpTrending(ctx context.Context, until, keepFrom time.Time) (int, error) {
	var n int64
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO feed_rollups (name, done_until) VALUES ('trending', 'epoch')
			ON CONFLICT (name) DO NOTHING`); err != nil {
			return err
		}
		var done time.Time
		var doneSeq, top int64
		if err := tx.QueryRow(ctx, `SELECT done_until, done_seq FROM feed_rollups WHERE name = 'trending' FOR UPDATE`).Scan(&done, &doneSeq); err != nil {
			return err
		}
		if !until.After(done) {
			return nil
		}
		// Events stored after this snapshot's newest are left to the next
		// roll-up. One stored earlier with a smaller seq but committed later is
		// missed by the seq part only when it was received behind the mark as
		// well: live events are received after it.
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM events`).Scan(&top); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO feed_trending (item_id, hour, views, completions, likes, saves, shares)
			SELECT item_id, date_trunc('hour', at, 'UTC'),
				count(*) FILTER (WHERE type = 'view'), count(*) FILTER (WHERE type = 'complete'),
				count(*) FILTER (WHERE type = 'like'), count(*) FILTER (WHERE type = 'save'),
				count(*) FILTER (WHERE type = 'share')
			FROM (
				SELECT item_id, at, type FROM events WHERE received_at > $1 AND received_at <= $2 AND counted
				UNION ALL -- stored since the last roll-up, received before its mark
				SELECT item_id, at, type FROM events WHERE seq > $4 AND seq <= $5 AND received_at <= $1 AND counted
			) e
			WHERE at >= $3 AND type IN ('view', 'complete', 'like', 'save', 'share')
			GROUP BY 1, 2
			ON CONFLICT (item_id, hour) DO UPDATE SET views = feed_trending.views + excluded.views,
				completions = feed_trending.completions + excluded.completions,
				likes = feed_trending.likes + excluded.likes, saves = feed_trending.saves + excluded.saves,
				shares = feed_trending.shares + excluded.shares`, done.UTC(), until.UTC(), keepFrom.UTC(), doneSeq, top)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `DELETE FROM feed_trending WHERE hour < $1`, keepFrom.UTC()); err != nil {
			return fmt.Errorf("drop old buckets: %w", err)
		}
		_, err = tx.Exec(ctx, `UPDATE feed_rollups SET done_until = $1, done_seq = $2 WHERE name = 'trending'`, until.UTC(), top)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("roll up trending: %w", err)
	}
	return int(n), nil
}

// TrendingBuckets returns the hourly buckets that end after since.
func (db *DB) TrendingBuckets(ctx context.Context, since time.Time) ([]rank.Bucket, error) {
	rows, err := db.pool.Query(ctx, `SELECT item_id, hour, views, completions, likes, saves, shares
		FROM feed_trending WHERE hour >= $1`, since.UTC().Truncate(time.Hour))
	if err != nil {
		return nil, fmt.Errorf("trending buckets: %w", err)
	}
	var out []rank.Bucket
	b := rank.Bucket{Span: time.Hour}
	_, err = pgx.ForEachRow(rows, []any{&b.ItemID, &b.Start, &b.Views, &b.Completions, &b.Likes, &b.Saves, &b.Shares}, func() error {
		b.Start = b.Start.UTC()
		out = append(out, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trending buckets: %w", err)
	}
	return out, nil
}
