package seed

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/lyolearn/lyo/internal/content"
)

// item makes one published item. subject and title may be given (episodes);
// otherwise they are drawn, trying a few times for a title not used yet.
func (g *generator) item(r *rand.Rand, creator, li int, kind content.Kind, lang string, difficulty int,
	subject, title string, created time.Time, titles map[string]bool) draft {
	l := leaves[li]
	subjects := bank(l, lang)
	var quiz *content.Quiz
	var keys []quizKey
	questions := 0
	if kind == content.QuizKind {
		questions = 1 + weighted(r, []float64{15, 20, 30, 20, 15})
		quiz, keys = makeQuiz(r, li, questions)
	}
	dur := duration(r, kind, questions)
	v := vars{topic: l.inSentence(), dur: durationText(dur, lang), n: plural(questions, "question"), aud: audience(difficulty)}
	v.s = subject
	if v.s == "" {
		v.s = pick(r, subjects)
	}
	v.s2 = pick(r, subjects)
	for tries := 0; v.s2 == v.s && tries < 5; tries++ {
		v.s2 = pick(r, subjects)
	}
	v.pickTerms(r, l.terms)
	if title == "" {
		for tries := 0; tries < 8; tries++ {
			if subject == "" {
				v.s = pick(r, subjects)
			}
			title = makeTitle(r, l, kind, lang, difficulty, &v)
			if !titles[title] {
				break
			}
		}
	}
	titles[title] = true
	dv := v
	if slices.Contains(l.hooks, title) { // a hook names no subject: describe the topic
		dv.s = l.inSentence()
	}
	in := content.ItemInput{
		Kind:        ptr(kind),
		Title:       ptr(title),
		Description: ptr(description(r, kind, lang, dv)),
		Topics:      ptr(l.topics()),
		Difficulty:  ptr(difficulty),
		Language:    ptr(lang),
		DurationMS:  ptr(dur),
		Status:      ptr(content.Published),
		Quiz:        quiz,
	}
	switch kind {
	case content.Article: // reading time at about 150 words a minute
		in.Body = ptr(itemBody(r, l, lang, v, int(dur/60_000)*150))
	case content.Lesson: // notes beside the video
		in.Body = ptr(itemBody(r, l, lang, v, int(dur/60_000)*40))
	}
	return draft{
		plan:  ItemPlan{CreatorIndex: creator, Input: in, CreatedAt: created},
		facts: itemFacts{leaf: li, creator: creator, kind: kind, lang: lang, difficulty: difficulty, durationMS: dur, created: created, series: -1, quiz: keys},
	}
}

// duration is realistic for the kind: short-form videos around 90 seconds,
// lessons of minutes, articles by reading time, quizzes by questions.
func duration(r *rand.Rand, kind content.Kind, questions int) int64 {
	var secs float64
	switch kind {
	case content.Video:
		secs = clamp(logNormal(r, 90, 0.75), 15, 600)
	case content.Lesson:
		secs = clamp(logNormal(r, 480, 0.45), 180, 1200)
	case content.Article:
		return int64(clamp(math.Round(logNormal(r, 5, 0.45)), 2, 12)) * 60_000
	case content.Image:
		secs = between(r, 8, 14)
	case content.QuizKind:
		secs = clamp(float64(questions)*between(r, 25, 45), 60, 180)
	}
	return int64(secs * 1000)
}

func makeTitle(r *rand.Rand, l leaf, kind content.Kind, lang string, difficulty int, v *vars) string {
	switch lang {
	case "es":
		return v.fill(pick(r, titleES))
	case "ja":
		return v.fill(pick(r, titleJA))
	}
	if (kind == content.Video || kind == content.Article) && chance(r, 0.12) {
		return pick(r, l.hooks)
	}
	var pool []string
	switch kind {
	case content.QuizKind:
		pool = titleKind["quiz"]
	case content.Image:
		if chance(r, 0.7) {
			pool = titleKind["image"]
		}
	case content.Lesson, content.Article:
		if chance(r, 0.5) {
			pool = titleKind[string(kind)]
		}
	}
	if pool == nil {
		pool = titleAny
		switch {
		case difficulty <= 2 && chance(r, 0.4):
			pool = titleEasy
		case difficulty >= 4 && chance(r, 0.5):
			pool = titleHard
		}
	}
	return v.fill(pick(r, pool))
}

func description(r *rand.Rand, kind content.Kind, lang string, v vars) string {
	switch lang {
	case "es":
		return v.fill(pick(r, descES))
	case "ja":
		return v.fill(pick(r, descJA))
	}
	var pool []string
	switch kind {
	case content.Video:
		pool = descVideo
	case content.Lesson:
		pool = descLesson
	case content.Article:
		pool = descArticle
	case content.Image:
		pool = descImage
	case content.QuizKind:
		pool = descQuiz
	}
	d := v.fill(pick(r, pool))
	if kind == content.Video && chance(r, 0.5) {
		d += " " + v.fill(pick(r, sentEN))
	}
	return d
}

func itemBody(r *rand.Rand, l leaf, lang string, v vars, words int) string {
	switch lang {
	case "es":
		return body(r, sentES, v, l.es, nil, words, " ")
	case "ja":
		return body(r, sentJA, v, l.ja, nil, words, "")
	}
	return body(r, sentEN, v, l.subjects, l.terms, words, " ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
