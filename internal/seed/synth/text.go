package synth

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lyolearn/lyo/internal/content"
)

// Title templates: {A} is a term of the topic capitalised, {a} as is, {b} another
// term, {L} the topic's name, {d} the duration.
var (
	titlesEN = map[content.Kind][]string{
		content.Video: {"{A} explained", "{A} in {d}", "Understanding {a}", "How {a} works", "{A} vs. {b}",
			"Why {a} matters", "The trick to {a}", "{A}: common mistakes", "What nobody tells you about {a}"},
		content.Lesson:   {"Lesson: {a}", "{A}, with exercises", "Worked examples: {a}", "Practice: {a} and {b}"},
		content.Article:  {"{A}: a complete guide", "Notes on {a}", "Everything about {a}", "{A} and {b}, in depth"},
		content.Image:    {"{A} cheat sheet", "{A} at a glance", "{A} in one diagram"},
		content.QuizKind: {"Quiz: {a} and {b}", "Test yourself: {L}", "{L} check-in", "How well do you know {a}?"},
	}
	titlesEasy = []string{"A beginner's guide to {a}", "{A} for beginners", "{A} from scratch"}
	titlesHard = []string{"Advanced {a}", "Mastering {a}", "{A}: going deeper"}
	titlesES   = []string{"Introducción a {a}", "{A} paso a paso", "Qué es {a}", "Guía rápida: {a}", "{A} en {d}"}
	titlesJA   = []string{"{a}入門", "はじめての{a}", "{a}のコツ", "{d}でわかる{a}"}
	seriesEN   = []string{"{L} 101", "{A} from scratch", "A crash course in {a}", "{L}, step by step", "{L} in 30 days"}
	seriesES   = []string{"Curso de {a}", "{A} desde cero", "Aprende {a}"}
	seriesJA   = []string{"{a}講座", "ゼロから学ぶ{a}"}

	sentencesEN = []string{
		"One of the core ideas of {L} is {a}.", "Start with {a} before moving on to {b}.",
		"A common mistake is to confuse {a} with {b}.", "Here is a worked example that uses {a}.",
		"Once you see how {a} relates to {b}, the rest falls into place.", "Try it yourself: find {a} in an example of your own.",
		"Practice beats memorisation, so do the exercises at the end.", "Many learners find {a} hard at first, and that is normal.",
		"Write down the key terms: {a}, {b} and {c}.", "People who work in {L} use {a} every day.",
		"Notice how {a} changes when {b} changes.", "If something is unclear, go back one step and look at {a} again.",
	}
	sentencesES = []string{"{A} es una de las ideas clave.", "Empieza con un ejemplo sencillo de {a}.",
		"Un error común es confundir {a} con {b}.", "Practica un poco cada día.", "Después veremos {b}."}
	sentencesJA = []string{"{a}は大切な考え方です。", "まず{a}の簡単な例から始めましょう。", "{a}と{b}の違いに注意しましょう。",
		"毎日少しずつ練習しましょう。", "次に{b}を見ていきます。"}
	kindWords = map[content.Kind]string{content.Video: "short video", content.Lesson: "lesson", content.Article: "article",
		content.Image: "one-page summary", content.QuizKind: "quiz"}
)

// Item returns item i with its texts.
func (g *Generator) Item(i int) Item {
	m := g.items[i]
	r := newRand(g.cfg.Seed, streamText, uint64(i))
	l := g.leaves[m.leaf]
	k := kinds[m.kind]
	it := Item{Index: i, Creator: int(m.creator), Kind: k, Difficulty: int(m.diff), Language: languages[m.lang],
		DurationMS: int64(m.duration), Series: int(m.series), Episode: int(m.episode), CreatedAt: fromMS(m.created),
		Quality: float64(m.quality), Rank: int(m.rank), Topics: g.itemTopics(m)}
	w := words{leaf: l, dur: durationWords(int64(m.duration))}
	w.draw(r)
	it.Title = g.title(r, m, w)
	it.Description, it.Body = describe(r, k, languages[m.lang], m.diff, w)
	if m.questions > 0 {
		it.Quiz = g.quiz(r, i, m)
	}
	return it
}

// Items yields every item in index order, texts included; only one is built at a time.
func (g *Generator) Items() iter.Seq[Item] {
	return func(yield func(Item) bool) {
		for i := range g.items {
			if !yield(g.Item(i)) {
				return
			}
		}
	}
}

// itemTopics are the leaf, the sibling leaf when there is one, and their parent.
func (g *Generator) itemTopics(m meta) []string {
	l := g.leaves[m.leaf]
	out := []string{l.slug}
	if m.second >= 0 {
		out = append(out, g.leaves[m.second].slug)
	}
	return append(out, l.parent)
}

// words fill a template's slots.
type words struct {
	leaf    leaf
	a, b, c string
	dur     string
}

func (w *words) draw(r *rand.Rand) {
	p := r.Perm(len(w.leaf.terms))
	w.a, w.b, w.c = w.leaf.terms[p[0]], w.leaf.terms[p[1]], w.leaf.terms[p[2]]
}

// fill expands tmpl's slots. Templates are written once and small, so a plain
// scan beats a strings.Replacer built per call by an order of magnitude.
func (w words) fill(tmpl string) string {
	var b strings.Builder
	b.Grow(len(tmpl) + 32)
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		switch slot := tmpl[i+1 : i+j]; slot {
		case "A":
			b.WriteString(capitalise(w.a))
		case "a":
			b.WriteString(w.a)
		case "b":
			b.WriteString(w.b)
		case "c":
			b.WriteString(w.c)
		case "L":
			b.WriteString(w.leaf.name)
		case "d":
			b.WriteString(w.dur)
		default:
			b.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
	return capitalise(b.String())
}

func (g *Generator) title(r *rand.Rand, m meta, w words) string {
	k := kinds[m.kind]
	switch lang := languages[m.lang]; {
	case m.series >= 0:
		s := g.series[m.series]
		tmpl := map[string]string{"en": "Part {k}: {A}", "es": "Parte {k}: {A}", "ja": "第{k}回 {a}"}[lang]
		return w.fill(strings.ReplaceAll(tmpl, "{k}", fmt.Sprint(int(m.episode)))) + seriesSuffix(s, m)
	case lang == "es" && k != content.QuizKind:
		return w.fill(titlesES[r.IntN(len(titlesES))])
	case lang == "ja" && k != content.QuizKind:
		return w.fill(titlesJA[r.IntN(len(titlesJA))])
	case k == content.Video && m.diff <= 2 && chance(r, 0.3):
		return w.fill(titlesEasy[r.IntN(len(titlesEasy))])
	case k == content.Video && m.diff >= 4 && chance(r, 0.3):
		return w.fill(titlesHard[r.IntN(len(titlesHard))])
	}
	list := titlesEN[k]
	return w.fill(list[r.IntN(len(list))])
}

// seriesSuffix marks the last episode, so a reader sees where a series ends.
func seriesSuffix(s seriesMeta, m meta) string {
	if int(m.episode) == len(s.episodes) && len(s.episodes) == s.planned {
		return " (final part)"
	}
	return ""
}

func describe(r *rand.Rand, k content.Kind, lang string, diff uint8, w words) (desc, body string) {
	aud := ""
	switch {
	case diff <= 2:
		aud = " for beginners"
	case diff >= 4:
		aud = " for advanced learners"
	}
	bank, n := sentencesEN, 3+r.IntN(3)
	switch lang {
	case "es":
		desc, bank = w.fill("Una introducción breve a {a} y {b}."), sentencesES
	case "ja":
		desc, bank = w.fill("{a}と{b}をわかりやすく解説します。"), sentencesJA
	default:
		desc = w.fill("A "+kindWords[k]+" on {a} and {b}"+aud+". Covers {c} and more.") + " " + w.fill(bank[r.IntN(len(bank))])
	}
	if k == content.Article || k == content.Lesson {
		n += 3 + r.IntN(4)
	}
	var b strings.Builder
	for j := range n {
		if j > 0 {
			b.WriteByte(' ')
		}
		// A fresh pair of terms now and then keeps paragraphs from repeating.
		if j%3 == 2 {
			w.draw(r)
		}
		b.WriteString(w.fill(bank[r.IntN(len(bank))]))
	}
	return desc, b.String()
}

func seriesText(r *rand.Rand, l leaf, lang string, episodes int) (title, desc string) {
	w := words{leaf: l}
	w.draw(r)
	switch lang {
	case "es":
		return w.fill(seriesES[r.IntN(len(seriesES))]), w.fill(fmt.Sprintf("Una serie de %d partes sobre {a} y {b}.", episodes))
	case "ja":
		return w.fill(seriesJA[r.IntN(len(seriesJA))]), w.fill(fmt.Sprintf("{a}から{b}まで、全%d回のシリーズです。", episodes))
	}
	return w.fill(seriesEN[r.IntN(len(seriesEN))]), w.fill(fmt.Sprintf("%d episodes on {L}, from {a} to {b}.", episodes))
}

// Right is the position (from 0) of the right choice of question q (from 0) of
// quiz item i: the simulation grades answers with it without building the quiz.
func (g *Generator) right(i, q int) int {
	return int(mix(g.cfg.Seed^uint64(i)<<8^uint64(q)) % 4)
}

// choiceID names choice c of question q, unique within the quiz.
func choiceID(q, c int) string { return fmt.Sprintf("q%d-c%d", q+1, c+1) }

// quiz asks which term belongs to the item's topic; the wrong choices come from
// topics under other parents.
func (g *Generator) quiz(r *rand.Rand, i int, m meta) *content.Quiz {
	l := g.leaves[m.leaf]
	var others []leaf
	for _, o := range g.leaves {
		if o.parentIndex != l.parentIndex {
			others = append(others, o)
		}
	}
	if len(others) == 0 { // a taxonomy of one parent: any other leaf
		for j, o := range g.leaves {
			if j != int(m.leaf) {
				others = append(others, o)
			}
		}
	}
	prompts := []string{"Which of these belongs to %s?", "Which term comes up when studying %s?", "Which of these is part of %s?"}
	terms := r.Perm(len(l.terms))
	q := &content.Quiz{}
	for k := range int(m.questions) {
		right := g.right(i, k)
		question := content.Question{ID: fmt.Sprintf("q%d", k+1), Prompt: fmt.Sprintf(prompts[r.IntN(len(prompts))], strings.ToLower(l.name[:1])+l.name[1:])}
		answer := l.terms[terms[k%len(terms)]]
		// A wrong choice is never a term of this topic, even when another topic
		// shares the word.
		used := map[string]bool{}
		for _, t := range l.terms {
			used[t] = true
		}
		for c := range 4 {
			text := answer
			if c != right {
				for {
					o := others[r.IntN(len(others))]
					if text = o.terms[r.IntN(len(o.terms))]; !used[text] {
						break
					}
				}
			}
			used[text] = true
			question.Choices = append(question.Choices, content.Choice{ID: choiceID(k, c), Text: capitalise(text)})
		}
		question.Answer = choiceID(k, right)
		question.Explanation = capitalise(answer) + " is part of " + l.name + "."
		q.Questions = append(q.Questions, question)
	}
	return q
}

func durationWords(durMS int64) string {
	sec := durMS / 1000
	if sec < 120 {
		return fmt.Sprintf("%d seconds", max(sec, 1))
	}
	return fmt.Sprintf("%d minutes", sec/60)
}

// capitalise upper-cases the first letter; scripts without case are unchanged.
func capitalise(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	if c == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(c)) + s[n:]
}
