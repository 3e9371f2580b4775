package app

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// startServe runs `lyo serve` through the real start-up path and returns its
// error; a start-up that hangs past 15 s fails the test.
func startServe(t *testing.T, env map[string]string) error {
	t.Helper()
	getenv := testEnv(t, "", env)
	done := make(chan error, 1)
	go func() {
		var out bytes.Buffer
		done <- run(context.Background(), []string{"serve"}, getenv, strings.NewReader(""), &out)
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		t.Fatal("serve neither started nor gave up within 15s")
		return nil
	}
}

// underAFile is a path no one can create a directory at, even as root: its
// parent is a regular file.
func underAFile(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(f, "data")
}

// silentServer accepts connections and never answers, like a database behind
// a dead link.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// TestStartupErrorsNameTheSetting runs serve with settings that cannot work: each
// start-up fails with an error naming the setting, instead of a panic.
func TestStartupErrorsNameTheSetting(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     map[string]string
		setting string
	}{
		{"data directory that cannot be created", map[string]string{"LYO_DATA_DIR": underAFile(t)}, "LYO_DATA_DIR"},
		{"database refusing connections", map[string]string{"LYO_DATABASE_URL": "postgres://lyo@127.0.0.1:1/lyo?sslmode=disable", "LYO_STARTUP_TIMEOUT": "1s"}, "LYO_DATABASE_URL"},
		{"database that never answers", map[string]string{"LYO_DATABASE_URL": "postgres://lyo@" + silentServer(t) + "/lyo?sslmode=disable", "LYO_STARTUP_TIMEOUT": "1s"}, "LYO_DATABASE_URL"},
		{"address that cannot be listened on", map[string]string{"LYO_HTTP_ADDR": "8001"}, "LYO_HTTP_ADDR"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := startServe(t, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.setting+":") {
				t.Errorf("serve: %v; want an error naming %s", err, tt.setting)
			}
			if errors.Is(err, ErrUsage) {
				t.Errorf("a bad setting reported as a usage error (exit 2): %v", err)
			}
		})
	}
}

// TestReadOnlyDataDirIsNamed mounts a read-only file system as the data
// directory (file modes cannot stop root, which CI runs as): serve names
// LYO_DATA_DIR and says why.
func TestReadOnlyDataDirIsNamed(t *testing.T) {
	dir := mountTmpfs(t, "ro,size=1m")
	err := startServe(t, map[string]string{"LYO_DATA_DIR": dir})
	if err == nil || !strings.Contains(err.Error(), "LYO_DATA_DIR:") || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("serve on a read-only data directory: %v; want LYO_DATA_DIR named as read-only", err)
	}
}

// TestStartupErrorExitsOne runs the real process with a data directory it cannot
// create: exit status 1, the setting named on stderr, no panic.
func TestStartupErrorExitsOne(t *testing.T) {
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), "LYO_TEST_AS_MAIN=1", "LYO_DATA_DIR="+underAFile(t), "LYO_HTTP_ADDR=127.0.0.1:0", "LYO_DATABASE_URL=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("lyo serve: %v, want exit status 1\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "LYO_DATA_DIR") || strings.Contains(stderr.String(), "panic") {
		t.Errorf("stderr does not name the setting, or panicked:\n%s", stderr.String())
	}
}

// TestRedisDownAtStartIsNotFatal starts a production node whose Redis does not
// answer: it starts, degraded, and says so in readiness.
func TestRedisDownAtStartIsNotFatal(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", map[string]string{
		"LYO_ENV": "production", "LYO_AUTH_SIGNING_KEYS": mustKeygen(t), "LYO_METRICS_ADDR": "127.0.0.1:0",
		"LYO_PASSWORD_MEMORY_KIB": "19456", "LYO_PASSWORD_ITERATIONS": "2", "LYO_REDIS_URL": "redis://127.0.0.1:1/0",
	}))
	c := newClient(t, s, nil)
	w := c.do("GET", "/readyz", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"status":"degraded"`) ||
		!strings.Contains(w.Body.String(), `{"name":"redis","status":"failing","optional":true`) {
		t.Errorf("readiness with Redis down at start: %d %s", w.Code, w.Body)
	}
}
