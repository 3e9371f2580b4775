package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
)

// ChainConfig says which providers answer which task and how hard to try them.
// Zero durations and counts take the defaults noted beside them.
type ChainConfig struct {
	// Tasks maps a task ("chat", "quiz", ...) to its providers in order of
	// preference; the list under "" serves tasks that have none of their own.
	Tasks map[string][]Provider

	FirstToken time.Duration // per provider attempt, until its first chunk; default 20s
	Idle       time.Duration // longest gap between two chunks; default 30s
	Total      time.Duration // the whole answer, fallbacks included; default 3m

	// Retries is how many retries one answer may spend over the whole chain
	// (transport errors, 408, 5xx, a short 429 wait); default 2, negative for none.
	Retries     int
	BackoffBase time.Duration // full-jitter backoff: a random wait in [0, min(max, base·2ⁿ)); default 200ms
	BackoffMax  time.Duration // default 2s
	// MaxRetryWait is the longest delay a 429 may ask for and still be waited
	// out in place; a longer one (or a spent budget) cools the model down and
	// moves to the next provider. Default 2s.
	MaxRetryWait time.Duration
	// Cooldown applies after a 429 that named no delay; default 30s.
	Cooldown time.Duration

	Breaker BreakerConfig
	// OnStateChange, when set, hears every breaker move ("closed", "open",
	// "half-open"), for metrics and logs.
	OnStateChange func(provider, model, from, to string)
	Now           func() time.Time // default time.Now
	// Sleep waits between retries; it returns false when ctx ended first.
	// Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) bool
}

// BreakerConfig tunes the circuit breaker kept for each provider and model.
type BreakerConfig struct {
	Consecutive uint32        // trip after this many failures in a row; default 5
	Ratio       float64       // or when this share of requests failed; default 0.5
	MinRequests uint32        // ... once the window holds this many; default 10
	Window      time.Duration // counts reset this often while closed; default 1m
	OpenFor     time.Duration // open this long before half-open probes; default 30s
	Probes      uint32        // requests let through while half-open; default 1
}

// Chain is a Provider that tries a task's providers in order.
type Chain struct {
	cfg     ChainConfig
	members map[string]*member
}

var _ Provider = (*Chain)(nil)

type member struct {
	cb        *gobreaker.TwoStepCircuitBreaker[struct{}]
	mu        sync.Mutex
	coolUntil time.Time
	openUntil time.Time // when the breaker last opened, plus its OpenFor
}

func key(p Provider) string { return p.Name() + "/" + p.Model() }

// NewChain builds a chain; providers appearing under several tasks share one breaker.
func NewChain(cfg ChainConfig) *Chain {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.FirstToken, 20*time.Second)
	def(&cfg.Idle, 30*time.Second)
	def(&cfg.Total, 3*time.Minute)
	def(&cfg.BackoffBase, 200*time.Millisecond)
	def(&cfg.BackoffMax, 2*time.Second)
	def(&cfg.MaxRetryWait, 2*time.Second)
	def(&cfg.Cooldown, 30*time.Second)
	def(&cfg.Breaker.Window, time.Minute)
	def(&cfg.Breaker.OpenFor, 30*time.Second)
	if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	b := &cfg.Breaker
	if b.Consecutive == 0 {
		b.Consecutive = 5
	}
	if b.Ratio <= 0 {
		b.Ratio = 0.5
	}
	if b.MinRequests == 0 {
		b.MinRequests = 10
	}
	if b.Probes == 0 {
		b.Probes = 1
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	c := &Chain{cfg: cfg, members: map[string]*member{}}
	for _, list := range cfg.Tasks {
		for _, p := range list {
			k := key(p)
			if c.members[k] != nil {
				continue
			}
			m := &member{}
			name, model := p.Name(), p.Model()
			onChange := func(_ string, from, to gobreaker.State) {
				if to == gobreaker.StateOpen {
					m.opened(cfg.Now().Add(b.OpenFor))
				}
				if hook := cfg.OnStateChange; hook != nil {
					hook(name, model, from.String(), to.String())
				}
			}
			m.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
				Name:          k,
				OnStateChange: onChange,
				MaxRequests:   b.Probes,
				Interval:      b.Window,
				Timeout:       b.OpenFor,
				ReadyToTrip: func(n gobreaker.Counts) bool {
					return n.ConsecutiveFailures >= b.Consecutive ||
						(n.Requests >= b.MinRequests && float64(n.TotalFailures) >= b.Ratio*float64(n.Requests))
				},
				IsExcluded: func(err error) bool { return !counted(err) },
			})
			c.members[k] = m
		}
	}
	return c
}

func (c *Chain) Name() string  { return "chain" }
func (c *Chain) Model() string { return "" }

// Health is one provider's standing in a chain.
type Health struct {
	Provider, Model string
	State           string // "closed", "half-open" or "open"
	CoolingUntil    time.Time
}

// Health lists the providers of a task in order.
func (c *Chain) Health(task string) []Health {
	var out []Health
	for _, p := range c.providers(task) {
		m := c.members[key(p)]
		out = append(out, Health{Provider: p.Name(), Model: p.Model(), State: m.cb.State().String(), CoolingUntil: m.cooling()})
	}
	return out
}

func (c *Chain) providers(task string) []Provider {
	if l, ok := c.cfg.Tasks[task]; ok {
		return l
	}
	return c.cfg.Tasks[""]
}

func (m *member) cooling() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.coolUntil
}

func (m *member) cool(until time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if until.After(m.coolUntil) {
		m.coolUntil = until
	}
}

func (m *member) opened(until time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.openUntil = until
}

// wait is how long the member will refuse calls from now on: cooling down
// after a 429 or open after too many failures; zero when it would take a call
// now, or fail it for a reason no clock knows.
func (m *member) wait(now time.Time) time.Duration {
	open := m.cb.State() == gobreaker.StateOpen // outside the lock: it may move the state
	m.mu.Lock()
	defer m.mu.Unlock()
	var d time.Duration
	if m.coolUntil.After(now) {
		d = m.coolUntil.Sub(now)
	}
	if open && m.openUntil.After(now) {
		d = max(d, m.openUntil.Sub(now))
	}
	return d
}

// UnavailableError is returned when no provider answered; it matches ErrUnavailable.
type UnavailableError struct {
	Last error
	// RetryAfter is how long every provider of the task will keep refusing
	// calls (open breakers, 429 cool-downs), the soonest of them; zero when
	// one of them failed for a reason that names no time.
	RetryAfter time.Duration
}

func (e *UnavailableError) Error() string {
	if e.Last == nil {
		return ErrUnavailable.Error()
	}
	return ErrUnavailable.Error() + ": " + e.Last.Error()
}

func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }
func (e *UnavailableError) Unwrap() error        { return e.Last }

var errCooling = errors.New("cooling down after 429")

// Stream asks the task's providers in order until one yields its first chunk
// (or ends cleanly with none). From then on the answer belongs to that provider:
// a later failure is the caller's to see, never a silent switch.
func (c *Chain) Stream(ctx context.Context, req Request) (Stream, error) {
	ctx, cancelTotal := context.WithTimeoutCause(ctx, c.cfg.Total, ErrTotalTimeout)
	budget := c.cfg.Retries
	var last error
	for _, p := range c.providers(req.Task) {
		m := c.members[key(p)]
		for attempt := 0; ; attempt++ {
			if until := m.cooling(); c.cfg.Now().Before(until) {
				last = fmt.Errorf("%s: %w", key(p), errCooling)
				break
			}
			done, err := m.cb.Allow()
			if err != nil {
				last = fmt.Errorf("%s: %w", key(p), err)
				break
			}
			s, err := c.attempt(ctx, p, req, done)
			if err == nil {
				s.cancelTotal = cancelTotal
				return s, nil
			}
			done(err)
			last = err
			if ctx.Err() != nil {
				cancelTotal()
				return nil, context.Cause(ctx)
			}
			wait, again := c.next(err, m, attempt, &budget)
			if !again {
				break
			}
			if !c.cfg.Sleep(ctx, wait) {
				cancelTotal()
				return nil, context.Cause(ctx)
			}
		}
	}
	cancelTotal()
	return nil, &UnavailableError{Last: last, RetryAfter: c.retryAfter(req.Task)}
}

// retryAfter is when the first of a task's providers will take calls again.
func (c *Chain) retryAfter(task string) time.Duration {
	now := c.cfg.Now()
	var soonest time.Duration
	for i, p := range c.providers(task) {
		d := c.members[key(p)].wait(now)
		if d <= 0 {
			return 0
		}
		if i == 0 || d < soonest {
			soonest = d
		}
	}
	return soonest
}

// next decides after a failed attempt whether to try the same provider again
// and after how long.
func (c *Chain) next(err error, m *member, attempt int, budget *int) (time.Duration, bool) {
	switch classify(err) {
	case kindThrottle:
		var se *StatusError
		errors.As(err, &se)
		if se.RetryAfter > 0 && se.RetryAfter <= c.cfg.MaxRetryWait && *budget > 0 {
			*budget--
			return se.RetryAfter, true
		}
		d := se.RetryAfter
		if d <= 0 {
			d = c.cfg.Cooldown
		}
		m.cool(c.cfg.Now().Add(d))
	case kindRetry:
		if *budget > 0 {
			*budget--
			return c.backoff(attempt), true
		}
	}
	return 0, false
}

func (c *Chain) backoff(attempt int) time.Duration {
	ceil := c.cfg.BackoffMax
	if attempt < 30 {
		ceil = min(ceil, c.cfg.BackoffBase<<attempt)
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil)))
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// attempt runs one provider until its first chunk under the first-token limit.
func (c *Chain) attempt(ctx context.Context, p Provider, req Request, done func(error)) (*chainStream, error) {
	actx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(c.cfg.FirstToken, func() { cancel(ErrFirstTokenTimeout) })
	fail := func(err error) (*chainStream, error) {
		timer.Stop()
		cancel(context.Canceled)
		return nil, cause(actx, err)
	}
	s, err := p.Stream(actx, req)
	if err != nil {
		return fail(err)
	}
	chunk, err := s.Next()
	if err != nil && !errors.Is(err, io.EOF) {
		s.Close()
		return fail(err)
	}
	if !timer.Stop() {
		// The limit struck as the chunk arrived: the call is already cancelled.
		s.Close()
		return fail(ErrFirstTokenTimeout)
	}
	cs := &chainStream{s: s, cancel: cancel, done: done, ctx: actx, p: p}
	if errors.Is(err, io.EOF) {
		cs.finish(nil)
		cs.eof = true
	} else {
		cs.first, cs.hasFirst = chunk, true
	}
	cs.idle = time.AfterFunc(c.cfg.Idle, func() { cancel(ErrIdleTimeout) })
	cs.idle.Stop()
	cs.idleFor = c.cfg.Idle
	return cs, nil
}

// cause names the chain's own limit when one cancelled the call.
func cause(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	c := context.Cause(ctx)
	switch {
	case errors.Is(c, ErrFirstTokenTimeout), errors.Is(c, ErrIdleTimeout), errors.Is(c, ErrTotalTimeout):
		if errors.Is(err, c) {
			return err
		}
		return fmt.Errorf("%w (%v)", c, err)
	}
	return err
}
