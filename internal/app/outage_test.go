package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lyolearn/lyo/internal/store/pgtest"
)

// freePort is a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// privateRedis runs a redis-server of the test's own on port; kill stops it
// (and the test's end does, whatever happened).
func privateRedis(t *testing.T, port int) (kill func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed; CI needs it for the outage tests")
		}
		t.Skip("Redis outage skipped: redis-server is not installed")
	}
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	kill = func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	}
	t.Cleanup(kill)
	client := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	defer client.Close()
	for start := time.Now(); client.Ping(context.Background()).Err() != nil; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatal("the private redis-server did not answer within 10s")
		}
	}
	return kill
}

// eventually polls cond until it holds, failing the test after 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%s: not within 10s", what)
		}
	}
}

// TestRedisOutage kills the node's Redis and brings it back: readiness stays 200,
// says degraded, limits switch to the node's own (and still refuse), the sign-in
// throttle never opens, and everything switches back when Redis returns.
func TestRedisOutage(t *testing.T) {
	port := freePort(t)
	kill := privateRedis(t, port)
	s := authServer(t, "", newClock(), map[string]string{"LYO_REDIS_URL": fmt.Sprintf("redis://127.0.0.1:%d/0", port)})
	c := newClient(t, s, nil)
	c.register("victim@example.com", "the right password")
	ready := func(want string) func() bool {
		return func() bool {
			w := c.do("GET", "/readyz", nil)
			return w.Code == 200 && strings.Contains(w.Body.String(), want)
		}
	}
	// A check slower than its timeout on a loaded machine reports the node
	// unready for one cached second: wait for the state, not for a first answer.
	eventually(t, "ready on a working Redis", func() bool { return ready(`"status":"ready"`)() && s.limits.Shared() })

	kill()
	eventually(t, "readiness says degraded with Redis down", ready(`{"name":"redis","status":"failing","optional":true`))
	if s.limits.Shared() {
		t.Error("the limiter still asks Redis after the probe found it down")
	}
	// The sign-in throttle holds: wrong passwords are refused past its burst.
	attacker := c.from("198.51.100.7")
	refused := false
	for range loginPerPair.Burst + 1 {
		w := attacker.do("POST", "/api/v1/auth/login", map[string]string{"email": "victim@example.com", "password": "a wrong guess"})
		if w.Code == 429 {
			refused = true
		} else if w.Code != 401 {
			t.Fatalf("wrong password with Redis down: %d %s", w.Code, w.Body)
		}
	}
	if !refused {
		t.Error("the sign-in throttle let every guess through with Redis down")
	}
	if w := c.from("203.0.113.9").do("GET", "/api/v1/topics", nil); w.Code != 200 || w.Header().Get("RateLimit") == "" {
		t.Errorf("a read with Redis down: %d, RateLimit %q", w.Code, w.Header().Get("RateLimit"))
	}

	privateRedis(t, port)
	eventually(t, "the limiter switches back to Redis", s.limits.Shared)
	eventually(t, "readiness says ready again", ready(`"status":"ready"`))
}

// cuttableProxy forwards TCP to upstream until cut, which closes every
// connection and refuses new ones; restore listens again on the same address.
type cuttableProxy struct {
	t        *testing.T
	addr     string
	upstream string
	mu       sync.Mutex
	ln       net.Listener
	conns    []net.Conn
}

func newCuttableProxy(t *testing.T, upstream string) *cuttableProxy {
	p := &cuttableProxy{t: t, upstream: upstream}
	p.listen("127.0.0.1:0")
	t.Cleanup(p.cut)
	return p
}

func (p *cuttableProxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.upstream)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *cuttableProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cuttableProxy) restore() { p.listen(p.addr) }

// TestPostgresOutage puts a proxy the test can cut between the node and
// PostgreSQL: while it is cut, requests that need the database answer 503 with
// Retry-After (not 500) and readiness 503; once restored, they work again.
func TestPostgresOutage(t *testing.T) {
	dbURL := pgtest.URL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCuttableProxy(t, u.Host)
	u.Host = proxy.addr
	c := newClient(t, authServer(t, u.String(), newClock(), map[string]string{"LYO_RATE_LIMIT": "false"}), nil)
	c.register("someone@example.com", "a good password")
	login := func() *httptest.ResponseRecorder {
		return c.do("POST", "/api/v1/auth/login", map[string]string{"email": "someone@example.com", "password": "a good password"})
	}
	want(t, login(), 200, nil)

	proxy.cut()
	for _, w := range []*httptest.ResponseRecorder{login(), c.do("GET", "/api/v1/topics", nil)} {
		var p problem
		want(t, w, 503, &p)
		if p.Code != "database_unavailable" || w.Header().Get("Retry-After") == "" {
			t.Errorf("with the database cut: code %q, Retry-After %q", p.Code, w.Header().Get("Retry-After"))
		}
	}
	time.Sleep(readyTTL) // past the cached report, to see the outage in it
	if w := c.do("GET", "/readyz", nil); w.Code != 503 || !strings.Contains(w.Body.String(), `{"name":"database","status":"failing"`) {
		t.Errorf("readiness with the database cut: %d %s", w.Code, w.Body)
	}

	proxy.restore()
	eventually(t, "sign-in works again after the database returns", func() bool { return login().Code == 200 })
}

// smallDisk mounts a tmpfs of size bytes for the test.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	return mountTmpfs(t, fmt.Sprintf("size=%d,mode=0700", size))
}

// mountTmpfs mounts a tmpfs with options for the test (root only; CI runs as
// root), unmounted when the test ends.
func mountTmpfs(t *testing.T, options string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", options, "lyotest", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount a tmpfs: %v %s", err, out)
		}
		t.Skipf("skipped: cannot mount a tmpfs here (%v %s)", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes into dir until the file system refuses; free removes what it wrote.
func fill(t *testing.T, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err = f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("filling the disk: %v", err)
	}
	return func() {
		if err := os.Remove(path); err != nil {
			t.Error(err)
		}
	}
}

// TestDiskFull runs a SQLite node on a small disk and fills it: writes answer
// 503 (not 500), readiness says the data directory cannot be written, and both
// recover when space is freed.
func TestDiskFull(t *testing.T) {
	dir := smallDisk(t, 16<<20)
	c := newClient(t, authServer(t, "", newClock(), map[string]string{"LYO_DATA_DIR": dir, "LYO_RATE_LIMIT": "false"}), nil)
	c.register("first@example.com", "a good password")
	free := fill(t, dir)

	var failed int
	for i := range 5 { // one write may still fit in pages SQLite holds already
		w := c.do("POST", "/api/v1/auth/register", map[string]string{"email": fmt.Sprintf("late%d@example.com", i), "password": "a good password"})
		switch {
		case w.Code == 201:
		case w.Code == 503 && w.Header().Get("Retry-After") != "":
			failed++
		default:
			t.Fatalf("a write on a full disk: %d %s", w.Code, w.Body)
		}
	}
	if failed == 0 {
		t.Error("every write succeeded on a full disk")
	}
	time.Sleep(readyTTL)
	if w := c.do("GET", "/readyz", nil); w.Code != 503 || !strings.Contains(w.Body.String(), `{"name":"data_dir","status":"failing"`) {
		t.Errorf("readiness on a full disk: %d %s", w.Code, w.Body)
	}

	free()
	eventually(t, "writes work again once space is freed", func() bool {
		return c.do("POST", "/api/v1/auth/register", map[string]string{"email": "after@example.com", "password": "a good password"}).Code == 201
	})
	eventually(t, "readiness recovers", func() bool { return c.do("GET", "/readyz", nil).Code == 200 })
}
