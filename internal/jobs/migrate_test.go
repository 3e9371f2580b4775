package jobs_test

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/lyolearn/lyo/internal/store/pgtest"
	"github.com/lyolearn/lyo/internal/store/postgres"
	"github.com/lyolearn/lyo/internal/store/sqlite"
)

// riverVersions is how many migrations River v0.51 has on each engine; a River
// upgrade that adds some changes it, and this test says so.
var riverVersions = map[string]int64{"sqlite": 8, "postgres": 8}

// Nodes starting together on an empty database each run the store's migrations,
// River's included: every one succeeds and each River version is applied once.
func TestRiverMigratesWithTheStoreFromSeveralNodes(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "lyo.db")
		var dbs []*sqlite.DB
		for range 3 {
			db, err := sqlite.Open(ctx, path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			dbs = append(dbs, db)
		}
		var g errgroup.Group
		for _, db := range dbs {
			g.Go(func() error { return db.Migrate(ctx) })
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		if err := dbs[0].Migrate(ctx); err != nil {
			t.Fatalf("migrating again: %v", err)
		}
		var n int64
		if err := dbs[0].Reader().QueryRowContext(ctx, `SELECT count(*) FROM river_migration`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != riverVersions["sqlite"] {
			t.Errorf("river_migration has %d rows; want %d", n, riverVersions["sqlite"])
		}
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		url := pgtest.EmptyURL(t)
		var dbs []*postgres.DB
		for range 3 {
			// One connection each: River's migrator must not need a second one.
			db, err := postgres.Open(ctx, url, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			dbs = append(dbs, db)
		}
		var g errgroup.Group
		for _, db := range dbs {
			g.Go(func() error { return db.Migrate(ctx) })
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		if err := dbs[0].Migrate(ctx); err != nil {
			t.Fatalf("migrating again: %v", err)
		}
		var n int64
		if err := dbs[0].Pool().QueryRow(ctx, `SELECT count(*) FROM river_migration`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != riverVersions["postgres"] {
			t.Errorf("river_migration has %d rows; want %d", n, riverVersions["postgres"])
		}
	})
}
