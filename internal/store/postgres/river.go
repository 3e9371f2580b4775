package postgres

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/store/migrate"
)

var _ jobs.Transactor = (*DB)(nil)

// InTx runs fn in one transaction, committed when fn returns nil. It is the seam a
// job queue needs to insert jobs together with the rows they act on.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx jobs.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error { return fn(ctx, jobs.PgxTx(tx)) })
}

// RiverMigrations lists the job queue's migrations as this engine applies them
// after its own, so a cached schema (a test template) knows when they change.
func RiverMigrations() ([]migrate.Migration, error) {
	m, err := rivermigrate.New(riverpgxv5.New(nil), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	var out []migrate.Migration
	for _, v := range m.AllVersions() {
		out = append(out, migrate.Migration{Version: v.Version, Name: "river_" + v.Name, SQL: v.SQLUp})
	}
	return out, nil
}

// migrateRiver applies the job queue's own migrations. Migrate calls it while it
// holds the migration lock, so nodes starting together apply each version once.
// River's migrator takes a connection per step: it gets a one-connection pool of
// its own, so it never waits for the connection that holds the lock, however small
// the store's pool is.
func (db *DB) migrateRiver(ctx context.Context) error {
	cfg := db.pool.Config().Copy()
	cfg.MaxConns, cfg.MinConns = 1, 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	defer pool.Close()
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	for _, v := range res.Versions {
		db.logger.InfoContext(ctx, "migration applied", "engine", "postgres", "line", "river", "version", v.Version, "name", v.Name)
	}
	return nil
}
