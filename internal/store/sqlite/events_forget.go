package sqlite

import (
	"context"
	"fmt"

	"github.com/lyolearn/lyo/internal/events"
)

// Forget takes the learner's contribution out of the item totals (d.Items for the
// counters, their stored states for likes and saves) and deletes their log,
// states, affinities, tallies and hidden items, all in one write transaction. Totals stop
// at zero rather than go negative should d overstate what was counted.
func (db *DB) Forget(ctx context.Context, userID string, d events.Deltas) (err error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("forget events of %s: begin: %w", userID, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, f := range []struct{ total, state string }{{"likes", "liked"}, {"saves", "saved"}} {
		if _, err := tx.ExecContext(ctx, `UPDATE item_stats SET `+f.total+` = max(0, `+f.total+` - 1)
			WHERE item_id IN (SELECT item_id FROM user_items WHERE user_id = ? AND `+f.state+` = 1)`, userID); err != nil {
			return fmt.Errorf("forget events of %s: %s: %w", userID, f.total, err)
		}
	}
	if len(d.Items) > 0 {
		st, err := tx.PrepareContext(ctx, `
			UPDATE item_stats SET
				impressions = max(0, impressions - ?),
				views = max(0, views - ?),
				completions = max(0, completions - ?),
				shares = max(0, shares - ?),
				skips = max(0, skips - ?),
				hides = max(0, hides - ?),
				quiz_answers = max(0, quiz_answers - ?),
				quiz_correct = max(0, quiz_correct - ?),
				watch_ms = max(0, watch_ms - ?)
			WHERE item_id = ?`)
		if err != nil {
			return fmt.Errorf("forget events of %s: item stats: %w", userID, err)
		}
		defer st.Close()
		for id, c := range d.Items {
			if _, err := st.ExecContext(ctx, c.Impressions, c.Views, c.Completions, c.Shares, c.Skips, c.Hides,
				c.QuizAnswers, c.QuizCorrect, c.WatchMS, id); err != nil {
				return fmt.Errorf("forget events of %s: item stats of %s: %w", userID, id, err)
			}
		}
	}
	for _, table := range []string{"events", "user_items", "user_affinities", "event_tallies", "hidden_items"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("forget events of %s: delete %s: %w", userID, table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("forget events of %s: commit: %w", userID, err)
	}
	return nil
}
