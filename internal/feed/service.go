package feed

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/feed/rank"
	"github.com/lyolearn/lyo/internal/id"
)

// Options tune the service. Zero values take the defaults.
type Options struct {
	Now    func() time.Time
	Log    *slog.Logger
	Config *rank.Config // ranking weights and limits; nil: rank.DefaultConfig
	// Sessions and Versions are shared by every node when Redis is configured;
	// nil keeps them in this process.
	Sessions Sessions
	Versions Versions
	// CacheSize bounds the learners kept loaded on this node (default 2,000);
	// CacheMaxAge bounds how long one is kept without a reload (default 5 minutes).
	CacheSize   int
	CacheMaxAge time.Duration
	// RecentEvents is how much of a learner's history the ranker reads (default 300).
	RecentEvents int
	// MaxPages bounds a session (default 50 pages).
	MaxPages int
	// IsMinor applies the accounts' rule to a birth year; Scale turns a stored
	// normalised affinity into its value at a time (package events' rule).
	IsMinor func(birthYear int, now time.Time) bool
	Scale   func(normalised float64, at time.Time) float64
}

// Service serves feeds: For You (and binge mode), trending, the next episode of
// a series, the learner's profile, and the admin's explanation of a ranking.
type Service struct {
	store    Store
	cat      *Catalogue
	now      func() time.Time
	log      *slog.Logger
	cfg      *rank.Config
	sessions Sessions
	versions Versions
	cache    *learnerCache
	recent   int
	maxPages int
	isMinor  func(int, time.Time) bool
	scale    func(float64, time.Time) float64
	// tuneBudget bounds the training job's tuning of the ranking weights.
	tuneBudget time.Duration
}

// NewService wires the feed over its store and catalogue.
func NewService(store Store, cat *Catalogue, o Options) *Service {
	s := &Service{store: store, cat: cat, now: o.Now, log: o.Log, cfg: o.Config, sessions: o.Sessions, versions: o.Versions,
		recent: o.RecentEvents, maxPages: o.MaxPages, isMinor: o.IsMinor, scale: o.Scale, tuneBudget: tuneBudget}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.cfg == nil {
		s.cfg = rank.DefaultConfig()
	}
	if s.sessions == nil {
		s.sessions = NewMemorySessions(20000, 30*time.Minute, s.now)
	}
	if s.versions == nil {
		s.versions = NewMemoryVersions()
	}
	if s.recent <= 0 {
		s.recent = 300
	}
	if s.maxPages <= 0 {
		s.maxPages = 50
	}
	if s.isMinor == nil {
		s.isMinor = func(int, time.Time) bool { return false }
	}
	if s.scale == nil {
		s.scale = func(v float64, _ time.Time) float64 { return v }
	}
	size, age := o.CacheSize, o.CacheMaxAge
	if size == 0 {
		size = 2000
	}
	if age <= 0 {
		age = 5 * time.Minute
	}
	s.cache = newLearnerCache(size, age)
	return s
}

// Catalogue is the index holder the service serves from.
func (s *Service) Catalogue() *Catalogue { return s.cat }

// Touched records that what the feed knows about a learner changed (an event,
// a hide, a follow or block): their next page, on any node, reads it afresh.
func (s *Service) Touched(ctx context.Context, userID string) {
	s.cache.drop(userID)
	if err := s.versions.Bump(ctx, userID); err != nil {
		s.log.WarnContext(ctx, "feed: could not mark a learner's state as changed; other nodes may serve it stale for a while",
			"user_id", userID, "error", err)
	}
}

// learner returns the learner's state: cached when nothing changed since it
// was loaded, else read from the store. factors is a latent vector folded in
// earlier for the same state.
func (s *Service) learner(ctx context.Context, userID string, x *Index, now time.Time) (st *State, version uint64, cached bool, err error) {
	version, verr := s.versions.Version(ctx, userID)
	if verr == nil {
		if st, f, fv, ok := s.cache.get(userID, version, now); ok {
			if f != nil {
				l := *st.Learner
				l.Factors, l.FactorsVersion = f, fv
				cp := *st
				cp.Learner = &l
				st = &cp
			}
			return st, version, true, nil
		}
	} else {
		s.log.WarnContext(ctx, "feed: learner version unavailable; reading their state from the database", "error", verr)
	}
	rec, err := s.store.LearnerRecord(ctx, userID, s.recent)
	if err != nil {
		return nil, 0, false, fmt.Errorf("load learner %s: %w", userID, err)
	}
	st = s.buildLearner(userID, rec, x, now)
	if verr == nil {
		s.cache.put(userID, version, now, st)
	}
	return st, version, verr == nil, nil
}

// ForYou returns a page of the learner's feed: a new session's first page, or
// the page a cursor names.
func (s *Service) ForYou(ctx context.Context, c access.Caller, q Query) (Page, error) {
	now := s.now().UTC()
	x := s.cat.Current()
	sess, n, err := s.session(ctx, c, q, now)
	if err != nil {
		return Page{}, err
	}
	st, version, cacheable, err := s.learner(ctx, c.UserID, x, now)
	if err != nil {
		return Page{}, err
	}
	notice, stop, err := s.notice(ctx, c.UserID, st, now)
	if err != nil {
		return Page{}, err
	}
	if stop {
		return Page{Entries: []Entry{}, Notice: notice}, nil
	}
	var entries []PageEntry
	if n < len(sess.Pages) && sess.Pages[n] != nil {
		entries = sess.Pages[n]
	} else {
		var served []string
		for _, p := range sess.Pages[:min(n, len(sess.Pages))] {
			for _, e := range p {
				served = append(served, e.ItemID)
			}
		}
		out := rank.Rank(rank.Input{Catalogue: x.Rank, Learner: st.Learner, Config: x.config(s.cfg),
			Request: rank.Request{Limit: q.Limit, Mode: sess.Mode, Now: now, Seed: sess.Seed, Served: served}})
		if out.Factors != nil && cacheable {
			s.cache.setFactors(c.UserID, version, out.Factors, out.FactorsVersion)
		}
		entries = make([]PageEntry, 0, len(out.Entries))
		for _, e := range out.Entries {
			entries = append(entries, PageEntry{ItemID: e.ItemID, Source: string(e.Source), Explanation: e.Explanation})
		}
		if entries, err = s.sessions.SavePage(ctx, sess.ID, n, entries); err != nil {
			return Page{}, err
		}
	}
	page := Page{Entries: make([]Entry, 0, len(entries)), Notice: notice}
	for _, e := range entries {
		// A page served again (a retry, or going back) leaves out what the
		// learner hid since.
		if st.Learner.Items[e.ItemID].Hidden {
			continue
		}
		if sum, ok := x.Summary(e.ItemID); ok {
			page.Entries = append(page.Entries, Entry{Item: sum, Explanation: e.Explanation, Source: e.Source})
		}
	}
	if len(entries) >= max(q.Limit, 1) && n+1 < s.maxPages {
		page.Next = &Position{Session: sess.ID, User: c.UserID, Page: n + 1}
	}
	return page, nil
}

// session returns the session a query continues, or starts one, and the page
// number asked for.
func (s *Service) session(ctx context.Context, c access.Caller, q Query, now time.Time) (Session, int, error) {
	if q.After == nil {
		sid := id.New(now)
		sess := Session{ID: sid, UserID: c.UserID, Mode: q.Mode, Seed: seedOf(sid), Started: now}
		if sess.Mode == "" {
			sess.Mode = rank.ForYou
		}
		if err := s.sessions.Start(ctx, sess); err != nil {
			return Session{}, 0, fmt.Errorf("start feed session: %w", err)
		}
		return sess, 0, nil
	}
	p := q.After
	if p.User != c.UserID {
		return Session{}, 0, ErrForeignCursor
	}
	sess, err := s.sessions.Get(ctx, p.Session)
	if err != nil {
		return Session{}, 0, err
	}
	if sess.UserID != c.UserID {
		return Session{}, 0, ErrForeignCursor
	}
	if p.Page < 1 || p.Page > len(sess.Pages) || p.Page >= s.maxPages {
		return Session{}, 0, ErrBadCursor
	}
	return sess, p.Page, nil
}

func seedOf(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}
