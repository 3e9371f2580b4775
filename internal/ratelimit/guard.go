package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

const (
	// HealthWindow is how long a limiter error keeps Guard.Healthy failing.
	HealthWindow = 10 * time.Second
	// logEvery spaces the warnings of a failing limiter: one per request would
	// bury the log when Redis is down.
	logEvery = 10 * time.Second
	// closedRetry is what a failed-closed request is told to wait.
	closedRetry = time.Second
)

// Guard answers every request even when its limiter cannot: on an error it lets
// the request through (fail open) or turns it away for a second (fail closed).
// It is safe for concurrent use.
type Guard struct {
	lim      Limiter
	failOpen bool
	log      *slog.Logger
	onError  func()
	now      func() time.Time

	mu         sync.Mutex
	lastErr    error
	lastErrAt  time.Time
	lastLogAt  time.Time
	suppressed int
}

// NewGuard wraps l. onError (a metrics hook; may be nil) runs once per failed call.
func NewGuard(l Limiter, failOpen bool, log *slog.Logger, onError func()) *Guard {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if onError == nil {
		onError = func() {}
	}
	return &Guard{lim: l, failOpen: failOpen, log: log, onError: onError, now: time.Now}
}

// Allow asks the limiter, and answers for it when it fails. It returns as soon as
// the limiter does, so its latency is the limiter's timeout at worst.
//
// A failure after the caller's own context ended (the client went away) is not
// the limiter's fault: it is neither logged nor counted.
func (g *Guard) Allow(ctx context.Context, key string, p Policy) Result {
	res, err := g.lim.Allow(ctx, key, p)
	if err == nil {
		return res
	}
	if ctx.Err() == nil {
		g.record(ctx, p, err)
	}
	if g.failOpen {
		// As if the key were unused: what a fresh key would answer.
		res := Result{Allowed: true, Limit: p.Limit}
		if p.validate() == nil {
			res.Remaining, res.ResetAfter = p.burst()-1, p.interval()
		}
		return res
	}
	return Result{Limit: p.Limit, RetryAfter: closedRetry, ResetAfter: closedRetry}
}

func (g *Guard) record(ctx context.Context, p Policy, err error) {
	g.onError()
	now := g.now()
	g.mu.Lock()
	g.lastErr, g.lastErrAt = err, now
	if now.Sub(g.lastLogAt) < logEvery {
		g.suppressed++
		g.mu.Unlock()
		return
	}
	suppressed := g.suppressed
	g.lastLogAt, g.suppressed = now, 0
	g.mu.Unlock()

	mode := "failing closed"
	if g.failOpen {
		mode = "failing open"
	}
	// The key is left out: it holds client addresses and account names.
	g.log.WarnContext(ctx, "rate limiter unavailable, "+mode, "policy", p.Name, "error", err,
		"suppressed", suppressed)
}

// Healthy reports the limiter's last error if it happened within HealthWindow,
// for a readiness check.
func (g *Guard) Healthy() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lastErr == nil || g.now().Sub(g.lastErrAt) >= HealthWindow {
		return nil
	}
	return fmt.Errorf("rate limiter failed %s ago: %w", g.now().Sub(g.lastErrAt).Round(time.Millisecond), g.lastErr)
}
