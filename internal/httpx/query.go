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
		return 0, &Error{Status: http.StatusBadRequest, Code: "invalid_parameter", Detail: "limit must be a whole number from 1 to 100",
			Fields: []FieldError{{Field: "limit", Message: "use 1 to 100"}}}
	}
	return n, nil
}
