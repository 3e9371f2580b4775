package content

import (
	"strings"
	"unicode"

	"github.com/lyolearn/lyo/internal/words"
)

// Limits of a search: a long query cannot make either engine build a huge
// full-text expression.
const (
	maxSearchTerms   = 10
	maxSearchTermLen = 50 // runes
)

// SearchTerms splits a query into plain words by package words' rule, the one
// both engines search by (and the tutor's retrieval splits by): runs of letters, digits and combining marks (which scripts such as
// Devanagari need inside words), lower-cased; everything else separates words, so
// quotes, operators and punctuation are never syntax, and neither are NUL bytes
// or invalid UTF-8. A run of marks alone is no word. At most maxSearchTerms words
// of at most maxSearchTermLen runes each.
func SearchTerms(q string) []string {
	var terms []string
	for w := range words.All(strings.ToLower(q)) {
		if r := []rune(w); len(r) > maxSearchTermLen {
			w = string(r[:maxSearchTermLen])
		}
		if strings.IndexFunc(w, isLetterOrDigit) < 0 {
			continue // cut to its marks
		}
		terms = append(terms, w)
		if len(terms) == maxSearchTerms {
			break
		}
	}
	return terms
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// TopicName is the display name of a topic created on the fly from its slug:
// "machine-learning" becomes "Machine learning".
func TopicName(slug string) string {
	name := strings.Join(strings.FieldsFunc(slug, func(r rune) bool { return r == '-' || r == '_' }), " ")
	if name == "" {
		return slug
	}
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// RepeatedID returns the first ID that appears twice in ids, or "" when none
// does: an item is one episode of a series at most.
func RepeatedID(ids []string) string {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return id
		}
		seen[id] = true
	}
	return ""
}
