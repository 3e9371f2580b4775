package ratelimit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lyolearn/lyo/internal/httpx"
)

func TestSetHeaders(t *testing.T) {
	// login: 10 a minute, burst 5: T = 6 s, the burst refills in 30 s.
	for _, tc := range []struct {
		name string
		p    Policy
		r    Result
		want http.Header
	}{
		{"allowed, next request in an interval", login, Result{Allowed: true, Limit: 10, Remaining: 3, ResetAfter: 12 * time.Second},
			http.Header{
				"Ratelimit-Policy": {`"login";q=5;w=30`},
				"Ratelimit":        {`"login";r=3;t=6`},
			}},
		{"allowed, part of an interval owed", login, Result{Allowed: true, Limit: 10, Remaining: 2, ResetAfter: 13*time.Second + 500*time.Millisecond},
			http.Header{
				"Ratelimit-Policy": {`"login";q=5;w=30`},
				"Ratelimit":        {`"login";r=2;t=2`},
			}},
		{"refused: t is Retry-After", login, Result{Limit: 10, RetryAfter: 5200 * time.Millisecond, ResetAfter: 29 * time.Second},
			http.Header{
				"Ratelimit-Policy": {`"login";q=5;w=30`},
				"Ratelimit":        {`"login";r=0;t=6`},
				"Retry-After":      {"6"},
			}},
		{"refused for under a second", Policy{Name: "fast", Limit: 4, Period: 500 * time.Millisecond},
			Result{Limit: 4, RetryAfter: 125 * time.Millisecond, ResetAfter: 500 * time.Millisecond},
			http.Header{
				"Ratelimit-Policy": {`"fast";q=4;w=1`},
				"Ratelimit":        {`"fast";r=0;t=1`},
				"Retry-After":      {"1"},
			}},
		{"name quoted and escaped", Policy{Name: `a "b"\c é`, Limit: 1, Period: time.Hour},
			Result{Allowed: true, Limit: 1, ResetAfter: time.Hour},
			http.Header{
				"Ratelimit-Policy": {`"a \"b\"\\c ??";q=1;w=3600`},
				"Ratelimit":        {`"a \"b\"\\c ??";r=0;t=3600`},
			}},
		{"unnamed", Policy{Limit: 1, Period: time.Second}, Result{Allowed: true, Limit: 1, ResetAfter: time.Second},
			http.Header{
				"Ratelimit-Policy": {`"default";q=1;w=1`},
				"Ratelimit":        {`"default";r=0;t=1`},
			}},
	} {
		h := http.Header{}
		SetHeaders(h, tc.p, tc.r)
		if d := cmp.Diff(tc.want, h); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

// TestHeadersDescribeTheLimiter drives the real limiters: a client that trusts
// the headers gets exactly q requests at once, is refused the next with t equal
// to Retry-After, and is allowed again after waiting t.
func TestHeadersDescribeTheLimiter(t *testing.T) {
	for _, p := range []Policy{
		{Name: "auth", Limit: 30, Period: time.Minute, Burst: 20},
		{Name: "read", Limit: 1200, Period: time.Minute, Burst: 200},
		{Name: "slow", Limit: 5, Period: 15 * time.Minute, Burst: 5},
	} {
		clk := newClock()
		m := NewMemory(clk.Now)
		h := http.Header{}
		SetHeaders(h, p, Result{Allowed: true})
		var q, w int
		if _, err := fmt.Sscanf(strings.SplitN(h.Get("RateLimit-Policy"), ";", 2)[1], "q=%d;w=%d", &q, &w); err != nil {
			t.Fatalf("%s: policy %q: %v", p.Name, h.Get("RateLimit-Policy"), err)
		}
		for i := range q {
			if res, _ := m.Allow(context.Background(), "k", p); !res.Allowed {
				t.Fatalf("%s: request %d of the advertised q=%d refused", p.Name, i+1, q)
			}
		}
		res, _ := m.Allow(context.Background(), "k", p)
		if res.Allowed {
			t.Fatalf("%s: request q+1 allowed: the policy's q=%d understates the burst", p.Name, q)
		}
		SetHeaders(h, p, res)
		var r, tt int
		fmt.Sscanf(strings.SplitN(h.Get("RateLimit"), ";", 2)[1], "r=%d;t=%d", &r, &tt)
		if retry, _ := strconv.Atoi(h.Get("Retry-After")); r != 0 || tt != retry || tt <= 0 {
			t.Errorf("%s: on a 429 RateLimit %q and Retry-After %q disagree", p.Name, h.Get("RateLimit"), h.Get("Retry-After"))
		}
		clk.Advance(time.Duration(tt) * time.Second)
		if res, _ := m.Allow(context.Background(), "k", p); !res.Allowed {
			t.Errorf("%s: still refused after waiting t=%d s", p.Name, tt)
		}
		// A spent quota refills in w: after w seconds, q at once again.
		clk.Advance(time.Duration(w) * time.Second)
		for i := range q {
			if res, _ := m.Allow(context.Background(), "k", p); !res.Allowed {
				t.Fatalf("%s: after w=%d s, request %d of q refused", p.Name, w, i+1)
			}
		}
	}
}

func TestExceeded(t *testing.T) {
	e := Exceeded(login, Result{Limit: 10, RetryAfter: 1500 * time.Millisecond, ResetAfter: 30 * time.Second})
	w := httptest.NewRecorder()
	httpx.WriteProblem(w, httptest.NewRequest("POST", "/api/v1/auth/login", nil), e)

	if w.Code != http.StatusTooManyRequests {
		t.Errorf("status %d, want 429", w.Code)
	}
	for k, want := range map[string]string{
		"Retry-After":  "2",
		"RateLimit":    `"login";r=0;t=2`,
		"Content-Type": "application/problem+json",
	} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	var p httpx.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Code != "rate_limited" || p.Detail != "too many requests; retry in 2 seconds" {
		t.Errorf("problem %+v", p)
	}
	if d := Exceeded(login, Result{RetryAfter: time.Millisecond}).Detail; d != "too many requests; retry in 1 second" {
		t.Errorf("detail %q", d)
	}
}
