package ratelimit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lyolearn/lyo/internal/httpx"
)

func TestSetHeaders(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Policy
		r    Result
		want http.Header
	}{
		{"allowed", login, Result{Allowed: true, Limit: 10, Remaining: 3, ResetAfter: 12*time.Second + time.Millisecond},
			http.Header{
				"Ratelimit-Policy": {`"login";q=10;w=60`},
				"Ratelimit":        {`"login";r=3;t=13`},
			}},
		{"refused", login, Result{Limit: 10, RetryAfter: 5200 * time.Millisecond, ResetAfter: 29 * time.Second},
			http.Header{
				"Ratelimit-Policy": {`"login";q=10;w=60`},
				"Ratelimit":        {`"login";r=0;t=29`},
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
			Result{Allowed: true, Limit: 1},
			http.Header{
				"Ratelimit-Policy": {`"a \"b\"\\c ??";q=1;w=3600`},
				"Ratelimit":        {`"a \"b\"\\c ??";r=0;t=0`},
			}},
		{"unnamed", Policy{Limit: 1, Period: time.Second}, Result{Allowed: true, Limit: 1},
			http.Header{
				"Ratelimit-Policy": {`"default";q=1;w=1`},
				"Ratelimit":        {`"default";r=0;t=0`},
			}},
	} {
		h := http.Header{}
		SetHeaders(h, tc.p, tc.r)
		if d := cmp.Diff(tc.want, h); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
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
		"RateLimit":    `"login";r=0;t=30`,
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
