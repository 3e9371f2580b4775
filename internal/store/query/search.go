package query

import (
	"strings"
	"unicode"
)

// MaxSearchTerms bounds the words one search matches, so a long query cannot make
// either engine build a huge full-text expression.
const MaxSearchTerms = 16

// SearchTerms splits terms into words: runs of letters, digits and combining marks
// (which scripts such as Devanagari need inside words), everything else a
// separator. The service already sends plain words; this is the defence that keeps
// quotes, operators and punctuation from ever reaching a query language. It returns
// at most MaxSearchTerms words, and none when no term holds a letter or digit.
func SearchTerms(terms []string) []string {
	var out []string
	for _, t := range terms {
		for w := range strings.FieldsFuncSeq(t, isSeparator) {
			if len(out) == MaxSearchTerms {
				return out
			}
			if strings.IndexFunc(w, isLetterOrDigit) >= 0 { // not marks alone
				out = append(out, w)
			}
		}
	}
	return out
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isSeparator(r rune) bool { return !isLetterOrDigit(r) && !unicode.Is(unicode.M, r) }

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
