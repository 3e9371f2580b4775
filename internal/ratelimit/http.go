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
// draft-ietf-httpapi-ratelimit-headers, and adds Retry-After when r is a refusal:
//
//	RateLimit-Policy: "login";q=10;w=60
//	RateLimit: "login";r=0;t=6
//	Retry-After: 6
//
// Durations are whole seconds rounded up, so a client that waits them is never
// early. A second call replaces the first's headers.
func SetHeaders(h http.Header, p Policy, r Result) {
	name := sfString(p.Name)
	h.Set("RateLimit-Policy", name+";q="+strconv.Itoa(p.Limit)+";w="+strconv.FormatInt(ceilSeconds(p.Period), 10))
	h.Set("RateLimit", name+";r="+strconv.Itoa(max(r.Remaining, 0))+";t="+strconv.FormatInt(ceilSeconds(r.ResetAfter), 10))
	if !r.Allowed {
		h.Set("Retry-After", strconv.FormatInt(retrySeconds(r), 10))
	}
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
