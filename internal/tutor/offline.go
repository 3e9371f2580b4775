package tutor

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/lyolearn/lyo/internal/tutor/llm"
)

// Hit is a published catalogue item that matched a search.
type Hit struct {
	ID       string
	Title    string
	Snippet  string // with matched words between « and »
	Language string // the item's language, "" when unknown
}

// Catalogue is what the offline mode needs from the content domain: its
// full-text search, matching any of the words, each as a whole word.
type Catalogue interface {
	SearchAny(ctx context.Context, words []string, limit int) ([]Hit, error)
}

// Offline is the provider that answers without a model: the lessons of Lyo's
// catalogue that share words with the question, with snippets and links. It
// writes no explanation of its own, so it cannot invent anything; its answers
// are marked degraded and cost no tokens. It answers chat only: a summary or
// a tagging task needs a model (ErrUnavailable).
type Offline struct {
	cat      Catalogue
	linkBase string // prefix of the links to items, e.g. https://lyo.example
	limit    int
}

// NewOffline answers from cat with up to limit lessons, linking them under
// linkBase ("" for paths alone).
func NewOffline(cat Catalogue, linkBase string, limit int) *Offline {
	if limit <= 0 {
		limit = 5
	}
	return &Offline{cat: cat, linkBase: strings.TrimRight(linkBase, "/"), limit: limit}
}

// OfflineName is the offline provider's name in chains and answers.
const OfflineName = "offline"

func (o *Offline) Name() string  { return OfflineName }
func (o *Offline) Model() string { return "catalogue-search" }

// maxQuestionWords bounds the search a question makes.
const maxQuestionWords = 10

// Stream answers the last user message of req.
func (o *Offline) Stream(ctx context.Context, req llm.Request) (llm.Stream, error) {
	if req.Task != "" && req.Task != llm.TaskChat {
		return nil, llm.ErrUnavailable
	}
	question := lastUserText(req.Messages)
	lang := languageFrom(ctx)
	sources, err := o.Lessons(ctx, question, lang)
	if err != nil {
		return nil, err
	}
	return &textStream{chunks: o.answer(sources), result: llm.Result{Provider: OfflineName, Model: o.Model(),
		Degraded: true, Sources: sources, FinishReason: "stop"}}, nil
}

// Lessons are the published items that share a word (other than a stop word)
// with the question, most relevant first. lang is the language of what the
// learner studies, "" to guess it from the question.
func (o *Offline) Lessons(ctx context.Context, question, lang string) ([]llm.Source, error) {
	kw := keywords(question, lang, maxQuestionWords)
	if len(kw) == 0 {
		return nil, nil
	}
	hits, err := o.cat.SearchAny(ctx, kw, o.limit*3)
	if err != nil {
		return nil, fmt.Errorf("offline search: %w", err)
	}
	asked := map[string]bool{}
	for _, w := range kw {
		asked[w] = true
	}
	var out []llm.Source
	for _, h := range hits {
		if !sharesWord(h, asked, lang) {
			continue
		}
		out = append(out, llm.Source{ContentID: h.ID, Title: h.Title, Snippet: plainSnippet(h.Snippet)})
		if len(out) == o.limit {
			break
		}
	}
	return out, nil
}

// sharesWord reports whether a hit's matched words (the snippet marks them)
// include one the learner asked about that is no stop word in the item's own
// language: the search engines match loosely, the citation must not.
func sharesWord(h Hit, asked map[string]bool, questionLang string) bool {
	lang := baseLanguage(h.Language)
	if lang == "" {
		lang = baseLanguage(questionLang)
	}
	s := h.Snippet
	for {
		i := strings.Index(s, "«")
		if i < 0 {
			return false
		}
		s = s[i+len("«"):]
		j := strings.Index(s, "»")
		if j < 0 {
			return false
		}
		for _, w := range foldedWords(s[:j]) {
			if asked[w] && (lang == "" || !stopWords[lang][w]) {
				return true
			}
		}
		s = s[j:]
	}
}

func plainSnippet(s string) string {
	return strings.TrimSpace(strings.NewReplacer("«", "", "»", "").Replace(s))
}

// answer is the offline answer's text, in chunks: an honest opening, then one
// chunk per lesson.
func (o *Offline) answer(sources []llm.Source) []string {
	if len(sources) == 0 {
		return []string{"No AI model is answering right now, and no lesson in Lyo's catalogue shares a word with your question. ",
			"Try other words, or ask again later."}
	}
	chunks := []string{"No AI model is answering right now, so this is not an explanation: these lessons in Lyo's catalogue match the words of your question.\n"}
	for i, s := range sources {
		line := fmt.Sprintf("\n%d. %s", i+1, s.Title)
		if s.Snippet != "" {
			line += ": " + s.Snippet
		}
		chunks = append(chunks, line+"\n   "+o.linkBase+"/api/v1/content/"+s.ContentID+"\n")
	}
	return chunks
}

func lastUserText(msgs []llm.Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != llm.RoleUser {
			continue
		}
		var b strings.Builder
		for _, p := range msgs[i].Parts {
			b.WriteString(p.Text)
			b.WriteByte(' ')
		}
		return b.String()
	}
	return ""
}

type langKey struct{}

// WithLanguage tells the offline mode the language of what the learner studies.
func WithLanguage(ctx context.Context, lang string) context.Context {
	if lang == "" {
		return ctx
	}
	return context.WithValue(ctx, langKey{}, lang)
}

func languageFrom(ctx context.Context) string {
	s, _ := ctx.Value(langKey{}).(string)
	return s
}

// textStream hands out prepared chunks.
type textStream struct {
	chunks []string
	result llm.Result
	closed bool
}

func (t *textStream) Next() (string, error) {
	if t.closed || len(t.chunks) == 0 {
		return "", io.EOF
	}
	c := t.chunks[0]
	t.chunks = t.chunks[1:]
	return c, nil
}

func (t *textStream) Result() llm.Result { return t.result }
func (t *textStream) Close() error       { t.closed = true; return nil }
