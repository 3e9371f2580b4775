// Package pgtest gives each test a PostgreSQL database of its own, so packages and
// tests run in parallel without seeing each other's rows.
//
// Migrating a database per test would be slow, so the first call in a test binary
// builds a template database migrated to the latest schema, named after a hash of the
// migration files; every call then clones it with CREATE DATABASE … TEMPLATE, which
// copies files instead of replaying SQL. Test binaries running at once share the
// template, and a pg_advisory_lock makes sure only one of them builds it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lyolearn/lyo/internal/store/migrate"
	"github.com/lyolearn/lyo/internal/store/postgres"
)

// EnvURL names the variable holding the server to test against; CI always sets it.
// The database it names is only used to connect; tests get databases of their own.
const EnvURL = "LYO_TEST_POSTGRES_URL"

// templateLockKey serialises template builds across test binaries ("lyotmpl").
const templateLockKey int64 = 0x6c796f746d706c

// The template is per test binary by nature: a package-level Once is what makes it
// built once rather than once per test.
var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// URL returns the URL of a new database migrated to the latest schema, dropped when
// the test ends. It skips the test when LYO_TEST_POSTGRES_URL is unset, and fails
// it instead when CI is set.
func URL(t testing.TB) string {
	t.Helper()
	admin := adminURL(t)
	templateOnce.Do(func() { templateName, templateErr = buildTemplate(admin) })
	if templateErr != nil {
		t.Fatalf("pgtest: template database: %v", templateErr)
	}
	return create(t, admin, templateName)
}

// EmptyURL returns the URL of a new database with no schema at all, dropped when the
// test ends, for tests of migrations themselves. It skips like URL.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return create(t, adminURL(t), "template0")
}

func adminURL(t testing.TB) string {
	t.Helper()
	raw := os.Getenv(EnvURL)
	if raw == "" {
		// CI always sets it: there a skip would hide a whole engine.
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: CI is set but %s is not: the PostgreSQL tests cannot be skipped in CI", EnvURL)
		}
		t.Skipf("pgtest: PostgreSQL skipped: %s is not set; set it (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run PostgreSQL tests", EnvURL)
	}
	if _, err := withDatabase(raw, "x"); err != nil {
		t.Fatalf("pgtest: %s: %v", EnvURL, err)
	}
	return raw
}

// withDatabase returns admin with its database name replaced.
func withDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("want a postgres:// URL")
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

func create(t testing.TB, admin, template string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "lyo_t_" + randomHex(8)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if err := createFrom(ctx, conn, name, template); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("pgtest: drop %s: connect: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		// FORCE ends sessions a test left open (an unclosed pool), which would
		// otherwise make the drop fail.
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	u, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// createFrom clones template into name.
func createFrom(ctx context.Context, conn *pgx.Conn, name, template string) error {
	err := execInUse(ctx, conn, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(template))
	if err != nil {
		return fmt.Errorf("create database %s from %s: %w", name, template, err)
	}
	return nil
}

// execInUse runs a statement that fails while anyone is connected to the database it
// copies or renames. A backend whose client just disconnected can linger for a moment,
// so it retries that one error until ctx ends.
func execInUse(ctx context.Context, conn *pgx.Conn, sql string) error {
	delay := 20 * time.Millisecond
	for {
		_, err := conn.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" { // object_in_use
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 500*time.Millisecond)
	}
}

// buildTemplate makes sure the template for the current migrations exists, building
// it under an advisory lock when it does not, and returns its name.
func buildTemplate(admin string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ms, err := postgres.Migrations()
	if err != nil {
		return "", err
	}
	river, err := postgres.RiverMigrations()
	if err != nil {
		return "", err
	}
	name := "lyo_tmpl_" + migrate.Hash(append(ms, river...))[:16]

	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	// The lock belongs to this session and ends with it, also if the test binary dies.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look up %s: %w", name, err)
	}
	if exists {
		return name, nil
	}
	// Build under a scratch name and rename when complete, so a binary killed halfway
	// leaves no template that looks finished.
	building := name + "_build"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(building)+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("drop stale %s: %w", building, err)
	}
	if err := createFrom(ctx, conn, building, "template0"); err != nil {
		return "", err
	}
	buildURL, err := withDatabase(admin, building)
	if err != nil {
		return "", err
	}
	db, err := postgres.Open(ctx, buildURL, 2, nil)
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	db.Close() // waits for the pool's connections to close, so the clone can start
	if err != nil {
		return "", err
	}
	if err := execInUse(ctx, conn, "ALTER DATABASE "+ident(building)+" RENAME TO "+ident(name)); err != nil {
		return "", fmt.Errorf("rename %s: %w", building, err)
	}
	return name, nil
}

func ident(s string) string { return pgx.Identifier{s}.Sanitize() }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
