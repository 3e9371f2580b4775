// Package postgres is the storage engine for deployments of several nodes: state
// lives in PostgreSQL, reached through a bounded pgx connection pool.
package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/store/migrate"
	"github.com/lyolearn/lyo/internal/store/poolstat"
	"github.com/lyolearn/lyo/internal/store/settings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Compile-time checks that DB keeps the contracts the domains consume.
var (
	_ auth.Store     = (*DB)(nil)
	_ flags.Store    = (*DB)(nil)
	_ settings.Store = (*DB)(nil)
)

// DefaultMaxConns bounds the pool when Open is given 0. Every node holds its own pool,
// so nodes × MaxConns must stay below the server's max_connections.
const DefaultMaxConns = 10

// DB is a PostgreSQL database behind a connection pool.
type DB struct {
	pool       *pgxpool.Pool
	migrations []migrate.Migration
	logger     *slog.Logger
}

// Migrations returns the migrations embedded in this package, in order.
func Migrations() ([]migrate.Migration, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres migrations: %w", err)
	}
	ms, err := migrate.Parse(sub)
	if err != nil {
		return nil, fmt.Errorf("postgres migrations: %w", err)
	}
	return ms, nil
}

// Open connects to the database at url (postgres://…) with at most maxConns
// connections (DefaultMaxConns when 0), and checks that the server answers. It does
// not migrate; call Migrate.
func Open(ctx context.Context, url string, maxConns int32, logger *slog.Logger) (*DB, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if maxConns < 0 {
		return nil, fmt.Errorf("open postgres: max connections %d is negative", maxConns)
	}
	if maxConns == 0 {
		maxConns = DefaultMaxConns
	}
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	// pgx's parse errors leave the password out, so they are safe to log.
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	cfg.MaxConns = maxConns
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	logger.Debug("postgres opened", "host", cfg.ConnConfig.Host, "database", cfg.ConnConfig.Database, "max_conns", maxConns)
	return &DB{pool: pool, migrations: ms, logger: logger}, nil
}

// Engine names the engine for logs, health output and metrics labels.
func (db *DB) Engine() string { return "postgres" }

// Pool is the underlying pool, for packages that speak pgx themselves (the job queue).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping checks that the server answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// Close closes the pool, waiting for connections in use to be released. It is safe
// to call more than once.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// PoolStats reports the pool.
func (db *DB) PoolStats() poolstat.Stats {
	s := db.pool.Stat()
	return poolstat.Stats{
		Open:         int(s.TotalConns()),
		InUse:        int(s.AcquiredConns()),
		Idle:         int(s.IdleConns()),
		MaxOpen:      int(s.MaxConns()),
		WaitCount:    s.EmptyAcquireCount(),
		WaitDuration: s.EmptyAcquireWaitTime(),
	}
}
