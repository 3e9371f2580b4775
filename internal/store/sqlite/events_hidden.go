package sqlite

import (
	"context"
	"fmt"

	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store/query"
)

// Hidden items are the events store's: hide events add them (applyDeltas) in the
// transaction that stores the event; the learner lists and removes them here.

// Unhide takes an item off the user's hidden list; events.ErrNotFound when it
// was not on it.
func (db *DB) Unhide(ctx context.Context, userID, itemID string) error {
	res, err := db.writer.ExecContext(ctx, `DELETE FROM hidden_items WHERE user_id = ? AND item_id = ?`, userID, itemID)
	if err != nil {
		return fmt.Errorf("unhide %s for %s: %w", itemID, userID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("unhide %s for %s: %w", itemID, userID, err)
	} else if n == 0 {
		return fmt.Errorf("unhide %s for %s: %w", itemID, userID, events.ErrNotFound)
	}
	return nil
}

// HiddenItems pages the user's hidden items, most recently hidden first, after
// the given position when it is set.
func (db *DB) HiddenItems(ctx context.Context, userID string, after events.Hidden, limit int) ([]events.Hidden, error) {
	sqlText := `SELECT item_id, hidden_at FROM hidden_items WHERE user_id = ?`
	args := []any{userID}
	if !after.HiddenAt.IsZero() {
		sqlText += ` AND (hidden_at < ? OR (hidden_at = ? AND item_id < ?))`
		at := formatTime(after.HiddenAt)
		args = append(args, at, at, after.ItemID)
	}
	sqlText += ` ORDER BY hidden_at DESC, item_id DESC LIMIT ?`
	args = append(args, query.Limit(limit))
	rows, err := db.reader.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list hidden items of %s: %w", userID, err)
	}
	defer rows.Close()
	out := []events.Hidden{}
	for rows.Next() {
		var h events.Hidden
		var at string
		if err := rows.Scan(&h.ItemID, &at); err != nil {
			return nil, fmt.Errorf("list hidden items of %s: %w", userID, err)
		}
		if err := parseInto(&h.HiddenAt, at); err != nil {
			return nil, fmt.Errorf("list hidden items of %s: %w", userID, err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list hidden items of %s: %w", userID, err)
	}
	return out, nil
}
