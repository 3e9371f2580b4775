package httpx

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/fault"
)

var errLocked = errors.New("the thing is locked")

// A domain's errors reach the client through its mapping: the kind decides the
// status, a fault.Error's code and message refine it, and fault.Invalid is a 422.
func TestDomainErrorsMapThroughTheTable(t *testing.T) {
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), 1024, time.Second)
	rt.MapError(errLocked, http.StatusConflict, "locked")
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		detail string
		fields []FieldError
	}{
		{"bare kind", fmt.Errorf("save thing 1: %w", errLocked), 409, "locked", "the thing is locked", nil},
		{"refined kind", fmt.Errorf("save: %w", fault.New(errLocked, "frozen", "a moderator froze it")), 409, "frozen", "a moderator froze it", nil},
		{"refined kind without a code", fault.New(errLocked, "", "someone else holds it"), 409, "locked", "someone else holds it", nil},
		{"invalid fields", fmt.Errorf("create: %w", fault.Invalidf("title", "too long")), 422, "validation_failed", "the request has invalid fields",
			[]FieldError{{Field: "title", Message: "too long"}}},
		{"unmapped kind", fault.New(errors.New("private text"), "odd", "odd"), 500, "internal", "internal error", nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, code := rt.Outcome(tt.err); status != tt.status || code != tt.code {
				t.Errorf("Outcome = %d %s, want %d %s", status, code, tt.status, tt.code)
			}
			rt.Handle(Route{Method: "GET", Path: fmt.Sprintf("/t/%d", i), Access: Public,
				Handler: func(http.ResponseWriter, *http.Request) error { return tt.err }})
			w := httptest.NewRecorder()
			RequestIDs(rt).ServeHTTP(w, httptest.NewRequest("GET", fmt.Sprintf("/t/%d", i), nil))
			p := problemOf(t, w)
			if p.Status != tt.status || p.Code != tt.code || p.Detail != tt.detail {
				t.Errorf("problem = %d %s %q, want %d %s %q", p.Status, p.Code, p.Detail, tt.status, tt.code, tt.detail)
			}
			if diff := cmp.Diff(tt.fields, p.Errors); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblemTitlesFollowRFC9110(t *testing.T) {
	for status, want := range map[int]string{
		413: "Content Too Large",
		422: "Unprocessable Content",
		404: "Not Found",
		503: "Service Unavailable",
	} {
		w := httptest.NewRecorder()
		RequestIDs(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			WriteProblem(w, r, &Error{Status: status, Code: "x"})
		})).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if p := problemOf(t, w); p.Title != want {
			t.Errorf("title of %d = %q, want %q", status, p.Title, want)
		}
	}
}

type outage struct{ error }

// Errors recognised by what they are (a database that cannot be reached) map
// through MapErrorIf, and every 503 tells the client when to come back.
func TestMapErrorIfAndRetryAfter(t *testing.T) {
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), 1024, time.Second)
	rt.MapErrorIf(func(err error) bool { return errors.As(err, new(outage)) }, http.StatusServiceUnavailable, "database_unavailable", "try again shortly")
	rt.Handle(Route{Method: "GET", Path: "/down", Access: Public, Handler: func(http.ResponseWriter, *http.Request) error {
		return fmt.Errorf("load item: %w", outage{errors.New("dial tcp: connection refused")})
	}}, Route{Method: "GET", Path: "/bug", Access: Public, Handler: func(http.ResponseWriter, *http.Request) error {
		return errors.New("nil map")
	}})
	w := httptest.NewRecorder()
	rt.ServeHTTP(w, httptest.NewRequest("GET", "/down", nil))
	if w.Code != 503 || w.Header().Get("Retry-After") != retryUnavailable || !bytesContain(w.Body.Bytes(), `"code":"database_unavailable"`) {
		t.Errorf("an outage: %d %v %s", w.Code, w.Header(), w.Body)
	}
	w = httptest.NewRecorder()
	rt.ServeHTTP(w, httptest.NewRequest("GET", "/bug", nil))
	if w.Code != 500 || w.Header().Get("Retry-After") != "" {
		t.Errorf("a bug: %d %v", w.Code, w.Header())
	}
}

func bytesContain(b []byte, s string) bool { return strings.Contains(string(b), s) }
