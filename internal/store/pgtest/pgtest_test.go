package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/store/pgtest"
)

func tables(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestURLGivesSeparateMigratedDatabases(t *testing.T) {
	a, b := pgtest.URL(t), pgtest.URL(t)
	if a == b {
		t.Fatalf("two calls returned the same database %s", a)
	}
	if n := tables(t, a); n < 3 { // schema_migrations, feature_flags, settings
		t.Errorf("URL database has %d tables, want a migrated schema", n)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE only_in_a (x int)"); err != nil {
		t.Fatal(err)
	}
	if n, m := tables(t, a), tables(t, b); n != m+1 {
		t.Errorf("a has %d tables, b %d: databases are not separate", n, m)
	}
}

func TestEmptyURLHasNoSchema(t *testing.T) {
	if n := tables(t, pgtest.EmptyURL(t)); n != 0 {
		t.Errorf("EmptyURL database has %d tables, want 0", n)
	}
}

func TestDatabaseDroppedAfterTest(t *testing.T) {
	pgtest.URL(t) // skips here rather than connecting to an empty URL below
	var url string
	t.Run("inner", func(t *testing.T) { url = pgtest.URL(t) })
	ctx := context.Background()
	if conn, err := pgx.Connect(ctx, url); err == nil {
		conn.Close(ctx)
		t.Errorf("database %s still exists after its test ended", url)
	}
}
