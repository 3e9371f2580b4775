package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store/sqlite"
	"github.com/lyolearn/lyo/internal/store/storetest"
)

// TestMigrationBackfillsCaps stores events over every cap as a release before
// the caps did, then runs the caps migration: the tallies it leaves are those
// the caps of package events give, and every event stored before stays counted.
func TestMigrationBackfillsCaps(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lyo.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.MigrateBefore(ctx, "event_caps"); err != nil {
		t.Fatal(err)
	}
	w := db.Writer()
	const ts = "2026-01-02T03:04:05.000000000Z"
	if _, err := w.ExecContext(ctx, `INSERT INTO users (id, email, username, password_hash, role, created_at, updated_at)
		VALUES ('u1', 'a@example.com', 'a', 'h', 'learner', ?, ?)`, ts, ts); err != nil {
		t.Fatal(err)
	}
	evs, want := storetest.CapsBackfill()
	for _, e := range evs {
		if _, err := w.ExecContext(ctx, `INSERT INTO events (user_id, client_id, type, item_id, at, received_at)
			VALUES ('u1', ?, ?, ?, ?, ?)`, e.ClientID, string(e.Type), e.ItemID, sqlite.FormatTime(e.At),
			sqlite.FormatTime(e.ReceivedAt)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}

	rows, err := w.QueryContext(ctx, `SELECT user_id, item_id, kind, scope, counted FROM event_tallies`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[events.TallyKey]int64{}
	for rows.Next() {
		var user string
		var k events.TallyKey
		var n int64
		if err := rows.Scan(&user, &k.ItemID, &k.Kind, &k.Scope, &n); err != nil {
			t.Fatal(err)
		}
		if user != "u1" {
			t.Errorf("a tally of learner %q", user)
		}
		got[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tallies after the migration (-caps of package events +migration):\n%s", diff)
	}
	var uncounted int
	if err := w.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE counted = 0`).Scan(&uncounted); err != nil {
		t.Fatal(err)
	}
	if uncounted != 0 {
		t.Errorf("%d events stored before the caps left uncounted, want none", uncounted)
	}
}
