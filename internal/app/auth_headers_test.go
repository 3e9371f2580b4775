package app

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTokenAnswersAreNotCachedAnd401sChallenge checks the headers RFC 6749 §5.1
// asks of token answers and RFC 9110 §11.6.1 of every 401.
func TestTokenAnswersAreNotCachedAnd401sChallenge(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, newTestServer(t, testEnv(t, dbURL, nil)), spec)
		noStore := func(what string, h interface{ Get(string) string }) {
			t.Helper()
			if h.Get("Cache-Control") != "no-store" || h.Get("Pragma") != "no-cache" {
				t.Errorf("%s: Cache-Control %q, Pragma %q; want no-store and no-cache", what, h.Get("Cache-Control"), h.Get("Pragma"))
			}
		}
		w := c.do("POST", "/api/v1/auth/register", map[string]string{"email": "ada@example.com", "password": "correct horse battery"})
		var tk tokens
		want(t, w, 201, &tk)
		noStore("register", w.Header())
		w = c.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": "correct horse battery"})
		want(t, w, 200, nil)
		noStore("login", w.Header())
		w = c.do("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": tk.RefreshToken})
		want(t, w, 200, &tk)
		noStore("refresh", w.Header())
		w = c.as(tk.AccessToken).do("POST", "/api/v1/me/password", map[string]string{"current_password": "correct horse battery", "new_password": "another horse battery"})
		want(t, w, 200, &tk)
		noStore("password change", w.Header())

		for _, tc := range []struct {
			name, token, method, path string
			body                      any
			challenge                 string
		}{
			{"wrong password", "", "POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": "wrong password"}, `error="invalid_grant"`},
			{"unknown refresh token", "", "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": "lyo_rt_nope"}, `error="invalid_grant"`},
			{"no access token", "", "GET", "/api/v1/me", nil, `Bearer realm="lyo"`},
			{"forged access token", "eyJhbGciOiJub25lIn0.e30.", "GET", "/api/v1/me", nil, `error="invalid_token"`},
		} {
			w := c.as(tc.token).do(tc.method, tc.path, tc.body)
			want(t, w, 401, nil)
			got := w.Header().Get("WWW-Authenticate")
			if !strings.HasPrefix(got, "Bearer ") || !strings.Contains(got, tc.challenge) {
				t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge with %s", tc.name, got, tc.challenge)
			}
		}
	})
}

// TestHostileTextAtSignIn sends what PostgreSQL cannot store (a NUL in the
// email, a User-Agent that is not UTF-8) to the routes that need no token: each
// is a client error or is stored cleaned, never a 500, on both engines.
func TestHostileTextAtSignIn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := newTestServer(t, testEnv(t, dbURL, nil))
		c := newClient(t, s, nil)
		c.register("ada@example.com", "correct horse battery")
		for _, path := range []string{"/api/v1/auth/login", "/api/v1/auth/register"} {
			w := c.do("POST", path, `{"email":"a\u0000@b.co","password":"correct horse battery"}`)
			if w.Code < 400 || w.Code >= 500 {
				t.Errorf("%s with a NUL in the email: %d %s, want a 4xx", path, w.Code, w.Body)
			}
		}
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"email":"ada@example.com","password":"correct horse battery"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Lyo/1.0 \xff\xfe (broken)")
		w := httptest.NewRecorder()
		s.handler.ServeHTTP(w, req)
		if w.Code != 200 {
			t.Fatalf("login with a User-Agent that is not UTF-8: %d %s", w.Code, w.Body)
		}
	})
}
