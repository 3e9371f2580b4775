package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/ratelimit"
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
	}
	// Sign-in attempts, checked before any password is hashed.
	loginPerIP      = ratelimit.Policy{Name: "login-ip", Limit: 30, Period: time.Minute, Burst: 20}
	loginPerAccount = ratelimit.Policy{Name: "login-account", Limit: 10, Period: time.Minute, Burst: 5}
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
	if c, ok := httpx.CallerFrom(ctx); ok {
		p, key = userPolicies[group], "user:"+c.UserID
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

// loginThrottle limits sign-in attempts per address ("ip:…") and per account
// ("account:…").
func (s *server) loginThrottle(ctx context.Context, key string) error {
	if !s.cfg.RateLimit {
		return nil
	}
	p := loginPerAccount
	if strings.HasPrefix(key, "ip:") {
		p = loginPerIP
	}
	if res := s.limits.Allow(ctx, p.Name+":"+key, p); !res.Allowed {
		return ratelimit.Exceeded(p, res)
	}
	return nil
}
