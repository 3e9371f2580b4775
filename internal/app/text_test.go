package app

import (
	"testing"
)

// TestBadTextIsRefusedAtTheEdge sends what PostgreSQL refuses as text (a NUL byte,
// invalid UTF-8) in paths, query values and body fields, signed in and not: every
// answer is the same 4xx on both engines, never a 500.
func TestBadTextIsRefusedAtTheEdge(t *testing.T) { forEachEngine(t, testBadTextIsRefusedAtTheEdge) }

func testBadTextIsRefusedAtTheEdge(t *testing.T, dbURL string) {
	// No OpenAPI check: a bad path or parameter is the generic problem contract
	// every route shares, not a response of one operation.
	c := newClient(t, authServer(t, dbURL, newClock(), nil), nil)
	creator := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
	learner := c.as(c.register("reader@example.com", "reader password").AccessToken)
	tests := []struct {
		name   string
		c      *client
		method string
		path   string
		body   any
		status int
		code   string
		field  string
	}{
		{"invalid UTF-8 in an id", c, "GET", "/api/v1/content/%ff", nil, 400, "invalid_path", ""},
		{"NUL in an id", c, "GET", "/api/v1/content/%00", nil, 400, "invalid_path", ""},
		{"NUL in an id, signed in", learner, "DELETE", "/api/v1/content/a%00b", nil, 400, "invalid_path", ""},
		{"invalid UTF-8 in a series id", learner, "GET", "/api/v1/series/%c3%28/progress", nil, 400, "invalid_path", ""},
		{"NUL in a query value", learner, "GET", "/api/v1/search?q=a%00", nil, 400, "invalid_parameter", "q"},
		{"invalid UTF-8 in a filter", c, "GET", "/api/v1/content?creator=%ff", nil, 400, "invalid_parameter", "creator"},
		{"NUL in a sign-in email", c, "POST", "/api/v1/auth/login", `{"email":"a\u0000@b.co","password":"a password"}`, 422, "validation_failed", "email"},
		{"NUL in a registration", c, "POST", "/api/v1/auth/register", `{"email":"new@example.com","password":"pass\u0000word"}`, 422, "validation_failed", "password"},
		{"NUL in a refresh token", c, "POST", "/api/v1/auth/refresh", `{"refresh_token":"lyo_rt_\u0000"}`, 422, "validation_failed", "refresh_token"},
		{"NUL in a title", creator, "POST", "/api/v1/content", `{"kind":"article","title":"T\u0000","body":"b"}`, 422, "validation_failed", "title"},
		{"NUL in a topic", creator, "POST", "/api/v1/content", `{"kind":"article","title":"T","body":"b","topics":["x\u0000"]}`, 422, "validation_failed", "topics[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.t = t
			var p problem
			want(t, tt.c.do(tt.method, tt.path, tt.body), tt.status, &p)
			if p.Code != tt.code {
				t.Errorf("code %q, want %q", p.Code, tt.code)
			}
			if tt.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tt.field) {
				t.Errorf("errors %+v, want one naming %s", p.Errors, tt.field)
			}
		})
	}
}
