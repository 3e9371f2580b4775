package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestDatabaseFilesArePrivate: the file holds password hashes and the signing
// key, so it, its WAL and shared-memory files are 0600 and a directory made
// for it 0700, whatever the umask; files an older version left 0644 are tightened.
func TestDatabaseFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "lyo.db")
	db := open(t, path)
	if err := db.Migrate(context.Background()); err != nil { // writes: the WAL exists now
		t.Fatal(err)
	}
	wantMode(t, dir, 0o700)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		wantMode(t, p, 0o600)
	}
	db.Close()

	old := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, old)
	wantMode(t, old, 0o600)
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", filepath.Base(path), got, want)
	}
}

// TestFullDatabaseIsUnavailable caps the file's size the way a full disk does:
// the write fails, and the error says "full", not a bug.
func TestFullDatabaseIsUnavailable(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "lyo.db"))
	if _, err := db.writer.ExecContext(ctx, "CREATE TABLE blobs (b BLOB)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, "PRAGMA max_page_count = 8"); err != nil {
		t.Fatal(err)
	}
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		_, err = db.writer.ExecContext(ctx, "INSERT INTO blobs VALUES (zeroblob(4096))")
	}
	if !Full(err) || !Unavailable(err) {
		t.Fatalf("writing past the cap: %v; want a full database, unavailable", err)
	}
	if _, err := db.writer.ExecContext(ctx, "INSERT INTO nothing VALUES (1)"); Unavailable(err) {
		t.Errorf("a statement error was taken for an outage: %v", err)
	}
}
