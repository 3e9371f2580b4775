// Package httpx is Lyo's HTTP layer: handlers that return errors, one adapter that
// turns them into RFC 9457 problem+json, strict JSON decoding, a route table on the
// standard ServeMux, and the middleware every request passes through.
package httpx

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/lyolearn/lyo/internal/fault"
)

// Error is an error with an HTTP meaning. Status, Code, Detail and Fields are what
// the client sees; Err is logged and never sent.
type Error struct {
	Status int
	Code   string // stable, machine-readable, snake_case
	Detail string
	Fields []FieldError
	Header http.Header // extra response headers, e.g. Allow or Retry-After
	Err    error
}

// FieldError says what is wrong with one field of the request.
type FieldError = fault.Field

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Detail, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a client-facing error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// Invalid is a 422 listing what is wrong with each field.
func Invalid(fields ...FieldError) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
		Detail: "the request has invalid fields", Fields: fields}
}

// Category groups errors so a dashboard tells a bad client from a broken server.
func Category(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "auth"
	case status == http.StatusForbidden:
		return "forbidden"
	case status == http.StatusNotFound, status == http.StatusMethodNotAllowed, status == http.StatusGone:
		return "not_found"
	case status == http.StatusConflict, status == http.StatusPreconditionFailed:
		return "conflict"
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		return "dependency"
	case status >= 500:
		return "internal"
	case status >= 400:
		return "validation"
	}
	return ""
}

// Problem is the RFC 9457 body Lyo answers errors with.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Code      string       `json:"code"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// WriteProblem answers with e as problem+json. It never looks at e.Err.
func WriteProblem(w http.ResponseWriter, r *http.Request, e *Error) {
	for k, vs := range e.Header {
		w.Header()[k] = vs
	}
	p := Problem{
		Type:      "urn:lyo:problem:" + e.Code,
		Title:     StatusTitle(e.Status),
		Status:    e.Status,
		Detail:    e.Detail,
		Code:      e.Code,
		RequestID: RequestID(r.Context()),
		Errors:    e.Fields,
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// StatusTitle is the reason phrase RFC 9110 gives a status. Go's StatusText
// keeps a few older names ("Request Entity Too Large"); problem documents use
// the current ones.
func StatusTitle(status int) string {
	switch status {
	case http.StatusRequestEntityTooLarge:
		return "Content Too Large"
	case http.StatusUnprocessableEntity:
		return "Unprocessable Content"
	case http.StatusRequestURITooLong:
		return "URI Too Long"
	case http.StatusRequestedRangeNotSatisfiable:
		return "Range Not Satisfiable"
	case statusClientClosed:
		return "Client Closed Request"
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}

// jsonType is shared by responses; full (len == cap), so appending copies it.
var jsonType = []string{"application/json"}

// WriteJSON answers v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header()["Content-Type"] = jsonType
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return nil
}
