package flags_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/store/sqlite"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lyo.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestOtherNodesSeeChangesWithinTTL runs two services on one database, as two
// nodes would: a change on one reaches the other once its snapshot is older than
// the TTL, and not before (reads stay a map lookup).
func TestOtherNodesSeeChangesWithinTTL(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	log := slog.New(slog.DiscardHandler)
	a, err := flags.NewService(db, nil, 5*time.Second, clk.now, log)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := flags.NewService(db, map[string]bool{flags.APIDocs: false}, 5*time.Second, clk.now, log)
	if a.Enabled(ctx, flags.Maintenance) || !a.Enabled(ctx, flags.APIDocs) || b.Enabled(ctx, flags.APIDocs) {
		t.Fatal("defaults (built in, and from configuration) are wrong")
	}
	if err := a.Set(ctx, flags.Maintenance, true, "admin-1"); err != nil {
		t.Fatal(err)
	}
	if !a.Enabled(ctx, flags.Maintenance) {
		t.Error("the node that set the flag does not see it")
	}
	if b.Enabled(ctx, flags.Maintenance) {
		t.Error("another node re-read the database before its TTL")
	}
	clk.add(5 * time.Second)
	if !b.Enabled(ctx, flags.Maintenance) {
		t.Error("another node does not see the change after its TTL")
	}
	st, err := b.Get(ctx, flags.Maintenance)
	if err != nil || !st.Enabled || st.Override == nil || st.UpdatedBy != "admin-1" || st.Default {
		t.Errorf("state %+v %v", st, err)
	}
	if err := a.Reset(ctx, flags.Maintenance); err != nil {
		t.Fatal(err)
	}
	if err := a.Reset(ctx, flags.Maintenance); !errors.Is(err, flags.ErrNotFound) {
		t.Errorf("second reset: %v", err)
	}
	if a.Enabled(ctx, flags.Maintenance) {
		t.Error("reset did not restore the default")
	}
	if a.Enabled(ctx, "no_such_flag") {
		t.Error("an unknown flag reads as on")
	}
	if _, err := flags.NewService(db, map[string]bool{"typo": true}, time.Second, clk.now, log); !errors.Is(err, flags.ErrUnknown) {
		t.Errorf("unknown configured flag: %v", err)
	}
}

// TestStoreFailureKeepsLastAnswer closes the database under a service: flags keep
// their last known value instead of flipping to defaults.
func TestStoreFailureKeepsLastAnswer(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s, _ := flags.NewService(db, nil, time.Second, clk.now, slog.New(slog.DiscardHandler))
	if err := s.Set(ctx, flags.Maintenance, true, "cli"); err != nil {
		t.Fatal(err)
	}
	if !s.Enabled(ctx, flags.Maintenance) {
		t.Fatal("not set")
	}
	db.Close()
	clk.add(time.Minute)
	if !s.Enabled(ctx, flags.Maintenance) {
		t.Error("a database failure flipped the flag back to its default")
	}
}
