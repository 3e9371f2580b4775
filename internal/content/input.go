package content

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/lyolearn/lyo/internal/fault"
)

// ItemInput is the body of create and update. On update, nil fields stay as they are.
type ItemInput struct {
	Kind        *Kind     `json:"kind"`
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Body        *string   `json:"body"`
	Transcript  *string   `json:"transcript"`
	Topics      *[]string `json:"topics"`
	Difficulty  *int      `json:"difficulty"`
	Language    *string   `json:"language"`
	DurationMS  *int64    `json:"duration_ms"`
	SeriesID    *string   `json:"series_id"`
	Episode     *int      `json:"episode"`
	MediaIDs    *[]string `json:"media_ids"`
	Quiz        *Quiz     `json:"quiz"`
	Status      *Status   `json:"status"`
}

// Limits of an item's fields.
const (
	maxTitle       = 200
	maxDescription = 2000
	maxBody        = 100_000
	maxTranscript  = 200_000
	maxTopics      = 10
	maxMedia       = 20
	maxDurationMS  = 6 * 60 * 60 * 1000
	maxQuestions   = 50
	maxChoices     = 10
)

func text(bad *fault.Invalid, field string, v *string, max int, required bool, dst *string) {
	if v == nil {
		if required {
			bad.Add(field, "is required")
		}
		return
	}
	s := strings.TrimSpace(*v)
	switch {
	case required && s == "":
		bad.Add(field, "must not be empty")
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		bad.Add(field, "must be valid text")
	case utf8.RuneCountInString(s) > max:
		bad.Add(field, "is longer than %d characters", max)
	}
	*dst = s
}

// apply validates in and writes it over it. creating says whether kind and title
// are required.
func (in ItemInput) apply(it *Item, creating bool) error {
	var bad fault.Invalid
	if in.Kind != nil {
		if !in.Kind.Valid() {
			bad.Add("kind", "use video, image, article, lesson or quiz")
		}
		it.Kind = *in.Kind
	} else if creating {
		bad.Add("kind", "is required")
	}
	text(&bad, "title", in.Title, maxTitle, creating, &it.Title)
	if !creating && in.Title != nil && strings.TrimSpace(*in.Title) == "" {
		bad.Add("title", "must not be empty")
	}
	text(&bad, "description", in.Description, maxDescription, false, &it.Description)
	text(&bad, "body", in.Body, maxBody, false, &it.Body)
	text(&bad, "transcript", in.Transcript, maxTranscript, false, &it.Transcript)
	if in.Topics != nil {
		it.Topics = nil
		if len(*in.Topics) > maxTopics {
			bad.Add("topics", "at most %d topics", maxTopics)
		}
		for _, t := range *in.Topics {
			slug := strings.ToLower(strings.TrimSpace(t))
			if !validSlug(slug) {
				bad.Add("topics", "%q is not a topic slug (a-z, 0-9 and -, up to 50)", t)
				continue
			}
			if !slices.Contains(it.Topics, slug) {
				it.Topics = append(it.Topics, slug)
			}
		}
	}
	if in.Difficulty != nil {
		if *in.Difficulty < 0 || *in.Difficulty > 5 {
			bad.Add("difficulty", "use 1 (easiest) to 5, or 0 for not set")
		}
		it.Difficulty = *in.Difficulty
	}
	if in.Language != nil {
		it.Language = strings.TrimSpace(*in.Language)
		if it.Language != "" {
			if tag, err := language.Parse(it.Language); err != nil || len(it.Language) > 35 {
				bad.Add("language", "use a language tag such as en or pt-BR")
			} else {
				it.Language = tag.String()
			}
		}
	}
	if in.DurationMS != nil {
		if *in.DurationMS < 0 || *in.DurationMS > maxDurationMS {
			bad.Add("duration_ms", "use 0 to %d (six hours)", maxDurationMS)
		}
		it.DurationMS = *in.DurationMS
	}
	if in.SeriesID != nil {
		it.SeriesID = strings.TrimSpace(*in.SeriesID)
	}
	if in.Episode != nil {
		if *in.Episode < 0 || *in.Episode > 10000 {
			bad.Add("episode", "use 0 to 10000")
		}
		it.Episode = *in.Episode
	}
	if in.MediaIDs != nil {
		if len(*in.MediaIDs) > maxMedia {
			bad.Add("media_ids", "at most %d media", maxMedia)
		}
		it.MediaIDs = nil
		for _, m := range *in.MediaIDs {
			if m == "" || len(m) > 64 {
				bad.Add("media_ids", "each must be a media id")
				break
			}
			it.MediaIDs = append(it.MediaIDs, m)
		}
	}
	if in.Quiz != nil {
		q := *in.Quiz
		validQuiz(&bad, &q)
		it.Quiz = &q
	}
	if it.Kind == QuizKind && (it.Quiz == nil || len(it.Quiz.Questions) == 0) {
		bad.Add("quiz", "a quiz item needs at least one question")
	}
	if in.Status != nil {
		if *in.Status != Draft && *in.Status != Published {
			bad.Add("status", "use draft or published")
		}
		it.Status = *in.Status
	}
	return bad.Err()
}

// validQuiz checks a quiz and gives its questions and choices IDs where missing,
// so a quiz answer names one choice of the whole quiz.
func validQuiz(bad *fault.Invalid, q *Quiz) {
	if len(q.Questions) == 0 || len(q.Questions) > maxQuestions {
		bad.Add("quiz.questions", "use 1 to %d questions", maxQuestions)
		return
	}
	seen := map[string]bool{}
	for i := range q.Questions {
		qq := &q.Questions[i]
		field := fmt.Sprintf("quiz.questions[%d]", i)
		if qq.ID == "" {
			qq.ID = fmt.Sprintf("q%d", i+1)
		}
		text(bad, field+".prompt", &qq.Prompt, 500, true, &qq.Prompt)
		text(bad, field+".explanation", &qq.Explanation, 2000, false, &qq.Explanation)
		if len(qq.Choices) < 2 || len(qq.Choices) > maxChoices {
			bad.Add(field+".choices", "use 2 to %d choices", maxChoices)
			continue
		}
		answerFound := false
		for j := range qq.Choices {
			c := &qq.Choices[j]
			if c.ID == "" {
				c.ID = fmt.Sprintf("%s-c%d", qq.ID, j+1)
			}
			if len(c.ID) > 40 || seen[c.ID] {
				bad.Add(fmt.Sprintf("%s.choices[%d].id", field, j), "choice ids must be unique in the quiz (up to 40 characters)")
			}
			seen[c.ID] = true
			text(bad, fmt.Sprintf("%s.choices[%d].text", field, j), &c.Text, 300, true, &c.Text)
			if c.ID == qq.Answer {
				answerFound = true
			}
		}
		if !answerFound {
			// An answer may also name a choice by its 1-based position.
			if n, err := strconv.Atoi(qq.Answer); err == nil && n >= 1 && n <= len(qq.Choices) {
				qq.Answer = qq.Choices[n-1].ID
			} else {
				bad.Add(field+".answer", "must be the id (or 1-based position) of one of its choices")
			}
		}
	}
}

func validSlug(s string) bool {
	if s == "" || len(s) > 50 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
