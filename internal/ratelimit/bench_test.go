package ratelimit

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// The benchmark policies allow every request, so they measure the write path.
var (
	// livePolicy keeps every key live for the whole run (T = 100 ms, a burst of a
	// million), as per-client limits do under traffic: the map holds all the keys.
	livePolicy = Policy{Name: "live", Limit: 10, Period: time.Second, Burst: 1 << 20}
	// hotPolicy refills faster than one key can be asked.
	hotPolicy = Policy{Name: "hot", Limit: 1 << 28, Period: time.Second}
)

func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "ip:10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
	}
	return keys
}

// BenchmarkMemoryAllow measures one in-process decision, with the real clock, on
// 64 shards (what NewMemory uses) and on one mutex, for many keys and for one
// hot key.
func BenchmarkMemoryAllow(b *testing.B) {
	keys := benchKeys(1 << 16)
	for _, shards := range []int{memoryShards, 1} {
		for _, tc := range []struct {
			name string
			keys []string
			p    Policy
		}{{"many-keys", keys, livePolicy}, {"hot-key", keys[:1], hotPolicy}} {
			b.Run(tc.name+"/shards="+strconv.Itoa(shards), func(b *testing.B) {
				m := newMemory(time.Now, shards, memoryMaxKeys)
				for _, k := range tc.keys { // measure the steady state, not the map's growth
					if _, err := m.Allow(context.Background(), k, tc.p); err != nil {
						b.Fatal(err)
					}
				}
				var worker atomic.Int64
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					i := int(worker.Add(1)) * 7919
					for pb.Next() {
						if _, err := m.Allow(context.Background(), tc.keys[i%len(tc.keys)], tc.p); err != nil {
							b.Fatal(err)
						}
						i++
					}
				})
			})
		}
	}
}

// BenchmarkRedisAllow measures one decision in Redis: serial is the latency a
// request pays, parallel the throughput of one client. ping is the bare round
// trip and redis_rate the script alone; "default" clients pay for Allow's
// goroutine, "ctx-timeout" ones (ContextTimeoutEnabled) do not.
func BenchmarkRedisAllow(b *testing.B) {
	client, prefix := testRedis(b)
	opt := *client.Options()
	opt.ContextTimeoutEnabled = true
	ctxClient := redis.NewClient(&opt)
	b.Cleanup(func() { _ = ctxClient.Close() })
	keys := benchKeys(1 << 12)

	b.Run("ping", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := client.Ping(context.Background()).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("redis_rate", func(b *testing.B) {
		lim := redis_rate.NewLimiter(client)
		limit := redis_rate.Limit{Rate: livePolicy.Limit, Burst: livePolicy.Burst, Period: livePolicy.Period}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := lim.Allow(context.Background(), prefix+keys[i%len(keys)], limit); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name   string
		client *redis.Client
	}{{"default", client}, {"ctx-timeout", ctxClient}} {
		r := NewRedis(c.client, prefix, time.Second)
		b.Run(c.name+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := r.Allow(context.Background(), keys[i%len(keys)], livePolicy); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			var worker atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := int(worker.Add(1)) * 7919
				for pb.Next() {
					if _, err := r.Allow(context.Background(), keys[i%len(keys)], livePolicy); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		})
	}
}

// BenchmarkGuardSharedDown is a limit decision while the shared limiter's server
// hangs (accepts, never answers): after the first call finds it down, requests
// are decided in process and no longer wait out the Redis timeout (50 ms each
// before the guard switched limiters).
func BenchmarkGuardSharedDown(b *testing.B) {
	client := redis.NewClient(&redis.Options{Addr: blackHole(b), MaxRetries: -1, ContextTimeoutEnabled: true})
	b.Cleanup(func() { _ = client.Close() })
	g := NewGuard(NewRedis(client, "bench:", 0), NewMemory(nil), nil, nil)
	g.Allow(context.Background(), "k", livePolicy) // finds the server down
	keys := benchKeys(1 << 10)
	i := 0
	for b.Loop() {
		g.Allow(context.Background(), keys[i&(len(keys)-1)], livePolicy)
		i++
	}
}
