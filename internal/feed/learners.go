package feed

import (
	"container/list"
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// Versions holds, per learner, a number that changes whenever what the feed
// knows about them changes: an event, a hide, a follow or block, a profile
// edit. A node caches a learner's state with the version it read before
// loading it, and reloads when the version has moved, so a change made through
// any node reaches the learner's next page on every node.
type Versions interface {
	Version(ctx context.Context, userID string) (uint64, error)
	Bump(ctx context.Context, userID string) error
}

// MemoryVersions keeps versions in this process: enough for one node. Learners
// share a fixed number of counters (a bump reloads a few others too, which is
// harmless), so memory stays bounded however many learners there are.
type MemoryVersions struct {
	seed    maphash.Seed
	stripes [4096]atomic.Uint64
}

// NewMemoryVersions returns in-process versions.
func NewMemoryVersions() *MemoryVersions { return &MemoryVersions{seed: maphash.MakeSeed()} }

func (m *MemoryVersions) stripe(userID string) *atomic.Uint64 {
	return &m.stripes[maphash.String(m.seed, userID)%uint64(len(m.stripes))]
}

// Version returns the learner's version.
func (m *MemoryVersions) Version(_ context.Context, userID string) (uint64, error) {
	return m.stripe(userID).Load(), nil
}

// Bump moves the learner's version.
func (m *MemoryVersions) Bump(_ context.Context, userID string) error {
	m.stripe(userID).Add(1)
	return nil
}

// learnerCache keeps recently loaded learners, least recently used out first.
type learnerCache struct {
	mu     sync.Mutex
	max    int
	maxAge time.Duration
	ll     *list.List
	m      map[string]*list.Element
}

type cacheEntry struct {
	userID  string
	version uint64
	loaded  time.Time
	state   *State
	// The latent vector the ranker folded in for this state (guarded by the
	// cache's lock).
	factors        []float32
	factorsVersion int64
}

func newLearnerCache(max int, maxAge time.Duration) *learnerCache {
	return &learnerCache{max: max, maxAge: maxAge, ll: list.New(), m: map[string]*list.Element{}}
}

// get returns the state cached at version, with its folded-in factors.
func (c *learnerCache) get(userID string, version uint64, now time.Time) (*State, []float32, int64, bool) {
	if c.max <= 0 {
		return nil, nil, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[userID]
	if !ok {
		return nil, nil, 0, false
	}
	e := el.Value.(*cacheEntry)
	if e.version != version || now.Sub(e.loaded) > c.maxAge || now.Before(e.loaded) {
		c.ll.Remove(el)
		delete(c.m, userID)
		return nil, nil, 0, false
	}
	c.ll.MoveToFront(el)
	return e.state, e.factors, e.factorsVersion, true
}

func (c *learnerCache) put(userID string, version uint64, now time.Time, st *State) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[userID]; ok {
		e := el.Value.(*cacheEntry)
		if e.version > version {
			return // a newer load got there first
		}
		*e = cacheEntry{userID: userID, version: version, loaded: now, state: st}
		c.ll.MoveToFront(el)
		return
	}
	c.m[userID] = c.ll.PushFront(&cacheEntry{userID: userID, version: version, loaded: now, state: st})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*cacheEntry).userID)
	}
}

// setFactors remembers the vector folded in for the state cached at version.
func (c *learnerCache) setFactors(userID string, version uint64, f []float32, fv int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[userID]; ok {
		if e := el.Value.(*cacheEntry); e.version == version {
			e.factors, e.factorsVersion = f, fv
		}
	}
}

func (c *learnerCache) drop(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[userID]; ok {
		c.ll.Remove(el)
		delete(c.m, userID)
	}
}
