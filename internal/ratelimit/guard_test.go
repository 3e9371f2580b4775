package ratelimit

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

type failing struct{ err error }

func (f failing) Allow(context.Context, string, Policy) (Result, error) { return Result{}, f.err }

// counting counts the calls that reach a limiter.
type counting struct {
	Limiter
	calls atomic.Int32
}

func (c *counting) Allow(ctx context.Context, key string, p Policy) (Result, error) {
	c.calls.Add(1)
	return c.Limiter.Allow(ctx, key, p)
}

var login = Policy{Name: "login", Limit: 10, Period: time.Minute, Burst: 5}

// TestGuardFallsBackAtOnce: the first failure of the shared limiter switches the
// guard to the in-process one for that very request, and later requests do not
// ask the shared one again: no retries, no wait per request.
func TestGuardFallsBackAtOnce(t *testing.T) {
	down := errors.New("redis: connection refused")
	shared := &counting{Limiter: failing{down}}
	errs := 0
	g := NewGuard(shared, NewMemory(newClock().Now), nil, func() { errs++ })
	var got []bool
	for range login.Burst + 1 {
		got = append(got, g.Allow(context.Background(), "k", login).Allowed)
	}
	// Limits never switch off: the in-process limiter refuses past the burst.
	if want := []bool{true, true, true, true, true, false}; !slices.Equal(got, want) {
		t.Errorf("answers %v, want %v", got, want)
	}
	if n := shared.calls.Load(); n != 1 || errs != 1 {
		t.Errorf("shared limiter asked %d times, onError %d times; want once each", n, errs)
	}
	if err := g.Healthy(); !errors.Is(err, down) || g.Shared() {
		t.Errorf("Healthy() = %v, Shared() = %v; want the outage reported", err, g.Shared())
	}
}

func TestGuardInvalidPolicyIsRefused(t *testing.T) {
	errs := 0
	shared := &counting{Limiter: NewMemory(nil)}
	g := NewGuard(shared, NewMemory(nil), nil, func() { errs++ })
	res := g.Allow(context.Background(), "k", Policy{Name: "unset"})
	if res.Allowed || res.RetryAfter != time.Second || errs != 1 {
		t.Errorf("got %+v, onError %d times; want a refusal and the mistake reported", res, errs)
	}
	if !g.Shared() || g.Healthy() != nil {
		t.Error("a policy mistake switched limiters")
	}
	if res := NewGuard(nil, NewMemory(nil), nil, nil).Allow(context.Background(), "k", Policy{Name: "unset"}); res.Allowed {
		t.Errorf("in-process only: an invalid policy was let through: %+v", res)
	}
}

func TestGuardPassesAnswersThrough(t *testing.T) {
	g := NewGuard(NewMemory(newClock().Now), NewMemory(nil), nil, func() { t.Error("onError ran without an error") })
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

// TestGuardWatchSwitchesBothWays drives the probe: a failing probe switches to
// the in-process limiter before any request pays for the outage, and a probe
// that answers again switches back.
func TestGuardWatchSwitchesBothWays(t *testing.T) {
	var serverDown atomic.Bool
	serverDown.Store(true)
	probed := make(chan struct{}, 100)
	probe := func(context.Context) error {
		defer func() {
			select {
			case probed <- struct{}{}:
			default:
			}
		}()
		if serverDown.Load() {
			return errors.New("dial tcp: connection refused")
		}
		return nil
	}
	shared := &counting{Limiter: NewMemory(nil)}
	g := NewGuard(shared, NewMemory(nil), nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g.Watch(ctx, probe) // the first probe runs before Watch returns
	if g.Shared() {
		t.Fatal("still shared after a failed probe")
	}
	g.Allow(ctx, "k", login)
	if n := shared.calls.Load(); n != 0 {
		t.Errorf("the shared limiter was asked %d times while its server was down", n)
	}
	serverDown.Store(false)
	for !g.Shared() {
		<-probed // each probe is an event; after one that answers, Shared flips
	}
	g.Allow(ctx, "k", login)
	if n := shared.calls.Load(); n != 1 || g.Healthy() != nil {
		t.Errorf("after recovery: shared asked %d times, Healthy %v", n, g.Healthy())
	}
}

func TestGuardThrottlesItsLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	clk := newClock()
	g := NewGuard(failing{errors.New("down")}, NewMemory(nil), log, nil)
	g.now = clk.Now
	for range 5 {
		g.fail(context.Background(), errors.New("down"))
	}
	clk.Advance(logEvery)
	g.fail(context.Background(), errors.New("down"))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "suppressed=4") {
		t.Errorf("log:\n%s\nwant two lines, the second counting 4 suppressed", buf.String())
	}
	g.Allow(context.Background(), "user@example.com", login)
	if strings.Contains(buf.String(), "user@example.com") {
		t.Error("the log names the key")
	}
}

func TestGuardIgnoresCallerCancel(t *testing.T) {
	errs := 0
	g := NewGuard(failing{context.Canceled}, NewMemory(nil), nil, func() { errs++ })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g.Allow(ctx, "k", login)
	if errs != 0 || g.Healthy() != nil || !g.Shared() {
		t.Errorf("a caller's cancel counted as a limiter failure (onError %d times, Healthy %v)", errs, g.Healthy())
	}
}

// TestGuardRedisHangs points a Redis limiter at a server that accepts
// connections and never answers. The guard must answer on its own, well before
// the caller's deadline, from the in-process limiter, and not ask again.
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
		errs := 0
		shared := &counting{Limiter: NewRedis(client, "hang:", 0)}
		g := NewGuard(shared, NewMemory(nil), nil, func() { errs++ })
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		done := make(chan Result, 1)
		go func() { done <- g.Allow(ctx, "k", login) }()
		select {
		case res := <-done:
			if ctx.Err() != nil {
				t.Errorf("%s: answered only after the caller's 2s deadline", tc.name)
			}
			if !res.Allowed || res.Remaining != login.Burst-1 {
				t.Errorf("%s: got %+v, want the in-process limiter's first answer", tc.name, res)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no answer in 10s", tc.name)
		}
		g.Allow(ctx, "k", login)
		cancel()
		if errs != 1 || g.Healthy() == nil || shared.calls.Load() != 1 {
			t.Errorf("%s: onError ran %d times, shared asked %d times, Healthy() = %v; want the hang reported once",
				tc.name, errs, shared.calls.Load(), g.Healthy())
		}
	}
}

// blackHole listens on loopback, accepts every connection and never writes.
func blackHole(t testing.TB) string {
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
