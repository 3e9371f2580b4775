package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/store/migrate"
	"github.com/lyolearn/lyo/internal/store/pgtest"
	"github.com/lyolearn/lyo/internal/store/postgres"
)

// migratedBefore runs, on an empty database of the test's own, every
// migration before the one named, as an older release left its schema. It
// returns the connection, an exec that fails the test on an error, and the
// migrations still to run, the named one first.
func migratedBefore(t *testing.T, name string) (*pgx.Conn, func(q string, args ...any), []migrate.Migration) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	ms, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%.80s…: %v", q, err)
		}
	}
	for i, m := range ms {
		if m.Name == name {
			return conn, exec, ms[i:]
		}
		exec(m.SQL)
	}
	t.Fatalf("no %s migration", name)
	return nil, nil, nil
}
