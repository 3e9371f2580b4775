package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/store/pgtest"
	"github.com/lyolearn/lyo/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir()})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func TestPostgres(t *testing.T) {
	pgtest.URL(t) // skips the whole suite, not each subtest, when unset
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.Open(context.Background(), store.Options{URL: pgtest.URL(t), MaxConns: 4})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

// Several nodes start at once against a database nobody has migrated yet.
func TestPostgresConcurrentMigrate(t *testing.T) {
	url := pgtest.EmptyURL(t)
	ctx := context.Background()
	const nodes = 3
	stores := make([]store.Store, nodes)
	for i := range stores {
		s, err := store.Open(ctx, store.Options{URL: url, MaxConns: 2})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() { errs[i] = s.Migrate(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: Migrate: %v", i, err)
		}
	}
	status, err := stores[0].MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	for _, m := range status {
		if m.AppliedAt == nil {
			t.Errorf("migration %d (%s) not applied", m.Version, m.Name)
		}
	}
}

func TestOpenDispatch(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name       string
		opts       store.Options
		wantEngine string
		wantFile   string // for SQLite: the file Open must create
		wantErr    string
	}{
		{name: "empty URL is SQLite in the data dir", opts: store.Options{DataDir: filepath.Join(dir, "data")}, wantEngine: "sqlite", wantFile: filepath.Join(dir, "data", "lyo.db")},
		{name: "sqlite: path", opts: store.Options{URL: "sqlite:" + filepath.Join(dir, "a", "x.db")}, wantEngine: "sqlite", wantFile: filepath.Join(dir, "a", "x.db")},
		{name: "sqlite:// absolute path", opts: store.Options{URL: "sqlite://" + filepath.Join(dir, "b.db")}, wantEngine: "sqlite", wantFile: filepath.Join(dir, "b.db")},
		{name: "file: path", opts: store.Options{URL: "file:" + filepath.Join(dir, "c.db")}, wantEngine: "sqlite", wantFile: filepath.Join(dir, "c.db")},
		{name: "bad scheme", opts: store.Options{URL: "mysql://root:secret@db/lyo"}, wantErr: `LYO_DATABASE_URL scheme "mysql" is not supported`},
		{name: "no scheme", opts: store.Options{URL: "host=db dbname=lyo"}, wantErr: "LYO_DATABASE_URL has no scheme"},
		{name: "sqlite without a path", opts: store.Options{URL: "sqlite:"}, wantErr: "names no file"},
		{name: "sqlite with parameters", opts: store.Options{URL: "sqlite:" + filepath.Join(dir, "d.db") + "?mode=ro"}, wantErr: "must not contain '?'"},
		{name: "nothing configured", opts: store.Options{}, wantErr: "both empty"},
		{name: "postgres without host part", opts: store.Options{URL: "postgres:lyo"}, wantErr: "want postgres://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(context.Background(), tt.opts)
			if tt.wantErr != "" {
				if err == nil {
					s.Close()
					t.Fatalf("Open(%q) succeeded, want error containing %q", tt.opts.URL, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open(%q) error = %v, want one containing %q", tt.opts.URL, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error %q leaks the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.opts.URL, err)
			}
			defer s.Close()
			if got := s.Engine(); got != tt.wantEngine {
				t.Errorf("Engine() = %q, want %q", got, tt.wantEngine)
			}
			if tt.wantFile != "" {
				if _, err := filepath.Glob(tt.wantFile); err != nil {
					t.Fatal(err)
				}
				if m, _ := filepath.Glob(tt.wantFile); len(m) != 1 {
					t.Errorf("Open did not create %s", tt.wantFile)
				}
			}
		})
	}
}

func TestOpenPostgresURL(t *testing.T) {
	for _, scheme := range []string{"postgres", "postgresql"} {
		t.Run(scheme, func(t *testing.T) {
			url := pgtest.URL(t)
			url = scheme + strings.TrimPrefix(url, strings.SplitN(url, ":", 2)[0])
			s, err := store.Open(context.Background(), store.Options{URL: url})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if s.Engine() != "postgres" {
				t.Errorf("Engine() = %q, want postgres", s.Engine())
			}
			if got := s.PoolStats().MaxOpen; got != 10 {
				t.Errorf("MaxOpen = %d, want the default 10", got)
			}
		})
	}
}
