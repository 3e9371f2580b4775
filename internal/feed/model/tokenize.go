package model

import (
	"strings"
	"unicode"
)

// tokens appends the lower-case words of s to dst: runs of letters and digits,
// 2 to 40 characters, stop words left out. Deliberately simple (no stemming):
// titles and descriptions of short lessons are small, and a word the creator
// chose is a better signal than its stem.
func tokens(dst []string, s string) []string {
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := s[start:end]
		start = -1
		if len(w) < 2 || len(w) > 40 {
			return
		}
		w = strings.ToLower(w)
		if _, stop := stopWords[w]; stop {
			return
		}
		dst = append(dst, w)
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return dst
}

// stopWords are common English words that say nothing about a topic.
var stopWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be because been
		before being below between both but by can could did do does doing down during each few for from further
		had has have having he her here hers herself him himself his how i if in into is it its itself just me
		more most my myself no nor not now of off on once only or other our ours ourselves out over own same she
		should so some such than that the their theirs them themselves then there these they this those through
		to too under until up very was we were what when where which while who whom why will with would you your
		yours yourself yourselves also get got how new one two use using via vs`) {
		m[w] = struct{}{}
	}
	return m
}()
