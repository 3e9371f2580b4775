// Package store opens the database a deployment is configured for. SQLite serves a
// single node with nothing else installed; PostgreSQL serves several nodes. Both
// engines implement the same Store, which the conformance suite in storetest checks.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed"
	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media"
	"github.com/lyolearn/lyo/internal/store/migrate"
	"github.com/lyolearn/lyo/internal/store/poolstat"
	"github.com/lyolearn/lyo/internal/store/postgres"
	"github.com/lyolearn/lyo/internal/store/settings"
	"github.com/lyolearn/lyo/internal/store/sqlite"
	"github.com/lyolearn/lyo/internal/tutor"
)

// ErrNotFound is returned (wrapped) when no setting is stored under a key. It is the
// same value as settings.ErrNotFound, which the engines use so they need not import
// this package. Flag overrides use flags.ErrNotFound.
var ErrNotFound = settings.ErrNotFound

// PoolStats is a snapshot of an engine's connection pools.
type PoolStats = poolstat.Stats

// Store is everything the application needs from its database, whichever the engine.
type Store interface {
	auth.Store
	content.Store
	events.Store
	feed.Store
	flags.Store
	media.Store
	settings.Store
	tutor.Store
	// Bulk loads write many rows a transaction.
	auth.Importer
	content.Importer
	// InTx runs a function in one transaction: the seam for inserting jobs
	// together with the rows they act on (see package jobs).
	jobs.Transactor

	// Engine is "sqlite" or "postgres".
	Engine() string
	Ping(ctx context.Context) error
	// Close releases the pools; it is safe to call more than once.
	Close() error
	// Migrate brings the schema up to date; safe to run on every start and from
	// several nodes at once.
	Migrate(ctx context.Context) error
	MigrationStatus(ctx context.Context) ([]migrate.Status, error)
	PoolStats() PoolStats
}

var (
	_ Store = (*sqlite.DB)(nil)
	_ Store = (*postgres.DB)(nil)
)

// Options says which database to open.
type Options struct {
	// URL is LYO_DATABASE_URL: empty for SQLite in DataDir, postgres:// or
	// postgresql:// for PostgreSQL, sqlite:PATH or file:PATH for a SQLite file elsewhere.
	URL string
	// DataDir holds lyo.db when URL is empty.
	DataDir string
	// MaxConns bounds the PostgreSQL pool; 0 means postgres.DefaultMaxConns.
	MaxConns int32
	Logger   *slog.Logger
}

// Open opens, but does not migrate, the database that opts names.
func Open(ctx context.Context, opts Options) (Store, error) {
	kind, target, err := parseURL(opts.URL, opts.DataDir)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "postgres":
		db, err := postgres.Open(ctx, target, opts.MaxConns, opts.Logger)
		if err != nil {
			return nil, err
		}
		return db, nil
	default:
		db, err := sqlite.Open(ctx, target, opts.Logger)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
}

// parseURL decides the engine and what to hand it: the URL itself for PostgreSQL, a
// file path for SQLite. The error names LYO_DATABASE_URL because that is what an
// operator has to fix.
func parseURL(url, dataDir string) (kind, target string, err error) {
	if url == "" {
		if dataDir == "" {
			return "", "", errors.New("open store: LYO_DATABASE_URL and the data directory are both empty")
		}
		return "sqlite", filepath.Join(dataDir, "lyo.db"), nil
	}
	scheme, rest, ok := strings.Cut(url, ":")
	if !ok {
		return "", "", fmt.Errorf("open store: LYO_DATABASE_URL has no scheme; want postgres://…, sqlite:PATH or empty for SQLite in the data directory")
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		if !strings.HasPrefix(rest, "//") {
			return "", "", errors.New("open store: LYO_DATABASE_URL: want postgres://user@host/db")
		}
		return "postgres", url, nil
	case "sqlite", "file":
		// sqlite:///abs/path.db and sqlite:rel/path.db both name a file; so do the
		// file: forms.
		path := strings.TrimPrefix(rest, "//")
		if path == "" {
			return "", "", fmt.Errorf("open store: LYO_DATABASE_URL %q names no file", url)
		}
		return "sqlite", path, nil
	default:
		// The URL may hold a password, so only the scheme goes into the error.
		return "", "", fmt.Errorf("open store: LYO_DATABASE_URL scheme %q is not supported; want postgres://, postgresql://, sqlite: or file:", scheme)
	}
}
