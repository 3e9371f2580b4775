package migrate

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func files(names ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, n := range names {
		fsys[n] = &fstest.MapFile{Data: []byte("-- " + n + "\nSELECT 1;\n")}
	}
	return fsys
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []Migration
		wantErr string // substring; empty means success
	}{
		{
			name: "sorted by version, not by listing order",
			fsys: files("0002_add_settings.sql", "0001_init.sql", "0010_late.sql", "0003_c.sql",
				"0004_d.sql", "0005_e.sql", "0006_f.sql", "0007_g.sql", "0008_h.sql", "0009_i.sql"),
			want: func() []Migration {
				names := []string{"init", "add_settings", "c", "d", "e", "f", "g", "h", "i", "late"}
				files := []string{"0001_init.sql", "0002_add_settings.sql", "0003_c.sql", "0004_d.sql",
					"0005_e.sql", "0006_f.sql", "0007_g.sql", "0008_h.sql", "0009_i.sql", "0010_late.sql"}
				var ms []Migration
				for i := range names {
					ms = append(ms, Migration{Version: i + 1, Name: names[i], SQL: "-- " + files[i] + "\nSELECT 1;\n"})
				}
				return ms
			}(),
		},
		{name: "single", fsys: files("0001_init.sql"), want: []Migration{{Version: 1, Name: "init", SQL: "-- 0001_init.sql\nSELECT 1;\n"}}},
		{name: "empty directory", fsys: fstest.MapFS{}, wantErr: "no migration files"},
		{name: "duplicate version", fsys: files("0001_init.sql", "0001_other.sql"), wantErr: "version 1 used by both"},
		{name: "gap", fsys: files("0001_init.sql", "0003_skip.sql"), wantErr: "version 2 is missing"},
		{name: "does not start at one", fsys: files("0002_init.sql"), wantErr: "version 1 is missing"},
		{name: "version zero", fsys: files("0000_init.sql"), wantErr: "bad version"},
		{name: "short version", fsys: files("1_init.sql"), wantErr: "bad file name"},
		{name: "dash", fsys: files("0001-init.sql"), wantErr: "bad file name"},
		{name: "upper-case extension", fsys: files("0001_init.SQL"), wantErr: "bad file name"},
		{name: "no name", fsys: files("0001_.sql"), wantErr: "bad file name"},
		{name: "stray file", fsys: files("0001_init.sql", "README.md"), wantErr: "bad file name"},
		{name: "directory", fsys: fstest.MapFS{"0001_init.sql": {Data: []byte("x")}, "sub/0002_x.sql": {Data: []byte("x")}}, wantErr: "unexpected directory"},
		{name: "blank file", fsys: fstest.MapFS{"0001_init.sql": {Data: []byte(" \n\t")}}, wantErr: "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.fsys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse() error = %v, want one containing %q", err, tt.wantErr)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("Parse() error %v does not wrap ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(): %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	t1 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := t1.Add(time.Minute)
	t3 := t2.Add(time.Minute)
	known := []Migration{{Version: 1, Name: "init"}, {Version: 2, Name: "b"}, {Version: 3, Name: "c"}}
	tests := []struct {
		name    string
		known   []Migration
		applied []Applied
		want    []Status
	}{
		{
			name:  "fresh database",
			known: known,
			want:  []Status{{Version: 1, Name: "init"}, {Version: 2, Name: "b"}, {Version: 3, Name: "c"}},
		},
		{
			name:    "partly applied",
			known:   known,
			applied: []Applied{{Version: 2, Name: "b", AppliedAt: t2}, {Version: 1, Name: "init", AppliedAt: t1}},
			want:    []Status{{Version: 1, Name: "init", AppliedAt: &t1}, {Version: 2, Name: "b", AppliedAt: &t2}, {Version: 3, Name: "c"}},
		},
		{
			name:    "database newer than binary",
			known:   known[:1],
			applied: []Applied{{Version: 1, Name: "init", AppliedAt: t1}, {Version: 3, Name: "c", AppliedAt: t3}, {Version: 2, Name: "b", AppliedAt: t2}},
			want:    []Status{{Version: 1, Name: "init", AppliedAt: &t1}, {Version: 2, Name: "b", AppliedAt: &t2}, {Version: 3, Name: "c", AppliedAt: &t3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Merge(tt.known, tt.applied)); diff != "" {
				t.Errorf("Merge() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHashChangesWithContent(t *testing.T) {
	a := []Migration{{Version: 1, Name: "init", SQL: "CREATE TABLE a (x int);"}}
	b := []Migration{{Version: 1, Name: "init", SQL: "CREATE TABLE a (x bigint);"}}
	if Hash(a) == Hash(b) {
		t.Error("Hash ignores the SQL text")
	}
	if Hash(a) != Hash([]Migration{{Version: 1, Name: "init", SQL: "CREATE TABLE a (x int);"}}) {
		t.Error("Hash is not deterministic")
	}
}
