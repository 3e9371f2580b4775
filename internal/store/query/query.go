// Package query holds the SQL helpers both engines share: page sizes, LIKE
// patterns, the JSON forms of columns. Domain rules (how a search splits words,
// what a topic created on the fly is called, which events of a batch count) live
// in their domains.
package query

import "strings"

const (
	// DefaultLimit is the page size when a caller asks for none.
	DefaultLimit = 20
	// MaxLimit caps every page. It is one more than the largest page the API
	// serves, so a caller can fetch one extra row to learn whether a next page exists.
	MaxLimit = 101
)

// Limit returns the page size for a requested limit: DefaultLimit for 0 or less,
// and never more than MaxLimit.
func Limit(n int) int {
	if n <= 0 {
		return DefaultLimit
	}
	return min(n, MaxLimit)
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Contains returns a LIKE pattern, for use with ESCAPE '\' against a lower-cased
// column, that matches text containing s literally and regardless of case: a
// search for "50%" must not match every "50…".
func Contains(s string) string {
	return "%" + likeEscaper.Replace(strings.ToLower(s)) + "%"
}
