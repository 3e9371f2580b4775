package ratelimit

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

type failing struct{ err error }

func (f failing) Allow(context.Context, string, Policy) (Result, error) { return Result{}, f.err }

var login = Policy{Name: "login", Limit: 10, Period: time.Minute, Burst: 5}

func TestGuardFailOpenOrClosed(t *testing.T) {
	down := errors.New("redis: connection refused")
	for _, tc := range []struct {
		failOpen bool
		want     Result
	}{
		{true, Result{Allowed: true, Limit: 10, Remaining: 4, ResetAfter: 6 * time.Second}},
		{false, Result{Limit: 10, RetryAfter: time.Second, ResetAfter: time.Second}},
	} {
		errs := 0
		g := NewGuard(failing{down}, tc.failOpen, nil, func() { errs++ })
		if got := g.Allow(context.Background(), "k", login); got != tc.want {
			t.Errorf("failOpen=%v: got %+v, want %+v", tc.failOpen, got, tc.want)
		}
		if errs != 1 {
			t.Errorf("failOpen=%v: onError ran %d times, want 1", tc.failOpen, errs)
		}
		if err := g.Healthy(); !errors.Is(err, down) {
			t.Errorf("failOpen=%v: Healthy() = %v, want the limiter's error", tc.failOpen, err)
		}
	}
}

func TestGuardInvalidPolicy(t *testing.T) {
	for _, failOpen := range []bool{true, false} {
		errs := 0
		g := NewGuard(NewMemory(nil), failOpen, nil, func() { errs++ })
		res := g.Allow(context.Background(), "k", Policy{Name: "unset"})
		if res.Allowed != failOpen || errs != 1 || g.Healthy() == nil {
			t.Errorf("failOpen=%v: got %+v, onError %d times, Healthy %v; want the mistake reported", failOpen, res, errs, g.Healthy())
		}
	}
}

func TestGuardPassesAnswersThrough(t *testing.T) {
	g := NewGuard(NewMemory(newClock().Now), false, nil, func() { t.Error("onError ran without an error") })
	p := Policy{Name: "p", Limit: 1, Period: time.Second}
	if res := g.Allow(context.Background(), "k", p); !res.Allowed {
		t.Errorf("first request refused: %+v", res)
	}
	if res := g.Allow(context.Background(), "k", p); res.Allowed || res.RetryAfter != time.Second {
		t.Errorf("second request: %+v, want refused for 1s", res)
	}
	if err := g.Healthy(); err != nil {
		t.Errorf("Healthy() = %v with a working limiter", err)
	}
}

func TestGuardHealthRecovers(t *testing.T) {
	clk := newClock()
	g := NewGuard(failing{errors.New("down")}, true, nil, nil)
	g.now = clk.Now
	g.Allow(context.Background(), "k", login)
	clk.Advance(HealthWindow - time.Second)
	if g.Healthy() == nil {
		t.Error("healthy a moment after an error")
	}
	clk.Advance(time.Second)
	if err := g.Healthy(); err != nil {
		t.Errorf("Healthy() = %v a full window after the last error", err)
	}
}

func TestGuardThrottlesItsLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	clk := newClock()
	g := NewGuard(failing{errors.New("down")}, true, log, nil)
	g.now = clk.Now
	for range 5 {
		g.Allow(context.Background(), "user@example.com", login)
	}
	clk.Advance(logEvery)
	g.Allow(context.Background(), "user@example.com", login)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "suppressed=4") {
		t.Errorf("log:\n%s\nwant two lines, the second counting 4 suppressed", buf.String())
	}
	if strings.Contains(buf.String(), "user@example.com") {
		t.Error("the log names the key")
	}
}

func TestGuardIgnoresCallerCancel(t *testing.T) {
	errs := 0
	g := NewGuard(failing{context.Canceled}, false, nil, func() { errs++ })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := g.Allow(ctx, "k", login); res.Allowed {
		t.Errorf("fail-closed guard allowed: %+v", res)
	}
	if errs != 0 || g.Healthy() != nil {
		t.Errorf("a caller's cancel counted as a limiter failure (onError %d times, Healthy %v)", errs, g.Healthy())
	}
}

// TestGuardRedisHangs points a Redis limiter at a server that accepts
// connections and never answers. The guard must answer on its own, well before
// the caller's deadline, as failOpen says.
func TestGuardRedisHangs(t *testing.T) {
	addr := blackHole(t)
	for _, tc := range []struct {
		name string
		opt  redis.Options
	}{
		// go-redis itself would wait its ReadTimeout, seconds: Allow must not.
		{"default client", redis.Options{Addr: addr, MaxRetries: -1}},
		{"client with context timeouts", redis.Options{Addr: addr, MaxRetries: -1, ContextTimeoutEnabled: true}},
	} {
		client := redis.NewClient(&tc.opt)
		t.Cleanup(func() { _ = client.Close() })
		for _, failOpen := range []bool{true, false} {
			errs := 0
			g := NewGuard(NewRedis(client, "hang:", 0), failOpen, nil, func() { errs++ })
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			done := make(chan Result, 1)
			go func() { done <- g.Allow(ctx, "k", login) }()
			select {
			case res := <-done:
				if ctx.Err() != nil {
					t.Errorf("%s, failOpen=%v: answered only after the caller's 2s deadline", tc.name, failOpen)
				}
				if res.Allowed != failOpen {
					t.Errorf("%s, failOpen=%v: got %+v", tc.name, failOpen, res)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s, failOpen=%v: no answer in 10s", tc.name, failOpen)
			}
			cancel()
			if errs != 1 || g.Healthy() == nil {
				t.Errorf("%s, failOpen=%v: onError ran %d times, Healthy() = %v; want the hang reported",
					tc.name, failOpen, errs, g.Healthy())
			}
		}
	}
}

// blackHole listens on loopback, accepts every connection and never writes.
func blackHole(t *testing.T) string {
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
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}
