package app

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// TestStolenRefreshTokenCannotForkASignIn replays a refresh token the moment
// after its owner exchanged it, as a thief who copied it would: the replay gets
// no refresh token, so the sign-in keeps one chain, and a replay after the grace
// window ends the sign-in and every access token it issued.
func TestStolenRefreshTokenCannotForkASignIn(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		clk := newClock()
		c := newClient(t, authServer(t, dbURL, clk, nil), spec)
		stolen := c.register("ada@example.com", "correct horse battery")
		other := c.from("198.51.100.7")
		var laptop tokens
		want(t, other.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": "correct horse battery"}), 200, &laptop)

		var owner, thief tokens
		want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": stolen.RefreshToken}), 200, &owner)
		clk.Advance(time.Second)
		want(t, other.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": stolen.RefreshToken}), 200, &thief)
		if thief.RefreshToken != "" {
			t.Fatal("a replay within the grace window got a refresh token of its own: the sign-in forked")
		}
		// The owner's chain goes on.
		clk.Advance(time.Minute)
		want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": owner.RefreshToken}), 200, &owner)

		// A replay after the grace window is reuse: the sign-in ends, with the
		// access tokens it issued, and the owner's other sign-in goes on.
		want(t, other.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": stolen.RefreshToken}), 401, nil)
		want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": owner.RefreshToken}), 401, nil)
		for name, tk := range map[string]string{"owner": owner.AccessToken, "thief": thief.AccessToken} {
			w := c.as(tk).do("GET", "/api/v1/me", nil)
			want(t, w, 401, nil)
			if h := w.Header().Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_token"`) {
				t.Errorf("%s's access token of the revoked sign-in: WWW-Authenticate %q", name, h)
			}
		}
		want(t, c.as(laptop.AccessToken).do("GET", "/api/v1/me", nil), 200, nil)
		want(t, other.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": laptop.RefreshToken}), 200, nil)
	})
}

// TestConcurrentRefreshesKeepOneHead races one refresh token from many
// requests: exactly one answer carries a refresh token.
func TestConcurrentRefreshesKeepOneHead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, newTestServer(t, testEnv(t, dbURL, nil)), nil)
		tk := c.register("ada@example.com", "correct horse battery")
		const n = 8
		got := make([]tokens, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				want(t, c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tk.RefreshToken}), 200, &got[i])
			})
		}
		wg.Wait()
		heads := 0
		for _, g := range got {
			if g.RefreshToken != "" {
				heads++
			}
		}
		if heads != 1 {
			t.Errorf("%d of %d concurrent refreshes got a refresh token, want exactly 1", heads, n)
		}
	})
}

// TestLogoutEndsTheSignInsAccessToken signs in twice and logs one sign-in out:
// its access token stops at once, the other's does not.
func TestLogoutEndsTheSignInsAccessToken(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, newTestServer(t, testEnv(t, dbURL, nil)), nil)
		phone := c.register("ada@example.com", "correct horse battery")
		var laptop tokens
		want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": "correct horse battery"}), 200, &laptop)
		bob := c.register("bob@example.com", "correct horse battery")

		want(t, c.as(phone.AccessToken).do("POST", "/api/v1/auth/logout", nil), 204, nil)
		var p problem
		w := c.as(phone.AccessToken).do("GET", "/api/v1/me", nil)
		want(t, w, 401, &p)
		if p.Code != "unauthenticated" || !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("the logged-out access token: code %q, WWW-Authenticate %q", p.Code, w.Header().Get("WWW-Authenticate"))
		}
		want(t, c.as(laptop.AccessToken).do("GET", "/api/v1/me", nil), 200, nil)
		want(t, c.as(bob.AccessToken).do("GET", "/api/v1/me", nil), 200, nil)
	})
}
