// Package app wires Lyo together: configuration, logger, store, services, routes
// and servers, and the subcommands of the lyo binary.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Version and Commit are set at link time
// (-ldflags "-X github.com/lyolearn/lyo/internal/app.Commit=…"): the scripts, the
// Makefile and the Dockerfile pass the commit, for builds that carry no VCS
// stamping (a Docker build context has no .git).
var (
	Version = "dev"
	Commit  = ""
)

const usage = `lyo — the Lyo learning-platform backend

Usage:
  lyo serve [--no-migrate]     run the API server
  lyo migrate up               apply pending database migrations
  lyo migrate status           list migrations and whether they are applied
  lyo config check             print the effective configuration (secrets masked); exit 1 when invalid
  lyo config keygen            print a new random signing key for LYO_AUTH_SIGNING_KEYS
  lyo user create --email E [--password P | --password-stdin] [--role R] [--username U]
                               create an account (e.g. the first admin); works while serve runs
  lyo user token --id ID       print a short-lived access token for an existing user
  lyo seed --demo [--seed N]   load a believable demo catalogue, learners and their events
  lyo seed --synthetic --learners N --items M --events K [--seed S] [--now T] [--export FILE] [--force]
                               generate a synthetic data set at scale and load it through the batch paths
                               (or write its interactions as CSV); refused in production unless --force
  lyo seed --data FILE [--items FILE] [--format csv|recbole] [--threshold 4] [--shift-to-now] [--force]
                               import an interaction file (the formats eval reads) as learners, items and
                               events at their own times; refused in production unless --force
  lyo eval --data FILE [--format csv|recbole] [--items FILE] [--threshold 4] [--json] [--lists FILE] [--seed N]
                               evaluate the feed engine offline beside the baselines (no server, no database)
  lyo flags list               show feature flags, their defaults and overrides
  lyo flags set NAME on|off    override a flag for every node
  lyo flags reset NAME         remove the override
  lyo version                  print the version

Settings come from LYO_* environment variables (see README); LYO_CONFIG_FILE names
an optional file of the same NAME=value lines.
`

// ErrUsage marks a command line Lyo does not understand.
var ErrUsage = errors.New("usage")

// Run is the whole program: main only calls it.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return runStreams(ctx, args, getenv, os.Stdin, stdout, os.Stderr)
}

// run is Run with its input passed in and progress discarded, as tests want it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	return runStreams(ctx, args, getenv, stdin, stdout, io.Discard)
}

// runStreams is Run with every stream passed in; stderr carries the progress
// of long work.
func runStreams(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return fmt.Errorf("%w: name a command", ErrUsage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(stdout)
		noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations on start")
		if err := fs.Parse(rest); err != nil {
			return fmt.Errorf("%w: %v", ErrUsage, err)
		}
		return runServe(ctx, getenv, stdout, *noMigrate)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout)
	case "config":
		return runConfig(ctx, rest, getenv, stdout)
	case "user":
		return runUser(ctx, rest, getenv, stdin, stdout)
	case "seed":
		return runSeed(ctx, rest, getenv, stdout, stderr)
	case "flags":
		return runFlags(ctx, rest, getenv, stdout)
	case "eval":
		return runEval(ctx, rest, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, versionString())
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("%w: unknown command %q", ErrUsage, cmd)
}

func versionString() string {
	v := Version
	rev, modified, goVersion := Commit, "", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value // the toolchain's own stamp wins
			case "vcs.modified":
				modified = s.Value
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (" + rev
		if modified == "true" {
			v += ", modified"
		}
		v += ")"
	}
	return "lyo " + strings.TrimSpace(v+" "+goVersion)
}
