// Package migrate reads the numbered SQL migration files that each database engine
// embeds, and reports which of them a database has applied. It does no I/O beyond
// reading the fs.FS it is given, so both engines share one set of rules for what a
// well-formed migration directory is.
package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string // the file name between the version and ".sql", e.g. "init"
	SQL     string
}

// Applied is a row of an engine's schema_migrations table.
type Applied struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

// Status is one migration as an operator sees it: known to this binary, applied to
// the database, or both. AppliedAt is nil while the migration is pending.
type Status struct {
	Version   int
	Name      string
	AppliedAt *time.Time
}

// ErrInvalid is wrapped by every error about a malformed migration directory.
var ErrInvalid = errors.New("invalid migrations")

// fileName is strict on purpose: a file that almost matches (0002-x.sql, 2_x.sql,
// 0002_x.SQL) would otherwise be skipped silently and never applied.
var fileName = regexp.MustCompile(`^([0-9]{4,})_([a-z0-9][a-z0-9_]*)\.sql$`)

// Parse reads every file at the root of fsys as a migration named like
// "0001_init.sql" and returns them sorted by version. Versions must start at 1 and
// have no gaps or duplicates; any other entry in the directory is an error.
func Parse(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	byVersion := make(map[int]string, len(entries))
	var out []Migration
	for _, e := range entries {
		if e.IsDir() {
			return nil, fmt.Errorf("%w: unexpected directory %q", ErrInvalid, e.Name())
		}
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("%w: bad file name %q (want NNNN_name.sql, lower case)", ErrInvalid, e.Name())
		}
		version, err := strconv.Atoi(m[1])
		if err != nil || version < 1 {
			return nil, fmt.Errorf("%w: bad version in %q", ErrInvalid, e.Name())
		}
		if prev, dup := byVersion[version]; dup {
			return nil, fmt.Errorf("%w: version %d used by both %q and %q", ErrInvalid, version, prev, e.Name())
		}
		byVersion[version] = e.Name()
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		if strings.TrimSpace(string(body)) == "" {
			return nil, fmt.Errorf("%w: %q is empty", ErrInvalid, e.Name())
		}
		out = append(out, Migration{Version: version, Name: m[2], SQL: string(body)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no migration files", ErrInvalid)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("%w: version %d is missing (next is %q)", ErrInvalid, i+1, byVersion[m.Version])
		}
	}
	return out, nil
}

// Merge lists every migration this binary knows, with its applied time when the
// database has it, followed by any version the database has applied that this binary
// does not know (a newer binary migrated it: a rolling deploy or a rollback).
func Merge(known []Migration, applied []Applied) []Status {
	at := make(map[int]Applied, len(applied))
	for _, a := range applied {
		at[a.Version] = a
	}
	out := make([]Status, 0, len(known)+len(applied))
	seen := make(map[int]bool, len(known))
	for _, m := range known {
		s := Status{Version: m.Version, Name: m.Name}
		if a, ok := at[m.Version]; ok {
			t := a.AppliedAt
			s.AppliedAt = &t
		}
		seen[m.Version] = true
		out = append(out, s)
	}
	for _, a := range applied {
		if !seen[a.Version] {
			t := a.AppliedAt
			out = append(out, Status{Version: a.Version, Name: a.Name, AppliedAt: &t})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// Hash identifies a set of migrations by content, so a cached database built from
// them (a test template) is rebuilt whenever any file changes.
func Hash(ms []Migration) string {
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d\x00%s\x00%d\x00%s\x00", m.Version, m.Name, len(m.SQL), m.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))
}
