package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/store/pgtest"
)

func runCLI(t *testing.T, getenv func(string) string, args ...string) (string, error) {
	t.Helper()
	return runCLIStdin(t, getenv, "", args...)
}

func runCLIStdin(t *testing.T, getenv func(string) string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out)
	return out.String(), err
}

func TestCLI(t *testing.T) {
	dbs := map[string]func(testing.TB) string{"sqlite": func(testing.TB) string { return "" }, "postgres": pgtest.EmptyURL /* unmigrated */}
	for engine, dbURL := range dbs {
		t.Run(engine, func(t *testing.T) {
			getenv := testEnv(t, dbURL(t), nil)
			out, err := runCLI(t, getenv, "migrate", "status")
			if err != nil || !strings.Contains(out, "0001") || !strings.Contains(out, "pending") {
				t.Fatalf("status before migrating: %v\n%s", err, out)
			}
			if out, err = runCLI(t, getenv, "migrate", "up"); err != nil || !strings.Contains(out, "applied 0001") {
				t.Fatalf("migrate up: %v\n%s", err, out)
			}
			if out, err = runCLI(t, getenv, "migrate", "up"); err != nil || !strings.Contains(out, "(0 applied now)") {
				t.Fatalf("second migrate up: %v\n%s", err, out)
			}
			if out, err = runCLI(t, getenv, "migrate", "status"); err != nil || strings.Contains(out, "pending") {
				t.Fatalf("status after migrating: %v\n%s", err, out)
			}
			if out, err = runCLI(t, getenv, "flags", "set", "maintenance", "on"); err != nil {
				t.Fatalf("flags set: %v\n%s", err, out)
			}
			if out, err = runCLI(t, getenv, "flags", "list"); err != nil || !strings.Contains(out, "maintenance") || !strings.Contains(out, "true (by cli") {
				t.Fatalf("flags list: %v\n%s", err, out)
			}
			if _, err = runCLI(t, getenv, "flags", "set", "nope", "on"); err == nil {
				t.Error("flags set accepted an unknown flag")
			}
			if _, err = runCLI(t, getenv, "flags", "reset", "maintenance"); err != nil {
				t.Errorf("flags reset: %v", err)
			}
		})
	}
}

func TestConfigCheck(t *testing.T) {
	prod := func(extra map[string]string) func(string) string {
		m := map[string]string{"LYO_ENV": "production", "LYO_DATABASE_URL": "postgres://lyo:hunter2@db/lyo", "LYO_METRICS_ADDR": "127.0.0.1:9100"}
		for k, v := range extra {
			m[k] = v
		}
		return func(k string) string { return m[k] }
	}
	out, err := runCLI(t, prod(nil), "config", "check")
	if err == nil || !strings.Contains(err.Error(), "LYO_AUTH_SIGNING_KEYS") {
		t.Errorf("production without a signing key passed the check: %v", err)
	}
	if strings.Contains(out, "hunter2") || !strings.Contains(out, "LYO_DATABASE_URL=postgres://lyo:****@db/lyo") {
		t.Errorf("config check printed a secret, or hid too much:\n%s", out)
	}
	key, err := runCLI(t, prod(nil), "config", "keygen")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := config.DecodeSigningKey(strings.TrimSpace(key)); err != nil {
		t.Errorf("keygen printed an unusable key %q: %v", key, err)
	}
	if out, err := runCLI(t, prod(map[string]string{"LYO_AUTH_SIGNING_KEYS": strings.TrimSpace(key)}), "config", "check"); err != nil || !strings.Contains(out, "valid for production") {
		t.Errorf("a complete production config failed: %v\n%s", err, out)
	}
	// /metrics on the public listener is refused in production, by check and by serve.
	public := prod(map[string]string{"LYO_AUTH_SIGNING_KEYS": strings.TrimSpace(key), "LYO_METRICS_ADDR": ""})
	for _, cmd := range [][]string{{"config", "check"}, {"serve"}} {
		if _, err := runCLI(t, public, cmd...); err == nil || !strings.Contains(err.Error(), "LYO_METRICS_ADDR") {
			t.Errorf("lyo %v with /metrics on the public listener in production: %v", cmd, err)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}, {"migrate"}, {"migrate", "down"}, {"config"}, {"serve", "--bogus"}} {
		if _, err := runCLI(t, testEnv(t, "", nil), args...); !errors.Is(err, ErrUsage) {
			t.Errorf("lyo %v: err = %v, want a usage error", args, err)
		}
	}
	if out, err := runCLI(t, nil, "version"); err != nil || !strings.HasPrefix(out, "lyo ") {
		t.Errorf("version: %q %v", out, err)
	}
}

func TestCLIUser(t *testing.T) {
	getenv := testEnv(t, "", nil)
	if _, err := runCLI(t, getenv, "user", "create", "--email", "root@example.com"); !errors.Is(err, ErrUsage) {
		t.Errorf("create without a password: %v", err)
	}
	out, err := runCLIStdin(t, getenv, "a long admin password\n", "user", "create", "--email", "Root@Example.com", "--password-stdin", "--role", "admin")
	if err != nil || !strings.Contains(out, "root@example.com") || !strings.Contains(out, "role admin") {
		t.Fatalf("create admin: %v\n%s", err, out)
	}
	id := strings.Fields(out)[1]
	if _, err := runCLI(t, getenv, "user", "create", "--email", "root@example.com", "--password", "another password"); err == nil {
		t.Error("a second account with the same email was created")
	}
	if _, err := runCLI(t, getenv, "user", "create", "--email", "x@example.com", "--password", "short"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("a short password: %v", err)
	}
	tok, err := runCLI(t, getenv, "user", "token", "--id", id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, getenv, "user", "token", "--id", "nobody"); err == nil {
		t.Error("a token for an unknown user")
	}

	// The CLI wrote to the same database a server reads: the admin can sign in,
	// and the printed token works.
	cfg, _ := loadConfig(getenv)
	s := newTestServerFromConfig(t, cfg, io.Discard)
	c := newClient(t, s, nil)
	want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "root@example.com", "password": "a long admin password"}), 200, nil)
	var me map[string]any
	want(t, c.as(strings.TrimSpace(tok)).do("GET", "/api/v1/admin/users", nil), 200, &me)
}
