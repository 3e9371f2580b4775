package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/store/pgtest"
	"github.com/lyolearn/lyo/internal/store/postgres"
	"github.com/lyolearn/lyo/internal/store/storetest"
)

// Hidden items arrive through hide events; the suite needs rows written the way
// the events store writes them, so the test inserts them directly.
func TestHiddenItems(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.URL(t), 2, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	storetest.HiddenItems(t, db, func(userID, itemID string, at time.Time) {
		t.Helper()
		if _, err := db.Pool().Exec(ctx, `INSERT INTO hidden_items (user_id, item_id, hidden_at) VALUES ($1, $2, $3)`,
			userID, itemID, at); err != nil {
			t.Fatalf("hide %s for %s: %v", itemID, userID, err)
		}
	})
}
