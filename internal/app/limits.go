package app

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/netip"
	"time"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/media"
	"github.com/lyolearn/lyo/internal/ratelimit"
	"github.com/lyolearn/lyo/internal/tutor"
)

// Rate-limit policies per route group: one for anonymous callers (by client
// address) and one for signed-in users. Auth is tight; reads are loose. They let a
// person, or a test script, register and sign in a handful of accounts a minute
// from one address.
var (
	ipPolicies = map[string]ratelimit.Policy{
		"auth":  {Name: "auth", Limit: 30, Period: time.Minute, Burst: 20},
		"read":  {Name: "read", Limit: 1200, Period: time.Minute, Burst: 200},
		"write": {Name: "write", Limit: 300, Period: time.Minute, Burst: 60},
	}
	userPolicies = map[string]ratelimit.Policy{
		"auth":  {Name: "auth-user", Limit: 30, Period: time.Minute, Burst: 10},
		"read":  {Name: "read-user", Limit: 1200, Period: time.Minute, Burst: 200},
		"write": {Name: "write-user", Limit: 600, Period: time.Minute, Burst: 120},
		// A client sends a batch of events every few seconds; this allows bursts
		// after being offline.
		"events": {Name: "events-user", Limit: 600, Period: time.Minute, Burst: 120},
		// Each question calls a model: a few a minute is a fast learner.
		tutor.RateGroup: {Name: "tutor-user", Limit: 20, Period: time.Minute, Burst: 10},
	}
	// Sign-in attempts from one address, at any accounts.
	loginPerIP = ratelimit.Policy{Name: "login-ip", Limit: 30, Period: time.Minute, Burst: 20}
	// Wrong passwords from one address at one account: five, then one every
	// three minutes.
	loginPerPair = ratelimit.Policy{Name: "login-pair", Limit: 5, Period: 15 * time.Minute, Burst: 5}
	// Wrong passwords at one account from anywhere: the slower limit. Past it
	// only addresses without recent wrong passwords are let try, so its
	// owner, from their own device, still signs in.
	loginPerAccount = ratelimit.Policy{Name: "login-account", Limit: 20, Period: time.Hour, Burst: 10}
)

// noLimit marks routes that are never limited: probes and metrics scrapes.
const noLimit = "none"

func policyGroup(route httpx.Route) string {
	if route.Limit != "" {
		return route.Limit
	}
	switch route.Method {
	case http.MethodGet, http.MethodHead:
		return "read"
	}
	return "write"
}

// limit is the router's rate-limit step: by address before authorization, by
// user after it.
func (s *server) limit(w http.ResponseWriter, r *http.Request, route httpx.Route) error {
	group := policyGroup(route)
	if group == noLimit || !s.cfg.RateLimit {
		return nil
	}
	ctx := r.Context()
	p, key := ipPolicies[group], "ip:"+httpx.ClientIP(ctx).String()
	c, signedIn := httpx.CallerFrom(ctx)
	if signedIn {
		p, key = userPolicies[group], "user:"+c.UserID
	}
	if group == media.UploadLimit {
		user, ip := s.uploadPolicies()
		if p = ip; signedIn {
			p = user
		}
	}
	if p.Limit == 0 {
		p = ipPolicies["write"] // an unknown group gets a sane policy, never none
	}
	res := s.limits.Allow(ctx, p.Name+":"+key, p)
	ratelimit.SetHeaders(w.Header(), p, res)
	if !res.Allowed {
		return ratelimit.Exceeded(p, res)
	}
	return nil
}

// loginThrottle is auth's sign-in throttle on the node's limiter. Guessing
// is limited per address, and wrong passwords per (account, address) pair
// and per account. The account limit never locks its owner out: past it, an
// address with no recent wrong password at that account is still let try,
// while the guessing addresses are refused. Keys name accounts by a hash of
// the email, so the limiter holds no addresses of people.
type loginThrottle struct{ s *server }

var _ auth.Throttle = loginThrottle{}

func (l loginThrottle) Admit(ctx context.Context, account string, addr netip.Addr) error {
	if !l.s.cfg.RateLimit {
		return nil
	}
	lim := l.s.limits
	if res := lim.Allow(ctx, loginPerIP.Name+":"+addr.String(), loginPerIP); !res.Allowed {
		return ratelimit.Exceeded(loginPerIP, res)
	}
	pair, acct := loginKeys(account, addr)
	if res := peek(ctx, lim, pair, loginPerPair); !res.Allowed {
		return ratelimit.Exceeded(loginPerPair, res)
	}
	if res := peek(ctx, lim, acct, loginPerAccount); !res.Allowed && !fresh(ctx, lim, pair) {
		return ratelimit.Exceeded(loginPerAccount, res)
	}
	return nil
}

func (l loginThrottle) Failed(ctx context.Context, account string, addr netip.Addr) {
	if !l.s.cfg.RateLimit {
		return
	}
	pair, acct := loginKeys(account, addr)
	l.s.limits.Allow(ctx, pair, loginPerPair)
	l.s.limits.Allow(ctx, acct, loginPerAccount)
}

func loginKeys(account string, addr netip.Addr) (pair, acct string) {
	sum := sha256.Sum256([]byte(account))
	h := base64.RawURLEncoding.EncodeToString(sum[:16])
	return loginPerPair.Name + ":" + h + ":" + addr.String(), loginPerAccount.Name + ":" + h
}

// peek answers whether a request under p would be allowed for key now, without
// counting one. GCRA keeps one number per key, its theoretical arrival time
// (TAT), and a policy is only how that number is read: a request under p is
// allowed while TAT - now <= (burst-1)·T. peek asks under a policy whose
// interval is one nanosecond and whose burst spans that same room, so the
// answer (and its RetryAfter) is p's, and the TAT moves by a nanosecond: a
// million looks cost the key a millisecond.
func peek(ctx context.Context, lim *ratelimit.Guard, key string, p ratelimit.Policy) ratelimit.Result {
	burst := cmp.Or(p.Burst, p.Limit)
	room := time.Duration(burst-1) * (p.Period / time.Duration(p.Limit))
	res := lim.Allow(ctx, key, ratelimit.Policy{Name: p.Name, Limit: int(time.Second), Period: time.Second, Burst: int(room) + 1})
	return ratelimit.Result{Allowed: res.Allowed, Limit: p.Limit, RetryAfter: res.RetryAfter, ResetAfter: res.ResetAfter}
}

// fresh reports whether key owes nothing: no wrong password from the pair
// still counts (its TAT is not in the future, give or take the nanoseconds
// looks add, far below the minutes a wrong password adds).
func fresh(ctx context.Context, lim *ratelimit.Guard, key string) bool {
	slack := int(time.Millisecond)
	return lim.Allow(ctx, key, ratelimit.Policy{Name: "login-fresh", Limit: int(time.Second), Period: time.Second, Burst: slack + 1}).Allowed
}
