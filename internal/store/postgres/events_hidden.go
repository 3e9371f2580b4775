package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store/query"
)

// Hidden items are the events store's: hide events add them (applyDeltas) in the
// transaction that stores the event; the learner lists and removes them here.

// Unhide takes an item off the user's hidden list; events.ErrNotFound when it
// was not on it.
func (db *DB) Unhide(ctx context.Context, userID, itemID string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM hidden_items WHERE user_id = $1 AND item_id = $2`, userID, itemID)
	if err != nil {
		return fmt.Errorf("unhide %s for %s: %w", itemID, userID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("unhide %s for %s: %w", itemID, userID, events.ErrNotFound)
	}
	return nil
}

// HiddenItems pages the user's hidden items, most recently hidden first, after
// the given position when it is set.
func (db *DB) HiddenItems(ctx context.Context, userID string, after events.Hidden, limit int) ([]events.Hidden, error) {
	sqlText := `SELECT item_id, hidden_at FROM hidden_items WHERE user_id = $1`
	args := []any{userID}
	if !after.HiddenAt.IsZero() {
		sqlText += ` AND (hidden_at < $2 OR (hidden_at = $2 AND item_id < $3))`
		args = append(args, after.HiddenAt.UTC(), after.ItemID)
	}
	sqlText += ` ORDER BY hidden_at DESC, item_id DESC LIMIT $` + strconv.Itoa(len(args)+1)
	args = append(args, query.Limit(limit))
	rows, err := db.pool.Query(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list hidden items of %s: %w", userID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (events.Hidden, error) {
		var h events.Hidden
		err := r.Scan(&h.ItemID, &h.HiddenAt)
		h.HiddenAt = h.HiddenAt.UTC()
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("list hidden items of %s: %w", userID, err)
	}
	if out == nil {
		out = []events.Hidden{}
	}
	return out, nil
}
