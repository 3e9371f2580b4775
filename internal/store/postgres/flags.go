package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/flags"
)

// ListFlagOverrides returns every override, ordered by name. COLLATE "C" orders by
// bytes, as SQLite does, instead of by the database's locale.
func (db *DB) ListFlagOverrides(ctx context.Context) ([]flags.Override, error) {
	rows, err := db.pool.Query(ctx,
		`SELECT name, enabled, updated_at, updated_by FROM feature_flags ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("list flag overrides: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (flags.Override, error) {
		var o flags.Override
		err := r.Scan(&o.Name, &o.Enabled, &o.UpdatedAt, &o.UpdatedBy)
		o.UpdatedAt = o.UpdatedAt.UTC()
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("list flag overrides: %w", err)
	}
	if out == nil {
		out = []flags.Override{}
	}
	return out, nil
}

// SetFlagOverride inserts or replaces the override for o.Name. PostgreSQL keeps
// microseconds, so UpdatedAt comes back truncated to them.
func (db *DB) SetFlagOverride(ctx context.Context, o flags.Override) error {
	if o.Name == "" {
		return errors.New("set flag override: empty name")
	}
	_, err := db.pool.Exec(ctx, `
		INSERT INTO feature_flags (name, enabled, updated_at, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET
			enabled = excluded.enabled, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		o.Name, o.Enabled, o.UpdatedAt.UTC(), o.UpdatedBy)
	if err != nil {
		return fmt.Errorf("set flag override %q: %w", o.Name, err)
	}
	return nil
}

// DeleteFlagOverride removes the override for name; flags.ErrNotFound when there was none.
func (db *DB) DeleteFlagOverride(ctx context.Context, name string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM feature_flags WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("delete flag override %q: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete flag override %q: %w", name, flags.ErrNotFound)
	}
	return nil
}
