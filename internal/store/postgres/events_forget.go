package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/events"
)

// Forget takes the learner's contribution out of the item totals (d.Items for the
// counters, their stored states for likes and saves) and deletes their log,
// states, affinities, tallies and hidden items, in one transaction. It locks the learner's
// rows and then the item rows in item order, as Ingest does, so the two cannot
// deadlock. Totals stop at zero rather than go negative should d overstate what
// was counted.
func (db *DB) Forget(ctx context.Context, userID string, d events.Deltas) error {
	err := pgx.BeginTxFunc(ctx, db.pool, readCommitted, func(tx pgx.Tx) error {
		// The learner's lock first, as Ingest takes it: no batch of theirs is
		// half applied while their share is taken out.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, userID); err != nil {
			return fmt.Errorf("lock learner: %w", err)
		}
		sub := make(map[string]events.ItemCounts, len(d.Items))
		for id, c := range d.Items {
			c.Likes, c.Saves = 0, 0 // they follow from the stored states
			sub[id] = c
		}
		rows, err := tx.Query(ctx, `SELECT item_id, liked, saved FROM user_items
			WHERE user_id = $1 AND (liked OR saved) ORDER BY item_id FOR UPDATE`, userID)
		if err != nil {
			return fmt.Errorf("read states: %w", err)
		}
		var id string
		var liked, saved bool
		_, err = pgx.ForEachRow(rows, []any{&id, &liked, &saved}, func() error {
			c := sub[id]
			if liked {
				c.Likes = 1
			}
			if saved {
				c.Saves = 1
			}
			sub[id] = c
			return nil
		})
		if err != nil {
			return fmt.Errorf("read states: %w", err)
		}

		ids := slices.Sorted(maps.Keys(sub))
		cols := make([][]int64, 11)
		for k := range cols {
			cols[k] = make([]int64, len(ids))
		}
		for i, id := range ids {
			c := sub[id]
			for k, v := range []int64{c.Impressions, c.Views, c.Completions, c.Likes, c.Saves, c.Shares, c.Skips, c.Hides,
				c.QuizAnswers, c.QuizCorrect, c.WatchMS} {
				cols[k][i] = v
			}
		}
		b := &pgx.Batch{}
		b.Queue(`SELECT 1 FROM item_stats WHERE item_id = ANY($1) ORDER BY item_id FOR UPDATE`, ids)
		b.Queue(`
			UPDATE item_stats s SET
				impressions = greatest(0, s.impressions - v.impressions),
				views = greatest(0, s.views - v.views),
				completions = greatest(0, s.completions - v.completions),
				likes = greatest(0, s.likes - v.likes),
				saves = greatest(0, s.saves - v.saves),
				shares = greatest(0, s.shares - v.shares),
				skips = greatest(0, s.skips - v.skips),
				hides = greatest(0, s.hides - v.hides),
				quiz_answers = greatest(0, s.quiz_answers - v.quiz_answers),
				quiz_correct = greatest(0, s.quiz_correct - v.quiz_correct),
				watch_ms = greatest(0, s.watch_ms - v.watch_ms)
			FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],
				$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[])
				AS v (item_id, impressions, views, completions, likes, saves, shares, skips, hides, quiz_answers, quiz_correct, watch_ms)
			WHERE s.item_id = v.item_id`,
			ids, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], cols[9], cols[10])
		for _, table := range []string{"events", "user_items", "user_affinities", "event_tallies", "hidden_items"} {
			b.Queue(`DELETE FROM `+table+` WHERE user_id = $1`, userID)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("forget events of %s: %w", userID, err)
	}
	return nil
}
