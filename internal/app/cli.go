package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/obs"
	"github.com/lyolearn/lyo/internal/store"
)

// cliStore opens the database for a command-line tool, with a quiet logger.
func cliStore(ctx context.Context, getenv func(string) string, stdout io.Writer) (*config.Config, store.Store, *slog.Logger, error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, nil, nil, err
	}
	log := obs.NewLogger(stdout, "warn", cfg.LogFormat)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	return cfg, db, log, nil
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "status") {
		return fmt.Errorf("%w: lyo migrate up|status", ErrUsage)
	}
	_, db, _, err := cliStore(ctx, getenv, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "up" {
		before, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		if err := db.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		applied := 0
		for _, m := range before {
			if m.AppliedAt == nil {
				fmt.Fprintf(stdout, "applied %04d %s\n", m.Version, m.Name)
				applied++
			}
		}
		fmt.Fprintf(stdout, "%s schema is up to date (%d applied now)\n", db.Engine(), applied)
		return nil
	}
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
	for _, m := range status {
		applied := "pending"
		if m.AppliedAt != nil {
			applied = m.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, applied)
	}
	return tw.Flush()
}

func runConfig(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: lyo config check|keygen", ErrUsage)
	}
	switch args[0] {
	case "keygen":
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return err
		}
		fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(seed))
		return nil
	case "check":
		cfg, err := config.Load(getenv)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, cfg.String())
		if err := cfg.Validate(); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "configuration is valid for", cfg.Env)
		return nil
	}
	return fmt.Errorf("%w: lyo config check|keygen", ErrUsage)
}

func runFlags(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: lyo flags list|set NAME on|off|reset NAME", ErrUsage)
	}
	cfg, db, log, err := cliStore(ctx, getenv, stdout)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	svc, err := flags.NewService(db, cfg.Flags, 0, time.Now, log)
	if err != nil {
		return err
	}
	switch {
	case args[0] == "list" && len(args) == 1:
		states, err := svc.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tENABLED\tDEFAULT\tOVERRIDE\tDESCRIPTION")
		for _, s := range states {
			override := "-"
			if s.Override != nil {
				override = fmt.Sprintf("%v (by %s, %s)", *s.Override, s.UpdatedBy, s.UpdatedAt.Format(time.RFC3339))
			}
			fmt.Fprintf(tw, "%s\t%v\t%v\t%s\t%s\n", s.Name, s.Enabled, s.Default, override, s.Description)
		}
		return tw.Flush()
	case args[0] == "set" && len(args) == 3:
		var on bool
		switch args[2] {
		case "on", "true":
			on = true
		case "off", "false":
		default:
			return fmt.Errorf("%w: lyo flags set NAME on|off", ErrUsage)
		}
		if err := svc.Set(ctx, args[1], on, "cli"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %v on every node (within a few seconds)\n", args[1], on)
		return nil
	case args[0] == "reset" && len(args) == 2:
		if err := svc.Reset(ctx, args[1]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is back to its default\n", args[1])
		return nil
	}
	return fmt.Errorf("%w: lyo flags list|set NAME on|off|reset NAME", ErrUsage)
}
