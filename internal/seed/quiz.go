package seed

import (
	"fmt"
	"math/rand/v2"

	"github.com/lyolearn/lyo/internal/content"
)

var generatedPrompts = []string{"Which of these would you study in %s?", "Which of these belongs to %s?",
	"Which of these is a topic in %s?"}

// makeQuiz writes n questions on leaf li: its facts first in a random order
// mixed with generated ones ("which of these belongs to algebra?") whose wrong
// choices come from unrelated topics, so every question has one right answer.
// Choice IDs are set here ("q2-c3"), so the events can name them.
func makeQuiz(r *rand.Rand, li, n int) (*content.Quiz, []quizKey) {
	l := leaves[li]
	facts := r.Perm(len(l.facts))
	subjects := r.Perm(len(l.subjects))
	q := &content.Quiz{}
	keys := make([]quizKey, 0, n)
	for i := range n {
		choices := 3 + r.IntN(2)
		var prompt, right, explanation string
		var wrong []string
		if len(facts) > 0 && (chance(r, 0.6) || len(subjects) == 0) {
			f := l.facts[facts[0]]
			facts = facts[1:]
			prompt, right = f.q, f.right
			for _, j := range r.Perm(3)[:choices-1] {
				wrong = append(wrong, f.wrong[j])
			}
		} else {
			right = capitalise(l.subjects[subjects[0]])
			subjects = subjects[1:]
			prompt = fmt.Sprintf(generatedPrompts[i%len(generatedPrompts)], l.inSentence())
			explanation = fmt.Sprintf("%s is part of %s; the other choices belong to other subjects.", right, l.inSentence())
			wrong = unrelatedSubjects(r, l, choices-1)
		}
		options := append([]string{right}, wrong...)
		qid := fmt.Sprintf("q%d", i+1)
		question := content.Question{ID: qid, Prompt: prompt, Explanation: explanation}
		var key quizKey
		for j, o := range r.Perm(len(options)) {
			id := fmt.Sprintf("%s-c%d", qid, j+1)
			question.Choices = append(question.Choices, content.Choice{ID: id, Text: options[o]})
			if o == 0 {
				question.Answer, key.right = id, id
			} else {
				key.wrong = append(key.wrong, id)
			}
		}
		q.Questions = append(q.Questions, question)
		keys = append(keys, key)
	}
	return q, keys
}

// unrelatedSubjects picks n subjects, each from a different leaf outside l's cluster.
func unrelatedSubjects(r *rand.Rand, l leaf, n int) []string {
	var out []string
	for _, i := range r.Perm(len(leaves)) {
		if leaves[i].cluster() == l.cluster() {
			continue
		}
		out = append(out, capitalise(pick(r, leaves[i].subjects)))
		if len(out) == n {
			break
		}
	}
	return out
}
