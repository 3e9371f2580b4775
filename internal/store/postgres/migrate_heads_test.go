package postgres_test

import (
	"context"
	"testing"
)

// TestMigrationEndsForkedSignIns runs the migrations before account_versions by
// hand, forks a sign-in as an older release could, and then runs that
// migration: the forked sign-in ends with a single head, a healthy one is left
// alone, and the schema refuses a second head from then on.
func TestMigrationEndsForkedSignIns(t *testing.T) {
	ctx := context.Background()
	conn, exec, rest := migratedBefore(t, "account_versions")
	exec(`INSERT INTO users (id, email, username, password_hash, role, created_at, updated_at)
		VALUES ('u1', 'a@example.com', 'a', 'h', 'learner', now(), now())`)
	exec(`INSERT INTO auth_families (id, user_id, created_at, last_used_at) VALUES ('forked', 'u1', now(), now()), ('healthy', 'u1', now(), now())`)
	exec(`INSERT INTO refresh_tokens (id, family_id, user_id, hash, created_at, expires_at, rotated_at) VALUES
		('t1', 'forked', 'u1', '\x01', now(), now(), now()),
		('t2', 'forked', 'u1', '\x02', now(), now(), NULL),
		('t3', 'forked', 'u1', '\x03', now(), now(), NULL),
		('t4', 'healthy', 'u1', '\x04', now(), now(), now()),
		('t5', 'healthy', 'u1', '\x05', now(), now(), NULL)`)
	exec(rest[0].SQL)

	var heads string
	if err := conn.QueryRow(ctx, `SELECT string_agg(id, ',' ORDER BY id COLLATE "C") FROM refresh_tokens WHERE rotated_at IS NULL`).Scan(&heads); err != nil {
		t.Fatal(err)
	}
	if heads != "t3,t5" {
		t.Errorf("live tokens after the migration: %s, want t3,t5 (one per sign-in, the newest)", heads)
	}
	var forked, healthy bool
	if err := conn.QueryRow(ctx, `SELECT
		(SELECT revoked_at IS NOT NULL FROM auth_families WHERE id = 'forked'),
		(SELECT revoked_at IS NOT NULL FROM auth_families WHERE id = 'healthy')`).Scan(&forked, &healthy); err != nil {
		t.Fatal(err)
	}
	if !forked || healthy {
		t.Errorf("revoked: forked %v, healthy %v; want true, false", forked, healthy)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO refresh_tokens (id, family_id, user_id, hash, created_at, expires_at)
		VALUES ('t6', 'healthy', 'u1', '\x06', now(), now())`); err == nil {
		t.Error("the schema accepted a second live token in a sign-in")
	}
}
