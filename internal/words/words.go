// Package words is the one rule Lyo splits text into words by. The catalogue's
// search and the tutor's retrieval both split with it, so a word the tutor
// looks for is a word the search was asked for in the same shape.
package words

import (
	"iter"
	"strings"
	"unicode"
)

// All yields the words of s in order: runs of letters, digits and combining
// marks (which scripts such as Devanagari need inside words); everything else
// separates words, so quotes, operators, punctuation, NUL bytes and invalid
// UTF-8 are never part of one. A run of marks alone is no word. All neither
// changes case nor folds accents: callers do that first, as they need.
func All(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for w := range strings.FieldsFuncSeq(s, isBreak) {
			if strings.IndexFunc(w, isLetterOrDigit) < 0 {
				continue
			}
			if !yield(w) {
				return
			}
		}
	}
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isBreak(r rune) bool { return !isLetterOrDigit(r) && !unicode.Is(unicode.M, r) }
