package app

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/obs"
)

// BenchmarkAuthenticate is the whole cost of authenticating a request: bearer
// parsing, EdDSA verification of the access token, and the user lookup that
// catches disabled accounts and revoked token versions, on SQLite.
func BenchmarkAuthenticate(b *testing.B) {
	s := newTestServer(b, testEnv(b, "", map[string]string{"LYO_RATE_LIMIT": "false", "LYO_ACCESS_TOKEN_TTL": "24h"}))
	c := newClient(b, s, nil)
	tk := c.register("bench@example.com", "bench password")
	for b.Loop() {
		if _, err := s.auth.Authenticate(b.Context(), tk.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequest compares one signed-in request with an anonymous one through
// the full stack: the difference is what authentication adds to a request.
func BenchmarkRequest(b *testing.B) {
	s := newTestServer(b, testEnv(b, "", map[string]string{"LYO_RATE_LIMIT": "false", "LYO_ACCESS_TOKEN_TTL": "24h"}))
	c := newClient(b, s, nil)
	tk := c.register("bench@example.com", "bench password")
	for _, bc := range []struct{ name, path, token string }{
		{"anonymous", "/api/v1/version", ""},
		{"signed-in", "/api/v1/me", tk.AccessToken},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				r := httptest.NewRequest("GET", bc.path, nil)
				if bc.token != "" {
					r.Header.Set("Authorization", "Bearer "+bc.token)
				}
				w := httptest.NewRecorder()
				s.handler.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkReadyz is one readiness answer through the full stack on SQLite:
// "cached" is what a probe or a flood gets (a report under a second old),
// "fresh" runs every check each time (the database ping, the data-directory
// write probe), which is what every call cost before readiness was cached.
func BenchmarkReadyz(b *testing.B) {
	s := newTestServer(b, testEnv(b, "", nil))
	for _, bc := range []struct {
		name string
		ttl  time.Duration
	}{{"cached", time.Hour}, {"fresh", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			s.health = obs.NewHealth(2*time.Second, bc.ttl, nil)
			s.addChecks()
			for b.Loop() {
				w := httptest.NewRecorder()
				s.health.ReadyHandler(w, httptest.NewRequest("GET", "/readyz", nil))
				if w.Code != 200 {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}
