package app

import (
	"net/http/httptest"
	"testing"
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
