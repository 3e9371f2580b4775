package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// ProbeEvery is how often Watch asks the shared limiter's server whether it
	// answers; with ProbeTimeout it bounds how long an outage goes unnoticed.
	ProbeEvery = 250 * time.Millisecond
	// ProbeTimeout bounds one probe.
	ProbeTimeout = 500 * time.Millisecond
	// logEvery spaces the warnings of a failing limiter: one per request would
	// bury the log.
	logEvery = 10 * time.Second
	// refuseFor is what a request is told to wait when no limiter can decide
	// (an invalid policy): limits are never simply off.
	refuseFor = time.Second
)

// Guard answers every request with a limit, whatever happens to the shared
// limiter. While the shared limiter (Redis) is up, it decides; when it fails, or
// Watch's probe finds its server down, the in-process limiter decides instead, at
// once and without waiting on the network, until the probe finds the server
// back. Each node then limits on its own: looser across a fleet, never off.
// It is safe for concurrent use.
type Guard struct {
	shared  Limiter // nil: in-process only
	local   *Memory
	log     *slog.Logger
	onError func()
	now     func() time.Time

	down atomic.Bool // the shared limiter is not to be asked

	mu         sync.Mutex
	lastErr    error
	downSince  time.Time
	lastLogAt  time.Time
	suppressed int
}

// NewGuard answers from shared, falling back to local; shared may be nil for a
// single node. onError (a metrics hook; may be nil) runs once per failed call.
func NewGuard(shared Limiter, local *Memory, log *slog.Logger, onError func()) *Guard {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if onError == nil {
		onError = func() {}
	}
	return &Guard{shared: shared, local: local, log: log, onError: onError, now: time.Now}
}

// Allow decides whether key may go ahead under p. It never lets a request
// through for want of an answer: the in-process limiter stands in for a shared
// one that failed.
//
// A failure after the caller's own context ended (the client went away) is not
// the limiter's fault: it does not switch limiters.
func (g *Guard) Allow(ctx context.Context, key string, p Policy) Result {
	if g.shared != nil && !g.down.Load() {
		res, err := g.shared.Allow(ctx, key, p)
		if err == nil {
			return res
		}
		switch {
		case errors.Is(err, ErrInvalidPolicy):
			g.report(ctx, p, err)
			return refused(p)
		case ctx.Err() == nil:
			g.onError()
			g.fail(ctx, err)
		}
	}
	res, err := g.local.Allow(ctx, key, p)
	if err != nil {
		g.report(ctx, p, err)
		return refused(p)
	}
	return res
}

func refused(p Policy) Result {
	return Result{Limit: p.Limit, RetryAfter: refuseFor, ResetAfter: refuseFor}
}

// Watch probes the shared limiter's server every ProbeEvery until ctx ends,
// switching to the in-process limiter while probe fails and back when it
// answers. It probes once before it returns the first time, so a node that
// starts during an outage begins in-process.
func (g *Guard) Watch(ctx context.Context, probe func(ctx context.Context) error) {
	if g.shared == nil {
		return
	}
	check := func() {
		pctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
		err := probe(pctx)
		cancel()
		switch {
		case ctx.Err() != nil:
		case err != nil:
			g.fail(ctx, err)
		case g.down.Load():
			g.recover(ctx)
		}
	}
	check()
	go func() {
		t := time.NewTicker(ProbeEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				check()
			}
		}
	}()
}

// fail switches to the in-process limiter, logging the switch (and, at most
// every logEvery, that the outage goes on).
func (g *Guard) fail(ctx context.Context, err error) {
	now := g.now()
	g.mu.Lock()
	g.lastErr = err
	wasDown := g.down.Swap(true)
	if !wasDown {
		g.downSince = now
	}
	if wasDown && now.Sub(g.lastLogAt) < logEvery {
		g.suppressed++
		g.mu.Unlock()
		return
	}
	suppressed := g.suppressed
	g.lastLogAt, g.suppressed = now, 0
	g.mu.Unlock()
	g.log.WarnContext(ctx, "shared rate limiter unavailable; limiting in process on this node", "error", err, "suppressed", suppressed)
}

func (g *Guard) recover(ctx context.Context) {
	g.mu.Lock()
	since := g.downSince
	g.lastErr = nil
	g.down.Store(false)
	g.mu.Unlock()
	g.log.InfoContext(ctx, "shared rate limiter answers again; limits are shared across nodes", "outage", g.now().Sub(since).Round(time.Millisecond))
}

// report logs a limiter that cannot apply a policy: a programming error, so
// its log is throttled the same way but never switches limiters.
func (g *Guard) report(ctx context.Context, p Policy, err error) {
	g.onError()
	now := g.now()
	g.mu.Lock()
	if now.Sub(g.lastLogAt) < logEvery {
		g.suppressed++
		g.mu.Unlock()
		return
	}
	suppressed := g.suppressed
	g.lastLogAt, g.suppressed = now, 0
	g.mu.Unlock()
	// The key is left out: it holds client addresses and account names.
	g.log.ErrorContext(ctx, "rate limit policy cannot be applied; refusing", "policy", p.Name, "error", err, "suppressed", suppressed)
}

// Healthy is nil while the shared limiter decides (or there is none), and says
// since when the node has limited in process otherwise, for readiness.
func (g *Guard) Healthy() error {
	if !g.down.Load() {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return fmt.Errorf("shared rate limiter down for %s, limiting in process: %w", g.now().Sub(g.downSince).Round(time.Millisecond), g.lastErr)
}

// Shared reports whether the shared limiter decides right now.
func (g *Guard) Shared() bool { return g.shared != nil && !g.down.Load() }
