// Package llm speaks to language models for the tutor: one small interface every
// provider implements (Gemini, OpenAI-compatible servers), and a Chain that tries
// providers in order behind circuit breakers, retries and timeouts, and never
// switches provider once the first chunk of an answer has been handed out.
//
// What callers see: Chain.Stream fails with an error matching ErrUnavailable when
// no provider answered, or with the caller's own context error (or
// ErrTotalTimeout). Once a Stream is returned its first chunk is ready; a later
// failure comes from Next as the provider's error (a *StatusError, a transport
// error, io.ErrUnexpectedEOF for a cut-off answer, or ErrIdleTimeout), never
// io.EOF, so a partial answer can be told from a complete one. A prompt the
// provider refused ends with io.EOF, no text and Result.Blocked set.
package llm

import (
	"context"
	"errors"
)

// Role is who wrote a message.
type Role string

const (
	RoleUser  Role = "user"
	RoleModel Role = "model"
)

// Part is one piece of a message: a text part, or an inline image (MIME and Data set,
// Text empty).
type Part struct {
	Text string
	MIME string
	Data []byte
}

// IsImage reports whether the part carries inline bytes rather than text.
func (p Part) IsImage() bool { return p.MIME != "" && len(p.Data) > 0 }

// Text returns a text part.
func Text(s string) Part { return Part{Text: s} }

// Image returns an inline image part.
func Image(mime string, data []byte) Part { return Part{MIME: mime, Data: data} }

// Message is one turn of a conversation.
type Message struct {
	Role  Role
	Parts []Part
}

// Tasks the tutor asks models for; a Chain may hold a different provider list per task.
const (
	TaskChat    = "chat"
	TaskQuiz    = "quiz"
	TaskTagging = "tagging"
	TaskSummary = "summary"
)

// Request is what the tutor asks a model.
type Request struct {
	Task string
	// System is the system instruction. Providers always send it in their own system
	// slot, never mixed into user text, so a learner cannot overwrite it.
	System   string
	Messages []Message
	// Schema is a JSON schema for structured output; nil means plain text.
	Schema          map[string]any
	MaxOutputTokens int
	Temperature     *float32
	// Strict asks for the provider's stricter safety settings (minors).
	Strict bool
}

// Usage counts tokens as the provider reported them.
type Usage struct {
	InputTokens, OutputTokens int
}

// Source is a catalogue item an answer is grounded in.
type Source struct {
	ContentID, Title, Snippet string
}

// Result describes a finished answer.
type Result struct {
	Usage        Usage
	Provider     string
	Model        string
	Degraded     bool
	Sources      []Source
	FinishReason string
	// Blocked is true when the provider's safety filter stopped the prompt or answer.
	Blocked bool
}

// Stream is an answer arriving in chunks.
type Stream interface {
	// Next returns the next text chunk; io.EOF after the last one.
	Next() (string, error)
	// Result is valid after Next returned io.EOF (usage, provider, model).
	Result() Result
	// Close cancels the upstream call; it is safe to call more than once.
	Close() error
}

// Provider is one model behind one API.
type Provider interface {
	Name() string
	Model() string
	Stream(ctx context.Context, req Request) (Stream, error)
}

// ErrUnavailable means no provider in a chain could answer: every one was open,
// failed, or cooling down.
var ErrUnavailable = errors.New("llm: no model available")
