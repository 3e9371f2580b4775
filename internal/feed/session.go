package feed

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Session is one run of a learner's feed: the pages served since a request
// without a cursor. Later pages are ranked with the earlier ones excluded, and a
// page asked for twice (a client's retry) is the same page.
type Session struct {
	ID      string
	UserID  string
	Mode    rank.Mode
	Seed    uint64
	Started time.Time
	Pages   [][]PageEntry
}

// PageEntry is one served entry, as kept for the session.
type PageEntry struct {
	ItemID      string `json:"i"`
	Source      string `json:"s"`
	Explanation string `json:"e"`
}

// Sessions keep feed sessions where every node can read them (Redis), or in
// this process. A session expires after it has been idle for the store's idle
// time.
type Sessions interface {
	// Start stores a new session with no pages.
	Start(ctx context.Context, s Session) error
	// Get returns the session and refreshes its idle time; ErrSessionExpired
	// when it is unknown or expired.
	Get(ctx context.Context, id string) (Session, error)
	// SavePage stores page n (from 0) unless it is already stored, and returns
	// the stored page: of two nodes serving the same page at once, the first
	// wins and both answer it. ErrSessionExpired when the session is gone.
	SavePage(ctx context.Context, id string, n int, page []PageEntry) ([]PageEntry, error)
}

// MemorySessions keeps sessions in this process, at most max of them (the least
// recently used go first), each for idle after its last use.
type MemorySessions struct {
	mu   sync.Mutex
	max  int
	idle time.Duration
	now  func() time.Time
	ll   *list.List
	m    map[string]*list.Element
}

type memSession struct {
	s    Session
	used time.Time
}

// NewMemorySessions returns an in-process session store.
func NewMemorySessions(max int, idle time.Duration, now func() time.Time) *MemorySessions {
	return &MemorySessions{max: max, idle: idle, now: now, ll: list.New(), m: map[string]*list.Element{}}
}

// Start stores a new session.
func (m *MemorySessions) Start(_ context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.m[s.ID]; ok {
		m.ll.Remove(el)
	}
	s.Pages = nil
	m.m[s.ID] = m.ll.PushFront(&memSession{s: s, used: m.now()})
	for m.ll.Len() > m.max {
		old := m.ll.Back()
		m.ll.Remove(old)
		delete(m.m, old.Value.(*memSession).s.ID)
	}
	return nil
}

// live returns the session's element, refreshed, or nil when expired.
func (m *MemorySessions) live(id string) *memSession {
	el, ok := m.m[id]
	if !ok {
		return nil
	}
	ms := el.Value.(*memSession)
	now := m.now()
	if now.Sub(ms.used) > m.idle {
		m.ll.Remove(el)
		delete(m.m, id)
		return nil
	}
	ms.used = now
	m.ll.MoveToFront(el)
	return ms
}

// Get returns a copy of the session.
func (m *MemorySessions) Get(_ context.Context, id string) (Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ms := m.live(id)
	if ms == nil {
		return Session{}, fmt.Errorf("feed session %s: %w", id, ErrSessionExpired)
	}
	s := ms.s
	s.Pages = append([][]PageEntry(nil), ms.s.Pages...)
	return s, nil
}

// SavePage stores page n unless it exists.
func (m *MemorySessions) SavePage(_ context.Context, id string, n int, page []PageEntry) ([]PageEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ms := m.live(id)
	if ms == nil {
		return nil, fmt.Errorf("feed session %s: %w", id, ErrSessionExpired)
	}
	for len(ms.s.Pages) <= n {
		ms.s.Pages = append(ms.s.Pages, nil)
	}
	if ms.s.Pages[n] == nil {
		ms.s.Pages[n] = append([]PageEntry{}, page...)
	}
	return ms.s.Pages[n], nil
}
