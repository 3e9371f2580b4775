// Package sqlite is the single-node storage engine: one SQLite file opened through the
// pure-Go modernc.org/sqlite driver, so a plain `go build` needs no C toolchain.
//
// SQLite allows one writer at a time. Rather than let many connections fight over the
// write lock (and fail with SQLITE_BUSY), DB keeps a one-connection writer pool that
// queues writes inside the process, beside a pool of read-only connections that WAL
// mode lets run alongside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

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

// Pragmas for every connection. busy_timeout comes first in effect (the driver sorts
// it first) so the others wait for a lock instead of failing. synchronous=NORMAL is
// durable across application crashes in WAL mode and only risks the last commits on
// power loss, which is the usual trade for a single-node server.
const commonPragmas = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"

// DB is a SQLite database file with separate writer and reader pools.
type DB struct {
	path       string
	writer     *sql.DB
	reader     *sql.DB
	migrations []migrate.Migration
	logger     *slog.Logger

	// The auth-state lookup runs on every authenticated request, so its statement
	// is prepared once (on first use: the table exists only after migrating).
	authMu   sync.Mutex
	authStmt *sql.Stmt

	// The feed's per-request reads, prepared once on the reader pool.
	readStmts sync.Map // query text → *sql.Stmt
}

// Migrations returns the migrations embedded in this package, in order.
func Migrations() ([]migrate.Migration, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite migrations: %w", err)
	}
	ms, err := migrate.Parse(sub)
	if err != nil {
		return nil, fmt.Errorf("sqlite migrations: %w", err)
	}
	return ms, nil
}

// Open opens (creating when missing) the database file at path and its parent
// directory. It does not migrate; call Migrate.
func Open(ctx context.Context, path string, logger *slog.Logger) (*DB, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case path == "":
		return nil, errors.New("open sqlite: empty path")
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		// Two pools on one in-memory database would see two different databases.
		return nil, fmt.Errorf("open sqlite %q: want a plain file path", path)
	case strings.ContainsRune(path, '?'):
		// The driver reads everything after '?' as its own parameters.
		return nil, fmt.Errorf("open sqlite %q: path must not contain '?'", path)
	}
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	if err := private(path); err != nil {
		return nil, err
	}

	// _txlock=immediate makes every write transaction take the write lock at BEGIN.
	// A deferred transaction that reads and then writes can hit SQLITE_BUSY on the
	// upgrade, which busy_timeout cannot wait out; another process (a second `lyo`
	// on the same file) would make that happen.
	writer, err := sql.Open("sqlite", path+"?"+commonPragmas+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite writer: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxIdleTime(0)

	// The writer connects first so the file exists and is in WAL mode (a persistent
	// setting) before any read-only connection opens it.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}

	reader, err := sql.Open("sqlite", path+"?"+commonPragmas+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open sqlite reader: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("open sqlite %s reader: %w", path, err)
	}
	logger.Debug("sqlite opened", "path", path, "readers", n)
	return &DB{path: path, writer: writer, reader: reader, migrations: ms, logger: logger}, nil
}

// private makes sure the database file, which holds password hashes and the
// signing key, is readable by its owner alone: a missing directory is created
// 0700, and the file (with its WAL and shared-memory files, which SQLite creates
// with the database file's mode) is created or tightened to 0600.
func private(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("open sqlite: create directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		// Files of an older version may be 0644: tighten them.
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("open sqlite: make %s private: %w", p, err)
		}
	}
	return nil
}

// Engine names the engine for logs, health output and metrics labels.
func (db *DB) Engine() string { return "sqlite" }

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Ping checks that both pools can reach the file.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite writer: %w", err)
	}
	if err := db.reader.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite reader: %w", err)
	}
	return nil
}

// Close closes both pools. It is safe to call more than once.
func (db *DB) Close() error {
	db.authMu.Lock()
	if db.authStmt != nil {
		db.authStmt.Close()
		db.authStmt = nil
	}
	db.authMu.Unlock()
	db.readStmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		db.readStmts.Delete(k)
		return true
	})
	return errors.Join(db.reader.Close(), db.writer.Close())
}

// PoolStats sums the writer and reader pools.
func (db *DB) PoolStats() poolstat.Stats {
	w, r := db.writer.Stats(), db.reader.Stats()
	return poolstat.Stats{
		Open:         w.OpenConnections + r.OpenConnections,
		InUse:        w.InUse + r.InUse,
		Idle:         w.Idle + r.Idle,
		MaxOpen:      w.MaxOpenConnections + r.MaxOpenConnections,
		WaitCount:    w.WaitCount + r.WaitCount,
		WaitDuration: w.WaitDuration + r.WaitDuration,
	}
}

// timeFormat is RFC 3339 in UTC with a fixed nine-digit fraction. Plain RFC3339Nano
// drops trailing zeros, and then "…05Z" sorts after "…05.1Z" when SQLite compares the
// text byte by byte; a fixed width keeps text order equal to time order.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}
