package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/store"
)

// openStore opens the configured database, waiting up to LYO_STARTUP_TIMEOUT for
// a server that is still starting (several containers start at once); an error
// names the setting an operator has to fix.
func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	setting := "LYO_DATABASE_URL"
	if cfg.DatabaseURL == "" {
		// SQLite in the data directory: that is what must be usable.
		setting = "LYO_DATA_DIR"
		if err := prepareDataDir(cfg.DataDir); err != nil {
			return nil, fmt.Errorf("LYO_DATA_DIR: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.StartupTimeout)
	defer cancel()
	for {
		db, err := openAndPing(ctx, cfg, log)
		if err == nil {
			return db, nil
		}
		if !store.Unavailable(err) && !errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s: %w", setting, err) // wrong, not slow: retrying will not help
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: database unreachable after %s (LYO_STARTUP_TIMEOUT): %w", setting, cfg.StartupTimeout, err)
		case <-time.After(time.Second):
			log.Warn("database not answering yet; retrying", "error", err)
		}
	}
}

func openAndPing(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxConns: cfg.DatabaseMaxConns, Logger: log})
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	return db, nil
}

// prepareDataDir creates the data directory private to Lyo's user (it holds the
// database and media), tightens one an older version left open, and proves it
// can be written before anything else starts.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the data directory %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil && !errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("make the data directory %s private: %w", dir, err)
		}
	}
	if err := writeProbe(dir); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return nil
}
