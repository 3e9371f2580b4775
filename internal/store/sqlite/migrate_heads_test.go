package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// TestMigrationEndsForkedSignIns applies the migration that gives each sign-in
// one live refresh token to a database where an older release forked one: that
// sign-in ends with a single head, and a healthy one is left alone.
func TestMigrationEndsForkedSignIns(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "lyo.db"))
	all := db.migrations
	at := -1
	for i, m := range all {
		if m.Name == "account_versions" {
			at = i
		}
	}
	if at < 0 {
		t.Fatal("no account_versions migration")
	}
	db.migrations = all[:at]
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const ts = "2026-01-02T03:04:05.000000000Z"
	for _, q := range []string{
		`INSERT INTO users (id, email, username, password_hash, role, created_at, updated_at)
			VALUES ('u1', 'a@example.com', 'a', 'h', 'learner', '` + ts + `', '` + ts + `')`,
		`INSERT INTO auth_families (id, user_id, created_at, last_used_at) VALUES ('forked', 'u1', '` + ts + `', '` + ts + `')`,
		`INSERT INTO auth_families (id, user_id, created_at, last_used_at) VALUES ('healthy', 'u1', '` + ts + `', '` + ts + `')`,
		`INSERT INTO refresh_tokens (id, family_id, user_id, hash, created_at, expires_at, rotated_at) VALUES
			('t1', 'forked', 'u1', x'01', '` + ts + `', '` + ts + `', '` + ts + `'),
			('t2', 'forked', 'u1', x'02', '` + ts + `', '` + ts + `', NULL),
			('t3', 'forked', 'u1', x'03', '` + ts + `', '` + ts + `', NULL),
			('t4', 'healthy', 'u1', x'04', '` + ts + `', '` + ts + `', '` + ts + `'),
			('t5', 'healthy', 'u1', x'05', '` + ts + `', '` + ts + `', NULL)`,
	} {
		if _, err := db.writer.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.migrations = all
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	var heads string
	if err := db.reader.QueryRowContext(ctx, `SELECT group_concat(id, ',') FROM (
		SELECT id FROM refresh_tokens WHERE rotated_at IS NULL ORDER BY id)`).Scan(&heads); err != nil {
		t.Fatal(err)
	}
	if heads != "t3,t5" {
		t.Errorf("live tokens after the migration: %s, want t3,t5 (one per sign-in, the newest)", heads)
	}
	var forked, healthy bool
	if err := db.reader.QueryRowContext(ctx, `SELECT
		(SELECT revoked_at IS NOT NULL FROM auth_families WHERE id = 'forked'),
		(SELECT revoked_at IS NOT NULL FROM auth_families WHERE id = 'healthy')`).Scan(&forked, &healthy); err != nil {
		t.Fatal(err)
	}
	if !forked || healthy {
		t.Errorf("revoked: forked %v, healthy %v; want true, false", forked, healthy)
	}
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO refresh_tokens (id, family_id, user_id, hash, created_at, expires_at)
		VALUES ('t6', 'healthy', 'u1', x'06', '`+ts+`', '`+ts+`')`); err == nil {
		t.Error("the schema accepted a second live token in a sign-in")
	}
}
