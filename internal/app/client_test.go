package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// client drives a test server through its real middleware and router, as one
// device at one address, checking every answer against the OpenAPI document.
type client struct {
	t      testing.TB
	s      *server
	spec   *apiSpec
	token  string
	ip     string
	header map[string]string // extra request headers
}

func newClient(t testing.TB, s *server, spec *apiSpec) *client {
	return &client{t: t, s: s, spec: spec, ip: "192.0.2.10"}
}

// as returns a client for the same server holding another access token.
func (c *client) as(token string) *client {
	cc := *c
	cc.token = token
	return &cc
}

// from returns a client at another address.
func (c *client) from(ip string) *client {
	cc := *c
	cc.ip = ip
	return &cc
}

func (c *client) do(method, path string, body any) *httptest.ResponseRecorder {
	c.t.Helper()
	var rdr *bytes.Reader
	switch b := body.(type) {
	case nil:
		rdr = bytes.NewReader(nil)
	case string:
		rdr = bytes.NewReader([]byte(b))
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rdr = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rdr)
	req.RemoteAddr = c.ip + ":4000"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	c.s.handler.ServeHTTP(w, req)
	if c.spec != nil {
		// The validator reads the request body again; give it a fresh copy.
		if s, ok := body.(string); ok {
			req.Body = io.NopCloser(strings.NewReader(s))
		} else if body != nil {
			j, _ := json.Marshal(body)
			req.Body = io.NopCloser(bytes.NewReader(j))
		}
		c.spec.check(c.t, req, w)
	}
	if strings.Contains(strings.ToLower(jsonKeys(w.Body.Bytes())), "password") || strings.Contains(w.Body.String(), "$argon2") {
		c.t.Errorf("%s %s: a response names or holds a password: %s", method, path, w.Body)
	}
	return w
}

// want fails the test unless the response has the status; it decodes the body into v.
func want(t testing.TB, w *httptest.ResponseRecorder, status int, v any) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	if v != nil {
		if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
			t.Fatalf("decode %T: %v: %s", v, err, w.Body)
		}
	}
}

type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	User         struct {
		ID       string `json:"id"`
		Email    string `json:"email"`
		Username string `json:"username"`
		Role     string `json:"role"`
	} `json:"user"`
}

type problem struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (c *client) register(email, pw string) tokens {
	c.t.Helper()
	var tk tokens
	want(c.t, c.do("POST", "/api/v1/auth/register", map[string]string{"email": email, "password": pw}), 201, &tk)
	return tk
}

// jsonKeys lists every object key in a JSON document, to look for forbidden names.
func jsonKeys(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	var keys []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				keys = append(keys, k)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return strings.Join(keys, " ")
}
