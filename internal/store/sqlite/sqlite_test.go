package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/store/migrate"
)

func open(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenCreatesDirectoryAndSetsPragmas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "deeper", "lyo.db")
	db := open(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	for _, tc := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"busy_timeout", "5000"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"query_only", "0"},
	} {
		var got string
		if err := db.writer.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatalf("writer PRAGMA %s: %v", tc.pragma, err)
		}
		if got != tc.want {
			t.Errorf("writer PRAGMA %s = %s, want %s", tc.pragma, got, tc.want)
		}
	}
	var q string
	if err := db.reader.QueryRowContext(ctx, "PRAGMA query_only").Scan(&q); err != nil || q != "1" {
		t.Errorf("reader PRAGMA query_only = %q, %v; want 1", q, err)
	}
	if db.writer.Stats().MaxOpenConnections != 1 {
		t.Errorf("writer pool max = %d, want 1", db.writer.Stats().MaxOpenConnections)
	}
}

func TestReaderCannotWrite(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "lyo.db"))
	_, err := db.reader.ExecContext(context.Background(), "CREATE TABLE x (y INTEGER)")
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("write through the reader pool: err = %v, want a read-only error", err)
	}
}

func TestOpenRejectsPaths(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:x.db", filepath.Join(t.TempDir(), "x.db?_pragma=query_only(1)")} {
		if db, err := Open(context.Background(), path, nil); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

// A failed migration must leave neither its tables nor its version row behind.
func TestMigrateRollsBackAFailedMigration(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "lyo.db"))
	db.migrations = []migrate.Migration{
		{Version: 1, Name: "one", SQL: "CREATE TABLE one (x INTEGER);"},
		{Version: 2, Name: "two", SQL: "CREATE TABLE two (x INTEGER); INSERT INTO nowhere VALUES (1);"},
	}
	err := db.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "0002_two") {
		t.Fatalf("Migrate = %v, want an error naming 0002_two", err)
	}
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if len(status) != 2 || status[0].AppliedAt == nil || status[1].AppliedAt != nil {
		t.Errorf("MigrationStatus = %+v, want 1 applied and 2 pending", status)
	}
	var n int
	if err := db.reader.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'two'").Scan(&n); err != nil || n != 0 {
		t.Errorf("table from the failed migration: count %d, err %v; want it rolled back", n, err)
	}
}

func TestMigrationStatusBeforeMigrate(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "lyo.db"))
	status, err := db.MigrationStatus(context.Background())
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if len(status) == 0 {
		t.Fatal("no migrations listed")
	}
	for _, s := range status {
		if s.AppliedAt != nil {
			t.Errorf("migration %d applied before Migrate", s.Version)
		}
	}
}

// Two processes (here: two handles) migrating one file at once must both succeed.
func TestConcurrentMigrateOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lyo.db")
	dbs := []*DB{open(t, path), open(t, path), open(t, path)}
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { errs[i] = db.Migrate(context.Background()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("handle %d: Migrate: %v", i, err)
		}
	}
	var rows int
	if err := dbs[0].reader.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(dbs[0].migrations) {
		t.Errorf("schema_migrations has %d rows, want %d", rows, len(dbs[0].migrations))
	}
}

// A process that holds the write lock longer than busy_timeout (another node
// applying a long migration on a busy machine) makes migrating wait, not fail.
func TestMigrateWaitsOutALongLock(t *testing.T) {
	if testing.Short() {
		t.Skip("holds a lock past the five-second busy timeout")
	}
	path := filepath.Join(t.TempDir(), "lyo.db")
	holder := open(t, path)
	if err := holder.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.writer.Begin() // immediate: takes the write lock now
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(6 * time.Second)
		tx.Rollback()
		close(released)
	}()
	if err := open(t, path).Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate while another process held the lock for 6 s: %v", err)
	}
	select {
	case <-released:
	default:
		t.Fatal("Migrate returned while the lock was still held")
	}
}

func TestTimeTextSortsLikeTime(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 5, 0, time.UTC)
	times := []time.Time{base, base.Add(100 * time.Millisecond), base.Add(time.Second), base.Add(time.Nanosecond)}
	for i := range times {
		for j := range times {
			a, b := formatTime(times[i]), formatTime(times[j])
			if (a < b) != times[i].Before(times[j]) {
				t.Errorf("text order of %s and %s differs from time order", a, b)
			}
		}
		back, err := parseTime(formatTime(times[i]))
		if err != nil || !back.Equal(times[i]) {
			t.Errorf("round trip of %v = %v, %v", times[i], back, err)
		}
	}
}
