package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/store/pgtest"
	"github.com/lyolearn/lyo/internal/store/postgres"
)

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := postgres.Open(ctx, "postgres://u:pw@127.0.0.1:5432/x", -1, nil); err == nil {
		t.Error("Open with negative max connections succeeded")
	}
	_, err := postgres.Open(ctx, "postgres://lyo:hunter2@127.0.0.1:5432/x?sslmode=bogus", 0, nil)
	if err == nil {
		t.Fatal("Open with a bad sslmode succeeded")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %q leaks the password", err)
	}
}

func TestMigrateFreshDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.EmptyURL(t), 2, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus before Migrate: %v", err)
	}
	for _, s := range status {
		if s.AppliedAt != nil {
			t.Errorf("migration %d applied before Migrate", s.Version)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	// The advisory lock must be released: another session can take it at once.
	var got bool
	if err := db.Pool().QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", int64(0x6c796f6d696772)).Scan(&got); err != nil || !got {
		t.Errorf("advisory lock still held after Migrate (got %v, err %v)", got, err)
	}
	var types []string
	rows, err := db.Pool().Query(ctx, `SELECT data_type FROM information_schema.columns
		WHERE table_name = 'settings' ORDER BY column_name`)
	if err != nil {
		t.Fatal(err)
	}
	if types, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	if want := "timestamp with time zone,text,bytea"; strings.Join(types, ",") != want {
		t.Errorf("settings column types = %v, want %s", types, want)
	}
}
