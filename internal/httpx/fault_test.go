package httpx

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
