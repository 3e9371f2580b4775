package ratelimit

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/httpx"
)

// SetHeaders describes p and r to the client in the structured-field headers of
// draft-ietf-httpapi-ratelimit-headers-10, and adds Retry-After when r is a
// refusal:
//
//	RateLimit-Policy: "auth";q=20;w=40
//	RateLimit: "auth";r=0;t=2
//	Retry-After: 2
//
// The headers say what the GCRA limiter does, not the policy's nominal rate: a
// client may send q requests at once (the burst), and a spent quota refills in w
// seconds (burst × emission interval), one request every w/q seconds. r is how
// many requests would be allowed right now, and t the seconds until one more
// would be (the draft's "additional quota made available"): on a refusal, t is
// exactly Retry-After. Durations are whole seconds rounded up, so a client that
// waits them is never early. A second call replaces the first's headers.
func SetHeaders(h http.Header, p Policy, r Result) {
	name := sfString(p.Name)
	q, w := p.Limit, int64(0)
	if p.validate() == nil {
		q, w = p.burst(), ceilSeconds(time.Duration(p.burst())*p.interval())
	}
	h.Set("RateLimit-Policy", name+";q="+strconv.Itoa(q)+";w="+strconv.FormatInt(w, 10))
	var t int64
	if r.Allowed {
		t = ceilSeconds(nextUnit(p, r))
	} else {
		t = retrySeconds(r)
		h.Set("Retry-After", strconv.FormatInt(t, 10))
	}
	h.Set("RateLimit", name+";r="+strconv.Itoa(max(r.Remaining, 0))+";t="+strconv.FormatInt(t, 10))
}

// nextUnit is how long until one more request would be allowed after r. GCRA
// hands out a request every interval T; with r.Remaining left now and the
// bucket full again r.ResetAfter from now, the next one comes when
// ResetAfter less the (burst − remaining − 1) intervals still owed has passed.
func nextUnit(p Policy, r Result) time.Duration {
	if p.validate() != nil || r.Remaining >= p.burst() {
		return 0
	}
	T := p.interval()
	next := r.ResetAfter - time.Duration(p.burst()-r.Remaining-1)*T
	return min(max(next, 0), T)
}

// Exceeded is the 429 a handler returns for a refused request. Its headers are
// those of SetHeaders, so the problem response carries them.
func Exceeded(p Policy, r Result) *httpx.Error {
	h := http.Header{}
	SetHeaders(h, p, r)
	secs := retrySeconds(r)
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	return &httpx.Error{
		Status: http.StatusTooManyRequests,
		Code:   "rate_limited",
		Detail: fmt.Sprintf("too many requests; retry in %d %s", secs, unit),
		Header: h,
	}
}

// retrySeconds is at least 1: a refusal that says "retry in 0 seconds" invites
// a client to spin.
func retrySeconds(r Result) int64 {
	return max(ceilSeconds(r.RetryAfter), 1)
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// sfString serialises s as a structured-field string (RFC 9651 §4.1.6): quoted,
// with " and \ escaped. Characters outside printable ASCII are not allowed there
// and become "?"; an empty name becomes "default".
func sfString(s string) string {
	if s == "" {
		s = "default"
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
