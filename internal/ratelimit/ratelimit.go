// Package ratelimit limits how often a key (a client IP, a user, an e-mail address
// being logged into) may do something, with the generic cell rate algorithm (GCRA).
//
// GCRA keeps one number per key: the theoretical arrival time (TAT), the moment the
// key would be back to an empty bucket if requests had arrived exactly at the
// policy's rate. A policy of Limit requests per Period has an emission interval
// T = Period/Limit; Burst requests may arrive at once. A request at time now is
// allowed when max(TAT, now) + T - Burst*T <= now, and then the TAT moves forward by
// T. That is a leaky bucket without a background drain: one read and one write per
// request, and the key can be forgotten as soon as its TAT is in the past, since a
// key with a past TAT behaves exactly like a key never seen.
//
// Two backends implement the same arithmetic, the one github.com/go-redis/redis_rate
// runs as a Lua script:
//
//   - Memory keeps TATs in process. It is the default for a single node: no network,
//     well under a microsecond per request. Each node counts on its own, so behind a
//     load balancer of n nodes a client could get n times the limit.
//   - Redis keeps them in Redis through redis_rate, so every node shares one count.
//     A call leaves the process, so it has a deadline and can fail. Guard puts a
//     Memory behind it: when Redis fails, or a background probe finds it down, the
//     node limits in process until Redis answers again. Limits are never off.
//
// The two differ only where floating point does: Redis computes in float seconds
// and stores the TAT to about 10 µs, Memory in integer nanoseconds. The same
// behavioural table runs against both in the tests.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Policy allows Limit requests per Period, of which Burst may come at once.
type Policy struct {
	Name   string // names the policy in RateLimit headers and logs, e.g. "login"
	Limit  int
	Period time.Duration
	Burst  int // 0 means Limit
}

// Result is a limiter's answer to one request.
type Result struct {
	Allowed bool
	Limit   int // the policy's Limit
	// Remaining is how many more requests would be allowed right now.
	Remaining int
	// RetryAfter is how long until a request would be allowed; 0 when allowed.
	RetryAfter time.Duration
	// ResetAfter is how long until the key is back to its full burst.
	ResetAfter time.Duration
}

// Limiter decides whether a request under key may go ahead. An error means the
// limiter could not decide (Redis down, an invalid policy); Guard handles it.
type Limiter interface {
	Allow(ctx context.Context, key string, p Policy) (Result, error)
}

// ErrInvalidPolicy is wrapped by the error for a policy no limiter can apply.
var ErrInvalidPolicy = errors.New("invalid rate limit policy")

// burst is the policy's burst with the default applied.
func (p Policy) burst() int {
	if p.Burst == 0 {
		return p.Limit
	}
	return p.Burst
}

// interval is the emission interval T = Period/Limit.
func (p Policy) interval() time.Duration {
	return p.Period / time.Duration(p.Limit)
}

func (p Policy) validate() error {
	switch {
	case p.Limit <= 0:
		return fmt.Errorf("%w %q: limit %d is not positive", ErrInvalidPolicy, p.Name, p.Limit)
	case p.Period <= 0:
		return fmt.Errorf("%w %q: period %s is not positive", ErrInvalidPolicy, p.Name, p.Period)
	case p.Burst < 0:
		return fmt.Errorf("%w %q: burst %d is negative", ErrInvalidPolicy, p.Name, p.Burst)
	case p.interval() <= 0:
		return fmt.Errorf("%w %q: %d per %s is more than one per nanosecond", ErrInvalidPolicy, p.Name, p.Limit, p.Period)
	case int64(p.burst()) > math.MaxInt64/4/int64(p.interval()):
		return fmt.Errorf("%w %q: burst %d of %s is too long", ErrInvalidPolicy, p.Name, p.burst(), p.interval())
	}
	return nil
}
