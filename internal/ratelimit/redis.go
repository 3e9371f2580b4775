package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// DefaultRedisTimeout bounds one Redis round trip when NewRedis is given none:
// long enough for a healthy Redis across a data centre, short enough that a sick
// one adds little to a request.
const DefaultRedisTimeout = 50 * time.Millisecond

// Redis is a GCRA limiter shared by every node, kept in Redis by redis_rate.
type Redis struct {
	lim     *redis_rate.Limiter
	prefix  string
	timeout time.Duration
	// direct is set when the client gives up at a context's deadline by itself,
	// so Allow need not wait for it in a goroutine of its own.
	direct bool
}

// NewRedis returns a limiter on client whose keys are "rate:" + prefix + key
// (redis_rate adds "rate:"), and whose calls give up after timeout
// (DefaultRedisTimeout when 0 or less).
//
// A client with ContextTimeoutEnabled is the cheaper one: see Allow.
func NewRedis(client redis.UniversalClient, prefix string, timeout time.Duration) *Redis {
	if timeout <= 0 {
		timeout = DefaultRedisTimeout
	}
	return &Redis{lim: redis_rate.NewLimiter(client), prefix: prefix, timeout: timeout, direct: honoursDeadlines(client)}
}

// honoursDeadlines reports whether client stops socket reads and writes at the
// context's deadline; go-redis does only with ContextTimeoutEnabled.
func honoursDeadlines(client redis.UniversalClient) bool {
	switch c := client.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return c.Options().ContextTimeoutEnabled
	}
	return false
}

type redisReply struct {
	res *redis_rate.Result
	err error
}

// Allow applies p to key in Redis. It returns within the timeout whatever Redis
// does. go-redis stops at a context's deadline on the socket only when the client
// has ContextTimeoutEnabled; otherwise it waits for its ReadTimeout (seconds), so
// Allow runs the call in a goroutine of its own and stops waiting at the
// deadline, leaving that goroutine to end at the ReadTimeout. The goroutine costs
// a hand-off per request (BenchmarkRedisAllow shows how much).
func (r *Redis) Allow(ctx context.Context, key string, p Policy) (Result, error) {
	if err := p.validate(); err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	limit := redis_rate.Limit{Rate: p.Limit, Burst: p.burst(), Period: p.Period}
	var rep redisReply
	if r.direct {
		rep.res, rep.err = r.lim.Allow(ctx, r.prefix+key, limit)
	} else {
		done := make(chan redisReply, 1)
		go func() {
			res, err := r.lim.Allow(ctx, r.prefix+key, limit)
			done <- redisReply{res, err}
		}()
		select {
		case rep = <-done:
		case <-ctx.Done():
			rep.err = ctx.Err()
		}
	}
	if rep.err != nil {
		return Result{}, fmt.Errorf("redis rate limit %q: %w", p.Name, rep.err)
	}
	res := Result{
		Allowed:    rep.res.Allowed > 0,
		Limit:      p.Limit,
		Remaining:  rep.res.Remaining,
		ResetAfter: max(rep.res.ResetAfter, 0),
	}
	if !res.Allowed {
		res.RetryAfter = rep.res.RetryAfter // redis_rate says -1 when allowed; we say 0
	}
	return res, nil
}
