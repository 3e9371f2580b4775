package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/store/settings"
)

// GetSetting returns the value stored under key; settings.ErrNotFound when there is none.
func (db *DB) GetSetting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := db.reader.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("get setting %q: %w", key, settings.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get setting %q: %w", key, err)
	}
	return nonNil(v), nil
}

// PutSettingIfAbsent stores value under key unless one is there, and returns the
// stored value. The insert and the read share one write transaction, so the answer
// is the value that won even when another process wrote it a moment earlier.
func (db *DB) PutSettingIfAbsent(ctx context.Context, key string, value []byte) (stored []byte, err error) {
	if key == "" {
		return nil, errors.New("put setting: empty key")
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("put setting %q: begin: %w", key, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO settings (key, value, created_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		key, nonNil(value), formatTime(time.Now())); err != nil {
		return nil, fmt.Errorf("put setting %q: %w", key, err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&stored); err != nil {
		return nil, fmt.Errorf("put setting %q: read back: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("put setting %q: commit: %w", key, err)
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
