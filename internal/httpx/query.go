package httpx

import (
	"net/http"
	"strconv"
)

// Page is the list answer every collection uses: items and, unless this is the
// last page, the cursor of the next.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// QueryLimit reads the limit parameter: 1 to 100, default 20.
func QueryLimit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 20, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100 {
		return 0, BadParam("limit", "must be a whole number from 1 to 100")
	}
	return n, nil
}

// BadParam is the one answer to a query parameter that is missing, malformed or
// out of range: 400 with code invalid_parameter, naming the parameter in errors.
// (A body field that is wrong is a 422; the query is part of the resource's
// address, so a wrong one is a bad request.)
func BadParam(name, problem string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_parameter", Detail: name + " " + problem,
		Fields: []FieldError{{Field: name, Message: problem}}}
}

// RequiredParam returns the query parameter name, or a BadParam when it is missing.
func RequiredParam(r *http.Request, name string) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", BadParam(name, "is required")
	}
	return v, nil
}
