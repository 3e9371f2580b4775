package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/store/migrate"
)

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// Migrate applies every embedded migration the database lacks. Each one runs in its
// own transaction together with its schema_migrations row, so a failure leaves the
// database at the last whole migration. Write transactions take SQLite's write lock
// at BEGIN, so two processes migrating the same file apply each version once. The
// job queue's tables (River's migrations) follow Lyo's own.
//
// Another process may hold the write lock for longer than busy_timeout (a node
// applying River's migrations in one transaction on a busy machine): migrating
// waits for it, step by step, up to migrateWait.
func (db *DB) Migrate(ctx context.Context) error {
	if err := waitBusy(ctx, func() error {
		_, err := db.writer.ExecContext(ctx, createMigrationsTable)
		return err
	}); err != nil {
		return fmt.Errorf("migrate sqlite: create schema_migrations: %w", err)
	}
	for _, m := range db.migrations {
		var applied bool
		err := waitBusy(ctx, func() (err error) {
			applied, err = db.apply(ctx, m)
			return err
		})
		if err != nil {
			return err
		}
		if applied {
			db.logger.InfoContext(ctx, "migration applied", "engine", "sqlite", "version", m.Version, "name", m.Name)
		}
	}
	var newest int
	if err := db.writer.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("migrate sqlite: read newest version: %w", err)
	}
	if known := len(db.migrations); newest > known {
		// Not an error: an older binary must keep running while a newer one rolls out.
		db.logger.WarnContext(ctx, "database schema is newer than this binary", "engine", "sqlite", "database", newest, "binary", known)
	}
	return waitBusy(ctx, func() error { return db.migrateRiver(ctx) })
}

// migrateWait bounds how long migrating waits for another process's lock.
const migrateWait = 2 * time.Minute

// waitBusy runs step again while it fails because another connection holds
// SQLite's lock, backing off up to a second between tries, for at most
// migrateWait. A step is one transaction, so trying it again is safe.
func waitBusy(ctx context.Context, step func() error) error {
	deadline := time.Now().Add(migrateWait)
	pause := 50 * time.Millisecond
	for {
		err := step()
		if err == nil || !busy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

func (db *DB) apply(ctx context.Context, m migrate.Migration) (applied bool, err error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate sqlite %04d_%s: begin: %w", m.Version, m.Name, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate sqlite %04d_%s: check: %w", m.Version, m.Name, err)
	}
	if n > 0 {
		return false, tx.Rollback()
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migrate sqlite %04d_%s: %w", m.Version, m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, formatTime(time.Now())); err != nil {
		return false, fmt.Errorf("migrate sqlite %04d_%s: record: %w", m.Version, m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate sqlite %04d_%s: commit: %w", m.Version, m.Name, err)
	}
	return true, nil
}

// MigrationStatus lists known and applied migrations; on a database that was never
// migrated every migration is pending.
func (db *DB) MigrationStatus(ctx context.Context) ([]migrate.Status, error) {
	var exists int
	err := db.reader.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	if exists == 0 {
		return migrate.Merge(db.migrations, nil), nil
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	defer rows.Close()
	var applied []migrate.Applied
	for rows.Next() {
		var a migrate.Applied
		var at string
		if err := rows.Scan(&a.Version, &a.Name, &at); err != nil {
			return nil, fmt.Errorf("migration status: %w", err)
		}
		if a.AppliedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("migration status: version %d: %w", a.Version, err)
		}
		applied = append(applied, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	return migrate.Merge(db.migrations, applied), nil
}
