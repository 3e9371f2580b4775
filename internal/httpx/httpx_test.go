package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var errGone = errors.New("the thing is gone")

type thing struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Tags  []string
}

// testStack is the router inside the same middleware order the app uses.
func testStack(t *testing.T, logs io.Writer) (*Router, http.Handler) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(logs, nil))
	rt := NewRouter(log, 64, time.Second)
	rt.MapError(errGone, http.StatusGone, "gone")
	rt.Handle(
		Route{Method: "GET", Path: "/api/v1/things/{id}", Access: Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
			return WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
		}},
		Route{Method: "POST", Path: "/api/v1/things", Access: Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
			var in thing
			if err := DecodeJSON(r, &in); err != nil {
				return err
			}
			return WriteJSON(w, http.StatusCreated, in)
		}},
		Route{Method: "POST", Path: "/api/v1/private", Access: AnyUser, Handler: func(w http.ResponseWriter, r *http.Request) error {
			t.Error("a private handler ran without an authorizer")
			return nil
		}},
		Route{Method: "GET", Path: "/api/v1/gone", Access: Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
			return errors.Join(errors.New("lookup"), errGone)
		}},
		Route{Method: "GET", Path: "/api/v1/broken", Access: Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
			return errors.New("pq: password authentication failed for user secret_admin")
		}},
		Route{Method: "GET", Path: "/api/v1/panic", Access: Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
			panic("nil map in secret_module")
		}},
	)
	var h http.Handler = rt
	for _, m := range []func(http.Handler) http.Handler{Compress, SecurityHeaders, CORS([]string{"https://app.example"}, true), AccessLog(log), Recover(log), ClientIPs(nil), RequestIDs} {
		h = m(h)
	}
	return rt, h
}

func do(h http.Handler, method, target, body string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func problemOf(t *testing.T, w *httptest.ResponseRecorder) Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, w.Body)
	}
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, w.Body)
	}
	if p.Status != w.Code || p.RequestID == "" || p.RequestID != w.Header().Get(RequestIDHeader) || p.Type != "urn:lyo:problem:"+p.Code {
		t.Errorf("problem %+v does not agree with status %d / request id %q", p, w.Code, w.Header().Get(RequestIDHeader))
	}
	return p
}

func TestErrorsAreProblems(t *testing.T) {
	tests := []struct {
		name, method, target, body string
		status                     int
		code                       string
		fields                     []FieldError
	}{
		{"unknown api path", "GET", "/api/v1/nothing", "", 404, "not_found", nil},
		{"unknown path outside api", "GET", "/nothing", "", 404, "not_found", nil},
		{"wrong method", "DELETE", "/api/v1/things", "", 405, "method_not_allowed", nil},
		{"doubled slashes", "GET", "//api//v1/things/1", "", 400, "invalid_path", nil},
		{"dot segments", "GET", "/api/v1/../v1/things/1", "", 400, "invalid_path", nil},
		{"trailing slash", "GET", "/api/v1/things/", "", 400, "invalid_path", nil},
		{"invalid UTF-8 in the path", "GET", "/api/v1/things/%ff", "", 400, "invalid_path", nil},
		{"NUL in the path", "GET", "/api/v1/things/a%00b", "", 400, "invalid_path", nil},
		{"invalid UTF-8 in a query value", "GET", "/api/v1/things/1?q=%C3%28", "", 400, "invalid_parameter",
			[]FieldError{{Field: "q", Message: "must be UTF-8 text without NUL characters"}}},
		{"NUL in a query value", "GET", "/api/v1/things/1?q=a%00", "", 400, "invalid_parameter",
			[]FieldError{{Field: "q", Message: "must be UTF-8 text without NUL characters"}}},
		{"NUL in a body string", "POST", "/api/v1/things", `{"name":"a\u0000"}`, 422, "validation_failed",
			[]FieldError{{Field: "name", Message: "must be UTF-8 text without NUL characters"}}},
		{"NUL in a list", "POST", "/api/v1/things", `{"Tags":["ok","\u0000"]}`, 422, "validation_failed",
			[]FieldError{{Field: "Tags[1]", Message: "must be UTF-8 text without NUL characters"}}},
		{"malformed json", "POST", "/api/v1/things", `{"name":`, 400, "malformed_json", nil},
		{"not json at all", "POST", "/api/v1/things", `name=x`, 400, "malformed_json", nil},
		{"empty body", "POST", "/api/v1/things", ``, 400, "malformed_json", nil},
		{"trailing data", "POST", "/api/v1/things", `{"name":"a"} {"name":"b"}`, 400, "malformed_json", nil},
		{"wrong type", "POST", "/api/v1/things", `{"name":"a","count":"three"}`, 422, "validation_failed",
			[]FieldError{{Field: "count", Message: "must be a whole number, not string"}}},
		{"array instead of object", "POST", "/api/v1/things", `[1,2]`, 400, "malformed_json", nil},
		{"unknown field", "POST", "/api/v1/things", `{"name":"a","role":"admin"}`, 422, "validation_failed",
			[]FieldError{{Field: "role", Message: "unknown field"}}},
		{"oversized body", "POST", "/api/v1/things", `{"name":"` + strings.Repeat("x", 100) + `"}`, 413, "body_too_large", nil},
		{"private route, nobody signed in", "POST", "/api/v1/private", `{}`, 401, "unauthenticated", nil},
		{"mapped sentinel", "GET", "/api/v1/gone", "", 410, "gone", nil},
		{"unknown error", "GET", "/api/v1/broken", "", 500, "internal", nil},
		{"panic", "GET", "/api/v1/panic", "", 500, "internal", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			_, h := testStack(t, &logs)
			w := do(h, tt.method, tt.target, tt.body)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			p := problemOf(t, w)
			if p.Code != tt.code {
				t.Errorf("code = %q, want %q", p.Code, tt.code)
			}
			if diff := cmp.Diff(tt.fields, p.Errors); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
			if strings.Contains(w.Body.String(), "secret") {
				t.Errorf("internal text reached the client: %s", w.Body)
			}
			if tt.status == 500 && !strings.Contains(logs.String(), "secret_") {
				t.Errorf("the internal error is not in the log:\n%s", logs.String())
			}
		})
	}
}

func TestTrailingSlashSuggestsThePath(t *testing.T) {
	_, h := testStack(t, io.Discard)
	w := do(h, "GET", "/api/v1/things/", "")
	if p := problemOf(t, w); !strings.Contains(p.Detail, "did you mean /api/v1/things?") {
		t.Errorf("detail %q does not suggest the canonical path", p.Detail)
	}
	if w := do(h, "GET", "/api/v1/things/1?q=caf%C3%A9", ""); w.Code != 200 {
		t.Errorf("valid UTF-8 in the query: %d %s", w.Code, w.Body)
	}
}

func TestDecodeKeepsTextSafe(t *testing.T) {
	_, h := testStack(t, io.Discard)
	// An escaped backslash before u0000 is text, not a NUL.
	if w := do(h, "POST", "/api/v1/things", `{"name":"\\u0000"}`); w.Code != 201 || !strings.Contains(w.Body.String(), `\\u0000`) {
		t.Errorf("escaped backslash: %d %s", w.Code, w.Body)
	}
	// encoding/json replaces invalid UTF-8 with U+FFFD: what is stored is text.
	w := do(h, "POST", "/api/v1/things", "{\"name\":\"a\xffb\"}")
	var got thing
	if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != 201 || err != nil || got.Name != "a\uFFFDb" {
		t.Errorf("invalid UTF-8: %d %q", w.Code, got.Name)
	}
}

func TestNULFoundAcrossReads(t *testing.T) {
	body := `{"name":"abc","Tags":["x\u0000"]}`
	r := httptest.NewRequest("POST", "/", iotest.OneByteReader(strings.NewReader(body)))
	var dst thing
	err := DecodeJSON(r, &dst)
	var he *Error
	if !errors.As(err, &he) || he.Status != 422 || len(he.Fields) != 1 || he.Fields[0].Field != "Tags[0]" {
		t.Fatalf("NUL read one byte at a time: %v", err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader(body))
	if err := DecodeJSON(r, &dst, UncheckedText()); err != nil {
		t.Fatalf("UncheckedText still refused the body: %v", err)
	}
	if bad := BadText(dst); len(bad) != 1 || bad[0].Field != "Tags[0]" {
		t.Errorf("BadText after an unchecked decode: %+v", bad)
	}
}

func TestBadTextNamesJSONPaths(t *testing.T) {
	type inner struct {
		Label string          `json:"label"`
		Raw   json.RawMessage `json:"raw"`
	}
	type Embedded struct {
		Note string `json:"note"`
	}
	v := struct {
		Embedded
		Email   string            `json:"email,omitempty"`
		Items   []inner           `json:"items"`
		Ptr     *string           `json:"ptr"`
		Meta    map[string]string `json:"meta"`
		Skipped string            `json:"-"`
		Plain   string
	}{
		Embedded: Embedded{Note: "n\x00"},
		Email:    "a\x00@b.co",
		Items:    []inner{{Label: "ok"}, {Label: "\xff", Raw: json.RawMessage(`"\u0000"`)}},
		Meta:     map[string]string{"k": "\x00"},
		Skipped:  "\x00",
		Plain:    "\xc3",
	}
	bad := "\x00"
	v.Ptr = &bad
	var got []string
	for _, f := range BadText(v) {
		got = append(got, f.Field)
	}
	slices.Sort(got)
	want := []string{"Plain", "email", "items[1].label", "meta.k", "note", "ptr"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if !ValidText("héllo, 世界") || ValidText("a\x00") || ValidText("\xed\xa0\x80") {
		t.Error("ValidText disagrees with UTF-8 without NUL")
	}
}

func TestMethodNotAllowedListsAllow(t *testing.T) {
	_, h := testStack(t, io.Discard)
	w := do(h, "PUT", "/api/v1/things/7", "")
	if w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD, OPTIONS" {
		t.Errorf("status %d Allow %q, want 405 with GET, HEAD, OPTIONS", w.Code, w.Header().Get("Allow"))
	}
	w = do(h, "OPTIONS", "/api/v1/things", "")
	if w.Code != 204 || w.Header().Get("Allow") != "POST, OPTIONS" {
		t.Errorf("OPTIONS: status %d Allow %q", w.Code, w.Header().Get("Allow"))
	}
}

func TestPathValuesReachHandlers(t *testing.T) {
	_, h := testStack(t, io.Discard)
	w := do(h, "GET", "/api/v1/things/abc", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"id":"abc"`) {
		t.Errorf("got %d %s", w.Code, w.Body)
	}
}

func TestDecodeAcceptsGoodBody(t *testing.T) {
	_, h := testStack(t, io.Discard)
	w := do(h, "POST", "/api/v1/things", `{"name":"a","count":3}`)
	if w.Code != 201 || !strings.Contains(w.Body.String(), `"name":"a","count":3`) {
		t.Errorf("got %d %s", w.Code, w.Body)
	}
	r := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(`{"name":"a"}`))
	r.Header.Set("Content-Type", "text/plain")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: status %d, want 415", rec.Code)
	}
}

func TestRouteWithoutAccessPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a route without an access declaration was accepted")
		}
	}()
	NewRouter(slog.New(slog.DiscardHandler), 1024, time.Second).Handle(Route{Method: "GET", Path: "/x", Handler: func(http.ResponseWriter, *http.Request) error { return nil }})
}

func TestAuthorizerRunsBeforeBodyIsRead(t *testing.T) {
	rt := NewRouter(slog.New(slog.DiscardHandler), 1024, time.Second)
	rt.SetAuthorizer(func(r *http.Request, a Access) (*http.Request, error) {
		return nil, Errorf(http.StatusForbidden, "forbidden", "%s only", a.RoleName())
	})
	ran := false
	rt.Handle(Route{Method: "POST", Path: "/api/v1/admin/x", Access: Role("admin"), Handler: func(w http.ResponseWriter, r *http.Request) error {
		ran = true
		return nil
	}})
	w := do(RequestIDs(rt), "POST", "/api/v1/admin/x", `not even json`)
	if w.Code != 403 || ran {
		t.Errorf("status %d, handler ran %v; want 403 before the body is looked at", w.Code, ran)
	}
}
