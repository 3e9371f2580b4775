package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// vars fill the {name} slots of a template.
type vars struct {
	s, s2      string // subjects
	topic      string // {T}
	dur        string // {d}
	n          string // {n}
	aud        string // {aud}: " for beginners" or ""
	t1, t2, t3 string // terms
	k          string // episode number
}

func (v *vars) value(name string) (string, bool) {
	switch name {
	case "S":
		return capitalise(v.s), true
	case "s":
		return v.s, true
	case "s2":
		return v.s2, true
	case "T":
		return v.topic, true
	case "d":
		return v.dur, true
	case "n":
		return v.n, true
	case "aud":
		return v.aud, true
	case "t1":
		return v.t1, true
	case "t2":
		return v.t2, true
	case "t3":
		return v.t3, true
	case "k":
		return v.k, true
	}
	return "", false
}

// write appends tmpl with its slots filled.
func (v *vars) write(b *strings.Builder, tmpl string) {
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return
		}
		b.WriteString(tmpl[:i])
		if val, ok := v.value(tmpl[i+1 : i+j]); ok {
			b.WriteString(val)
		} else {
			b.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
}

func (v *vars) fill(tmpl string) string {
	var b strings.Builder
	v.write(&b, tmpl)
	return capitalise(b.String())
}

// capitalise upper-cases the first letter; scripts without case are unchanged.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// terms picks three different key terms of a leaf.
func (v *vars) pickTerms(r *rand.Rand, terms []string) {
	p := r.Perm(len(terms))
	v.t1, v.t2, v.t3 = terms[p[0]], terms[p[1]], terms[p[2]]
}

// durationText says a duration the way a title does, in the item's language.
func durationText(ms int64, lang string) string {
	secs := (ms + 500) / 1000
	if secs < 60 {
		secs = max(5, (secs+4)/5*5)
		switch lang {
		case "es":
			return fmt.Sprintf("%d segundos", secs)
		case "ja":
			return fmt.Sprintf("%d秒", secs)
		}
		return fmt.Sprintf("%d seconds", secs)
	}
	mins := (secs + 59) / 60
	switch lang {
	case "es":
		if mins == 1 {
			return "1 minuto"
		}
		return fmt.Sprintf("%d minutos", mins)
	case "ja":
		return fmt.Sprintf("%d分", mins)
	}
	if mins == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", mins)
}

// body writes about words words of paragraphs from sentence templates, never
// the same template twice in three sentences. Japanese sentences need no space
// between them.
func body(r *rand.Rand, sentences []string, v vars, subjects, terms []string, words int, sep string) string {
	var b strings.Builder
	count, inParagraph, paragraphLen := 0, 0, 4+r.IntN(3)
	recent := [2]int{-1, -1}
	for count < words {
		if inParagraph == paragraphLen {
			b.WriteString("\n\n")
			inParagraph, paragraphLen = 0, 4+r.IntN(3)
		} else if inParagraph > 0 {
			b.WriteString(sep)
		}
		for tries := 0; tries < 5 && len(subjects) > 1 && (v.s2 == v.s || tries == 0); tries++ {
			v.s2 = pick(r, subjects)
		}
		if len(terms) >= 3 {
			v.pickTerms(r, terms)
		}
		k := r.IntN(len(sentences))
		for tries := 0; tries < 5 && (k == recent[0] || k == recent[1]); tries++ {
			k = r.IntN(len(sentences))
		}
		recent = [2]int{recent[1], k}
		var s strings.Builder
		v.write(&s, sentences[k])
		sentence := capitalise(s.String())
		b.WriteString(sentence)
		n := strings.Count(sentence, " ") + 1
		if n == 1 { // Japanese has no spaces: a word for every two characters
			n = max(1, utf8.RuneCountInString(sentence)/2)
		}
		count += n
		inParagraph++
	}
	return b.String()
}
