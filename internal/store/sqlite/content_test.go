package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/store/sqlite"
	"github.com/lyolearn/lyo/internal/store/storetest"
)

// Hidden items arrive through hide events; the suite needs rows written the way
// the events store writes them, so a second connection inserts them directly.
func TestHiddenItems(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lyo.db"), nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	raw, err := sql.Open("sqlite", db.Path()+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatalf("open raw connection: %v", err)
	}
	t.Cleanup(func() { raw.Close() })
	storetest.HiddenItems(t, db, func(userID, itemID string, at time.Time) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, `INSERT INTO hidden_items (user_id, item_id, hidden_at) VALUES (?, ?, ?)`,
			userID, itemID, at.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")); err != nil {
			t.Fatalf("hide %s for %s: %v", itemID, userID, err)
		}
	})
}
