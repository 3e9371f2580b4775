package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/lyolearn/lyo/internal/jobs"
)

var _ jobs.Transactor = (*DB)(nil)

// InTx runs fn in one write transaction, committed when fn returns nil. It is the
// seam a job queue needs to insert jobs together with the rows they act on. The
// transaction holds the only writer connection: fn must write through tx alone.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx jobs.Tx) error) error {
	return db.withJobTx(ctx, func(_ *sql.Tx, jtx jobs.Tx) error { return fn(ctx, jtx) })
}

// Writer is the one-connection writer pool. The job queue runs on it, so its
// writes queue with the store's instead of contending for SQLite's write lock.
func (db *DB) Writer() *sql.DB { return db.writer }

// Reader is the read-only pool.
func (db *DB) Reader() *sql.DB { return db.reader }

// migrateRiver applies the job queue's own migrations in one write transaction.
// The transaction takes SQLite's write lock at BEGIN, so another process migrating
// the same file waits, then finds nothing left to apply. (River advises against
// one transaction for all steps because of PostgreSQL enum changes; SQLite has no
// such statements.)
func (db *DB) migrateRiver(ctx context.Context) (err error) {
	m, err := rivermigrate.New(riversqlite.New(db.writer), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate river: begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	res, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil) //nolint:staticcheck // see above
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate river: commit: %w", err)
	}
	for _, v := range res.Versions {
		db.logger.InfoContext(ctx, "migration applied", "engine", "sqlite", "line", "river", "version", v.Version, "name", v.Name)
	}
	return nil
}
