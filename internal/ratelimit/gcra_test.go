package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// T = 250 ms: powers of two keep Redis's float arithmetic exact, and a quarter of
// a second leaves room for a slow machine's scheduling in the Redis run.
var quarter = Policy{Name: "t", Limit: 4, Period: time.Second, Burst: 3}

type step struct {
	at   time.Duration // since the scenario's start
	key  string
	want Result
}

func allowed(remaining int, reset time.Duration) Result {
	return Result{Allowed: true, Limit: 4, Remaining: remaining, ResetAfter: reset}
}

func denied(retry, reset time.Duration) Result {
	return Result{Limit: 4, RetryAfter: retry, ResetAfter: reset}
}

const ms = time.Millisecond

// gcraTable is what both backends must answer. Redis's clock cannot be moved, so
// its run is late by a few milliseconds at every step: the steps stay 100 ms
// clear of the instants where an answer changes (TestMemoryBoundaries covers
// those), and the durations are compared within the measured lateness.
var gcraTable = []struct {
	name   string
	policy Policy
	steps  []step
}{
	{"burst then steady rate", quarter, []step{
		{0, "a", allowed(2, 250*ms)},
		{0, "a", allowed(1, 500*ms)},
		{0, "a", allowed(0, 750*ms)},
		{0, "a", denied(250*ms, 750*ms)},
		{0, "b", allowed(2, 250*ms)}, // another key keeps its own burst
		{125 * ms, "a", denied(125*ms, 625*ms)},
		{350 * ms, "a", allowed(0, 650*ms)}, // one interval on, one more request
		{350 * ms, "a", denied(150*ms, 650*ms)},
		{600 * ms, "a", allowed(0, 650*ms)},
		{850 * ms, "a", allowed(0, 650*ms)},
		{850 * ms, "b", allowed(2, 250*ms)}, // b's one request has long drained
	}},
	{"refill and reset", quarter, []step{
		{0, "a", allowed(2, 250*ms)},
		{0, "a", allowed(1, 500*ms)},
		{0, "a", allowed(0, 750*ms)},
		{600 * ms, "a", allowed(1, 400*ms)}, // two intervals back, one spent
		{600 * ms, "a", allowed(0, 650*ms)},
		{600 * ms, "a", denied(150*ms, 650*ms)},
		{2000 * ms, "a", allowed(2, 250*ms)}, // past the reset: a full burst again
	}},
	{"burst defaults to limit", Policy{Name: "d", Limit: 4, Period: time.Second}, []step{
		{0, "a", allowed(3, 250*ms)},
		{0, "a", allowed(2, 500*ms)},
		{0, "a", allowed(1, 750*ms)},
		{0, "a", allowed(0, 1000*ms)},
		{0, "a", denied(250*ms, 1000*ms)},
	}},
	{"burst of one", Policy{Name: "one", Limit: 4, Period: time.Second, Burst: 1}, []step{
		{0, "a", allowed(0, 250*ms)},
		{0, "a", denied(250*ms, 250*ms)},
		{350 * ms, "a", allowed(0, 250*ms)},
		{400 * ms, "a", denied(200*ms, 200*ms)},
	}},
}

func TestMemoryGCRA(t *testing.T) {
	for _, tc := range gcraTable {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			start := clk.Now()
			m := NewMemory(clk.Now)
			for i, s := range tc.steps {
				clk.Advance(start.Add(s.at).Sub(clk.Now()))
				got, err := m.Allow(context.Background(), s.key, tc.policy)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if d := cmp.Diff(s.want, got); d != "" {
					t.Errorf("step %d (%s at %s) (-want +got):\n%s", i, s.key, s.at, d)
				}
			}
		})
	}
}

// TestRedisGCRA runs the table against Redis, waiting for real between steps.
func TestRedisGCRA(t *testing.T) {
	client, prefix := testRedis(t)
	for _, tc := range gcraTable {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// A step answered late enough to change the answer says the machine
			// stalled, not that the limiter erred: start over on fresh keys.
			for attempt := range 3 {
				r := NewRedis(client, prefix+tc.name+":"+strconv.Itoa(attempt)+":", time.Second)
				if runRedisScenario(t, r, tc.policy, tc.steps) {
					return
				}
			}
			t.Fatal("every attempt was answered too late to judge")
		})
	}
}

// runRedisScenario reports false when a step came too late to be judged.
//
// A step's durations are measured from its own arrival, which is late by up to
// its lag, to the TAT, which was set by an earlier step late by up to the most
// lag seen before: they may be short by the one and long by the other.
func runRedisScenario(t *testing.T, r *Redis, p Policy, steps []step) bool {
	t.Helper()
	if _, err := r.Allow(context.Background(), "warm-up", p); err != nil { // dial and load the script
		t.Fatal(err)
	}
	var maxLag time.Duration
	start := time.Now()
	for i, s := range steps {
		time.Sleep(time.Until(start.Add(s.at)))
		got, err := r.Allow(context.Background(), s.key, p)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		lag := time.Since(start) - s.at
		if lag > 40*ms { // the table keeps 100 ms clear of changes: two lags
			t.Logf("step %d answered %s late; starting over", i, lag)
			return false
		}
		near := func(want, got time.Duration) bool { return got >= want-lag-ms && got <= want+maxLag+ms }
		if got.Allowed != s.want.Allowed || got.Remaining != s.want.Remaining || got.Limit != s.want.Limit ||
			!near(s.want.RetryAfter, got.RetryAfter) || !near(s.want.ResetAfter, got.ResetAfter) ||
			(got.Allowed && got.RetryAfter != 0) {
			t.Errorf("step %d (%s at %s, answered %s late): got %+v, want %+v", i, s.key, s.at, lag, got, s.want)
		}
		maxLag = max(maxLag, lag)
	}
	return true
}

// TestConcurrentBurst hammers one key from many goroutines while time stands
// still (Memory) or barely moves (Redis, at one request per six minutes): exactly
// the burst gets through.
func TestConcurrentBurst(t *testing.T) {
	p := Policy{Name: "hot", Limit: 10, Period: time.Hour}
	backends := map[string]func(t *testing.T) Limiter{
		"memory": func(*testing.T) Limiter { return NewMemory(newClock().Now) },
		"redis": func(t *testing.T) Limiter {
			client, prefix := testRedis(t)
			return NewRedis(client, prefix, time.Second)
		},
	}
	for name, newLimiter := range backends {
		t.Run(name, func(t *testing.T) {
			l := newLimiter(t)
			var ok, refused atomic.Int64
			var wg sync.WaitGroup
			for range 32 {
				wg.Go(func() {
					for range 20 {
						res, err := l.Allow(context.Background(), "k", p)
						switch {
						case err != nil:
							t.Error(err)
							return
						case res.Allowed:
							ok.Add(1)
						default:
							refused.Add(1)
						}
					}
				})
			}
			wg.Wait()
			if ok.Load() != 10 || refused.Load() != 32*20-10 {
				t.Errorf("allowed %d and refused %d of %d, want exactly the burst of 10 allowed", ok.Load(), refused.Load(), 32*20)
			}
		})
	}
}

func mustAllow(t *testing.T, l Limiter, key string, p Policy) {
	t.Helper()
	res, err := l.Allow(context.Background(), key, p)
	if err != nil || !res.Allowed {
		t.Fatalf("Allow(%q) = %+v, %v; want allowed", key, res, err)
	}
}

// testRedis connects to LYO_TEST_REDIS_URL, skipping without it, and returns a
// key prefix of the test's own; the test's keys are deleted after it.
func testRedis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	url := os.Getenv("LYO_TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") != "" { // CI always sets it: a skip there would hide Redis
			t.Fatal("CI is set but LYO_TEST_REDIS_URL is not: the Redis tests cannot be skipped in CI")
		}
		t.Skip("Redis skipped: LYO_TEST_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("LYO_TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opt)
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "lyotest:ratelimit:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, "rate:"+prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		_ = client.Close()
	})
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at LYO_TEST_REDIS_URL: %v", err)
	}
	return client, prefix
}
