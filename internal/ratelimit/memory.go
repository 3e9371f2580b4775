package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

const (
	// memoryShards splits the key space so that parallel requests on different
	// keys rarely wait for one another. On 2 vCPUs BenchmarkMemoryAllow finds no
	// difference from one mutex (a decision is a clock read and a map cache miss);
	// the shards are for nodes with many cores. A power of two.
	memoryShards = 64
	// memoryMaxKeys bounds the memory of a Memory: about 100 MB at the limit with
	// keys of 40 bytes. Past it, live keys are evicted at random.
	memoryMaxKeys = 1 << 20
	// sweepEvery is how often a shard drops its expired keys even when it is not
	// growing; growth triggers sweeps on its own (see shard.sweep).
	sweepEvery  = time.Minute
	minSweepLen = 1024
)

// Memory is an in-process GCRA limiter. It is safe for concurrent use.
//
// Keys whose TAT has passed are dropped by sweeps made on access, so memory follows
// the keys active within their policies' reset time; no goroutine runs in the
// background. Above about a million live keys, random live keys are evicted:
// those keys lose their history and start again with a full burst.
type Memory struct {
	now    func() time.Time
	epoch  time.Time
	seed   maphash.Seed
	shards []shard
	mask   uint64
	maxLen int // per shard
}

type shard struct {
	mu        sync.Mutex
	tats      map[string]int64 // TAT in nanoseconds since Memory.epoch
	nextSweep int64
	sweepLen  int
	_         [64]byte // keeps neighbouring shards' mutexes off one cache line
}

// NewMemory returns an in-process limiter reading time from now (time.Now when nil).
func NewMemory(now func() time.Time) *Memory {
	return newMemory(now, memoryShards, memoryMaxKeys)
}

func newMemory(now func() time.Time, shards, maxKeys int) *Memory {
	if now == nil {
		now = time.Now
	}
	m := &Memory{
		now:    now,
		epoch:  now(), // with time.Now, Sub below uses the monotonic clock
		seed:   maphash.MakeSeed(),
		shards: make([]shard, shards),
		mask:   uint64(shards - 1),
		maxLen: max(maxKeys/shards, minSweepLen),
	}
	for i := range m.shards {
		m.shards[i].tats = make(map[string]int64)
		m.shards[i].sweepLen = minSweepLen
	}
	return m
}

// Allow applies p to key. Its only error is an invalid policy.
func (m *Memory) Allow(_ context.Context, key string, p Policy) (Result, error) {
	if err := p.validate(); err != nil {
		return Result{}, err
	}
	t := int64(p.interval())
	burstOffset := t * int64(p.burst())
	now := int64(m.now().Sub(m.epoch))

	s := &m.shards[maphash.String(m.seed, key)&m.mask]
	s.mu.Lock()
	if now >= s.nextSweep || len(s.tats) >= s.sweepLen {
		s.sweep(now, m.maxLen)
	}
	tat, ok := s.tats[key]
	if !ok || tat < now {
		tat = now
	}
	newTAT := tat + t
	diff := now - (newTAT - burstOffset) // how long ago this request became allowed
	if diff < 0 {
		s.mu.Unlock()
		return Result{Limit: p.Limit, RetryAfter: time.Duration(-diff), ResetAfter: time.Duration(tat - now)}, nil
	}
	s.tats[key] = newTAT
	s.mu.Unlock()
	return Result{Allowed: true, Limit: p.Limit, Remaining: int(diff / t), ResetAfter: time.Duration(newTAT - now)}, nil
}

// Len is the number of keys held, expired ones not yet swept included.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.tats)
		s.mu.Unlock()
	}
	return n
}

// sweep drops expired keys. The next sweep is due when the shard has doubled
// from what survives, which keeps the cost per request constant, or after
// sweepEvery. At maxLen it evicts live keys down to 7/8 of it, for the same reason.
func (s *shard) sweep(now int64, maxLen int) {
	for k, tat := range s.tats {
		if tat <= now {
			delete(s.tats, k)
		}
	}
	if len(s.tats) >= maxLen {
		for k := range s.tats { // map order is random enough to pick victims
			if len(s.tats) <= maxLen/8*7 {
				break
			}
			delete(s.tats, k)
		}
	}
	s.nextSweep = now + int64(sweepEvery)
	s.sweepLen = min(max(2*len(s.tats), minSweepLen), maxLen)
}
