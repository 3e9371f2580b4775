package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/lyolearn/lyo/internal/flags"
)

// ListFlagOverrides returns every override, ordered by name (byte order).
func (db *DB) ListFlagOverrides(ctx context.Context) ([]flags.Override, error) {
	rows, err := db.reader.QueryContext(ctx,
		`SELECT name, enabled, updated_at, updated_by FROM feature_flags ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list flag overrides: %w", err)
	}
	defer rows.Close()
	out := []flags.Override{}
	for rows.Next() {
		var o flags.Override
		var at string
		if err := rows.Scan(&o.Name, &o.Enabled, &at, &o.UpdatedBy); err != nil {
			return nil, fmt.Errorf("list flag overrides: %w", err)
		}
		if o.UpdatedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("list flag overrides: %s: %w", o.Name, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list flag overrides: %w", err)
	}
	return out, nil
}

// SetFlagOverride inserts or replaces the override for o.Name.
func (db *DB) SetFlagOverride(ctx context.Context, o flags.Override) error {
	if o.Name == "" {
		return errors.New("set flag override: empty name")
	}
	_, err := db.writer.ExecContext(ctx, `
		INSERT INTO feature_flags (name, enabled, updated_at, updated_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			enabled = excluded.enabled, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		o.Name, o.Enabled, formatTime(o.UpdatedAt), o.UpdatedBy)
	if err != nil {
		return fmt.Errorf("set flag override %q: %w", o.Name, err)
	}
	return nil
}

// DeleteFlagOverride removes the override for name; flags.ErrNotFound when there was none.
func (db *DB) DeleteFlagOverride(ctx context.Context, name string) error {
	res, err := db.writer.ExecContext(ctx, `DELETE FROM feature_flags WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("delete flag override %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("delete flag override %q: %w", name, err)
	}
	if n == 0 {
		return fmt.Errorf("delete flag override %q: %w", name, flags.ErrNotFound)
	}
	return nil
}
