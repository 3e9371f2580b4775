package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/store/settings"
)

// GetSetting returns the value stored under key; settings.ErrNotFound when there is none.
func (db *DB) GetSetting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("get setting %q: %w", key, settings.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get setting %q: %w", key, err)
	}
	return nonNil(v), nil
}

// PutSettingIfAbsent stores value under key unless one is there, and returns the
// stored value.
//
// These are two statements on purpose. ON CONFLICT DO NOTHING waits for a concurrent
// inserter of the same key to commit, but a single statement would then read with the
// snapshot it started with and miss the winner's row; the SELECT that follows takes a
// fresh snapshot (READ COMMITTED) and sees it.
func (db *DB) PutSettingIfAbsent(ctx context.Context, key string, value []byte) ([]byte, error) {
	if key == "" {
		return nil, errors.New("put setting: empty key")
	}
	if _, err := db.pool.Exec(ctx,
		`INSERT INTO settings (key, value, created_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO NOTHING`,
		key, nonNil(value)); err != nil {
		return nil, fmt.Errorf("put setting %q: %w", key, err)
	}
	var stored []byte
	if err := db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&stored); err != nil {
		return nil, fmt.Errorf("put setting %q: read back: %w", key, err)
	}
	return nonNil(stored), nil
}

// nonNil keeps an empty value distinct from SQL NULL on the way in, and from "no
// value" on the way out.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
