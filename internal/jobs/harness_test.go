package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/store/pgtest"
	"github.com/lyolearn/lyo/internal/store/postgres"
	"github.com/lyolearn/lyo/internal/store/sqlite"
)

// backend is one migrated database of one engine, with what the tests need to
// reach it directly: a queue on it, raw transactions, and plain queries.
type backend struct {
	name     string
	store    jobs.Transactor
	newQueue func(t *testing.T, cfg jobs.Config) *jobs.Queue
	// begin opens a raw transaction of the engine and returns it wrapped for the
	// queue, with exec (a statement in it, ? for arguments) and commit/rollback.
	begin func(t *testing.T) (tx jobs.Tx, exec func(query string, args ...any), end func(commit bool))
	// exec and queryInt run outside any transaction; ? marks arguments.
	exec     func(t *testing.T, query string, args ...any)
	queryInt func(t *testing.T, query string, args ...any) int64
}

// eachBackend runs f against SQLite and, when LYO_TEST_POSTGRES_URL is set,
// PostgreSQL, each on a fresh database of its own.
func eachBackend(t *testing.T, f func(t *testing.T, b *backend)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); f(t, sqliteBackend(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); f(t, postgresBackend(t)) })
}

func sqliteBackend(t *testing.T) *backend {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lyo.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := &backend{name: "sqlite", store: db}
	b.newQueue = func(t *testing.T, cfg jobs.Config) *jobs.Queue {
		q, err := jobs.NewSQLite(db.Writer(), db.Reader(), jobs.ForTests(cfg))
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	b.begin = func(t *testing.T) (jobs.Tx, func(string, ...any), func(bool)) {
		tx, err := db.Writer().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		return jobs.SQLTx(tx), exec, endSQL(t, tx)
	}
	b.exec = func(t *testing.T, q string, args ...any) {
		if _, err := db.Writer().ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	b.queryInt = func(t *testing.T, q string, args ...any) int64 {
		var n int64
		if err := db.Reader().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	b.exec(t, `CREATE TABLE test_rows (id TEXT PRIMARY KEY)`)
	return b
}

func endSQL(t *testing.T, tx *sql.Tx) func(bool) {
	return func(commit bool) {
		var err error
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func postgresBackend(t *testing.T) *backend {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, url, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db := open()
	b := &backend{name: "postgres", store: db}
	b.newQueue = func(t *testing.T, cfg jobs.Config) *jobs.Queue {
		// A pool per queue, as each node has its own.
		q, err := jobs.NewPostgres(open().Pool(), jobs.ForTests(cfg))
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	b.begin = func(t *testing.T) (jobs.Tx, func(string, ...any), func(bool)) {
		tx, err := db.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			if _, err := tx.Exec(ctx, dollars(q), args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		end := func(commit bool) {
			var err error
			if commit {
				err = tx.Commit(ctx)
			} else {
				err = tx.Rollback(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		return jobs.PgxTx(tx), exec, end
	}
	b.exec = func(t *testing.T, q string, args ...any) {
		if _, err := db.Pool().Exec(ctx, dollars(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	b.queryInt = func(t *testing.T, q string, args ...any) int64 {
		var n int64
		if err := db.Pool().QueryRow(ctx, dollars(q), args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	b.exec(t, `CREATE TABLE test_rows (id TEXT PRIMARY KEY)`)
	return b
}

// dollars turns ? placeholders into PostgreSQL's $1, $2, ….
func dollars(q string) string {
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&sb, "$%d", n)
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// jobState is the stored state of job id.
func (b *backend) jobState(t *testing.T, id int64) string {
	t.Helper()
	states := []string{"available", "scheduled", "running", "retryable", "completed", "discarded", "cancelled", "pending"}
	for _, s := range states {
		if b.queryInt(t, `SELECT count(*) FROM river_job WHERE id = ? AND state = ?`, id, s) == 1 {
			return s
		}
	}
	return "absent"
}

// waitFor polls cond until it holds, failing the test after a generous limit: the
// limit only stops a broken test from hanging, it is no claim about speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func start(t *testing.T, q *jobs.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// shortBackoff retries after 50 ms, 100 ms, 200 ms…: River's shape, shrunk so a
// test sees every attempt.
type shortBackoff struct{}

func (shortBackoff) NextRetry(j *jobs.Row) time.Time {
	return (*j.AttemptedAt).Add(backoff(j.Attempt)) // AttemptedAt is set on every attempt
}

func backoff(attempt int) time.Duration { return 50 * time.Millisecond << (attempt - 1) }
