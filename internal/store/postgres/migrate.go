package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lyolearn/lyo/internal/store/migrate"
)

// migrateLockKey is the pg_advisory_lock key every Lyo node takes while migrating
// ("lyomigr" in ASCII). It is fixed so that all versions of the binary agree on it.
const migrateLockKey int64 = 0x6c796f6d696772

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL
)`

// Migrate applies every embedded migration the database lacks. Several nodes may
// start at once, so the whole run holds a session-level advisory lock on one
// connection: the others wait, then find nothing left to do. Each migration runs in
// its own transaction together with its schema_migrations row. The job queue's
// tables (River's migrations) follow Lyo's own, under the same lock.
func (db *DB) Migrate(ctx context.Context) (err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate postgres: acquire connection: %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		conn.Release()
		return fmt.Errorf("migrate postgres: lock: %w", err)
	}
	defer func() {
		// Unlock even when ctx is done; if that fails the lock would outlive this run
		// on a pooled connection, so close the connection, which releases it.
		unlockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, uerr := conn.Exec(unlockCtx, `SELECT pg_advisory_unlock($1)`, migrateLockKey); uerr != nil {
			conn.Hijack().Close(unlockCtx)
			err = errors.Join(err, fmt.Errorf("migrate postgres: unlock: %w", uerr))
			return
		}
		conn.Release()
	}()
	return db.migrateLocked(ctx, conn)
}

func (db *DB) migrateLocked(ctx context.Context, conn *pgxpool.Conn) error {
	if _, err := conn.Exec(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("migrate postgres: create schema_migrations: %w", err)
	}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("migrate postgres: read applied: %w", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return fmt.Errorf("migrate postgres: read applied: %w", err)
	}
	applied := make(map[int]bool, len(versions))
	newest := 0
	for _, v := range versions {
		applied[v] = true
		newest = max(newest, v)
	}
	for _, m := range db.migrations {
		if applied[m.Version] {
			continue
		}
		if err := apply(ctx, conn, m); err != nil {
			return err
		}
		db.logger.InfoContext(ctx, "migration applied", "engine", "postgres", "version", m.Version, "name", m.Name)
	}
	if known := len(db.migrations); newest > known {
		// Not an error: an older binary must keep running while a newer one rolls out.
		db.logger.WarnContext(ctx, "database schema is newer than this binary", "engine", "postgres", "database", newest, "binary", known)
	}
	return db.migrateRiver(ctx)
}

func apply(ctx context.Context, conn *pgxpool.Conn, m migrate.Migration) error {
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		// No arguments: pgx sends the file with the simple protocol, so it may hold
		// several statements.
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())`,
			m.Version, m.Name)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate postgres %04d_%s: %w", m.Version, m.Name, err)
	}
	return nil
}

// MigrationStatus lists known and applied migrations; on a database that was never
// migrated every migration is pending.
func (db *DB) MigrationStatus(ctx context.Context) ([]migrate.Status, error) {
	var exists bool
	if err := db.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	if !exists {
		return migrate.Merge(db.migrations, nil), nil
	}
	rows, err := db.pool.Query(ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	applied, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (migrate.Applied, error) {
		var a migrate.Applied
		err := r.Scan(&a.Version, &a.Name, &a.AppliedAt)
		a.AppliedAt = a.AppliedAt.UTC()
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	return migrate.Merge(db.migrations, applied), nil
}
