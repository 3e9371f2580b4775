package postgres_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store/storetest"
)

// TestMigrationBackfillsCaps runs the migrations before event_caps by hand,
// stores events over every cap as a release before the caps did, and then runs
// the rest, on a session whose time zone is far from UTC: the tallies left are
// those the caps of package events give, days are UTC days, and every event
// stored before stays counted.
func TestMigrationBackfillsCaps(t *testing.T) {
	ctx := context.Background()
	conn, exec, rest := migratedBefore(t, "event_caps")
	exec(`SET TimeZone = 'Pacific/Kiritimati'`) // UTC+14: both days of the events are one local day
	exec(`INSERT INTO users (id, email, username, password_hash, role, created_at, updated_at)
		VALUES ('u1', 'a@example.com', 'a', 'h', 'learner', now(), now())`)
	evs, want := storetest.CapsBackfill()
	for _, e := range evs {
		exec(`INSERT INTO events (user_id, client_id, type, item_id, at, received_at) VALUES ('u1', $1, $2, $3, $4, $5)`,
			e.ClientID, string(e.Type), e.ItemID, e.At, e.ReceivedAt)
	}
	for _, m := range rest {
		exec(m.SQL)
	}

	rows, err := conn.Query(ctx, `SELECT user_id, item_id, kind, scope, counted FROM event_tallies`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[events.TallyKey]int64{}
	var user string
	var k events.TallyKey
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&user, &k.ItemID, &k.Kind, &k.Scope, &n}, func() error {
		if user != "u1" {
			t.Errorf("a tally of learner %q", user)
		}
		got[k] = n
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tallies after the migration (-caps of package events +migration):\n%s", diff)
	}
	var uncounted int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM events WHERE NOT counted`).Scan(&uncounted); err != nil {
		t.Fatal(err)
	}
	if uncounted != 0 {
		t.Errorf("%d events stored before the caps left uncounted, want none", uncounted)
	}
}
