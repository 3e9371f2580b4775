package tutor

import (
	"errors"
	"time"

	"github.com/lyolearn/lyo/internal/tutor/llm"
)

// Errors the HTTP layer maps.
var (
	ErrNotFound = errors.New("not found")
	// ErrQuota is a learner's daily tokens, or the deployment's daily cost,
	// used up; a *QuotaError says until when.
	ErrQuota = errors.New("the tutor's daily quota is used up")
	// ErrUnavailable is no model, and no offline answer, for the task.
	ErrUnavailable = errors.New("the tutor cannot answer right now; try again shortly")
)

// UnavailableError is ErrUnavailable with how long the models are expected to
// stay down, when the chain knows (an open breaker, a provider's own delay).
type UnavailableError struct {
	RetryAfter time.Duration // zero: unknown
	Cause      error         // what the models said, for the log
}

func (e *UnavailableError) Error() string {
	if e.Cause == nil {
		return ErrUnavailable.Error()
	}
	return ErrUnavailable.Error() + ": " + e.Cause.Error()
}

// Is lets errors.Is find ErrUnavailable; the cause is not unwrapped, so no
// other mapping of the router mistakes a model's failure for its own error.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// unavailable is the tutor's answer to a chain that found no model: 503,
// with the chain's estimate of when to come back.
func unavailable(err error) error {
	ue := &UnavailableError{Cause: err}
	var le *llm.UnavailableError
	if errors.As(err, &le) {
		ue.RetryAfter = le.RetryAfter
	}
	return ue
}

// QuotaError is ErrQuota with the time the quota resets.
type QuotaError struct {
	Scope   string // "learner" or "deployment"
	ResetAt time.Time
}

func (e *QuotaError) Error() string {
	if e.Scope == "deployment" {
		return "the tutor has reached this server's daily spending limit; it answers again after " + e.ResetAt.Format(time.RFC3339)
	}
	return "you have used today's tutor tokens; they renew at " + e.ResetAt.Format(time.RFC3339)
}

// Unwrap lets errors.Is find ErrQuota.
func (e *QuotaError) Unwrap() error { return ErrQuota }

// Roles of a message as stored and shown.
const (
	RoleUser  = "user"
	RoleTutor = "tutor"
)

// Status is how a tutor message ended.
type Status string

// The statuses.
const (
	Complete Status = "complete"
	// Partial is an answer cut short because the client went away: what had
	// been streamed is kept, and the model's call was cancelled.
	Partial Status = "partial"
	// Failed is an answer the model could not finish, or that hit a limit.
	Failed Status = "error"
)

// Conversation is one learner's thread with the tutor, tied to a content item or
// series when it was started from one.
type Conversation struct {
	ID        string
	UserID    string
	ContentID string // "" when not tied to an item
	SeriesID  string // "" when not tied to a series
	Title     string // the start of the first question
	// Summary folds the turns before SummaryThrough (a message ID) into text
	// the model reads instead of them.
	Summary        string
	SummaryThrough string
	Messages       int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Message is one turn: a learner's question or the tutor's answer.
type Message struct {
	ID             string
	ConversationID string
	UserID         string
	Role           string // RoleUser or RoleTutor
	Text           string
	MediaIDs       []string // images of a question, by media ID (never the bytes)
	InputTokens    int
	OutputTokens   int
	CostMicros     int64 // estimated cost, in millionths of a US dollar
	Provider       string
	Model          string
	LatencyMS      int64
	Status         Status
	Degraded       bool
	Sources        []llm.Source
	CreatedAt      time.Time
}

// Usage is what a learner, or the whole deployment, spent on one UTC day.
type Usage struct {
	Day        string // 2006-01-02
	Tokens     int64
	CostMicros int64
}

// Tags are what a model, or the TF-IDF fallback, says about a content item.
// They are kept beside the creator's own fields and never replace them.
type Tags struct {
	ItemID      string
	ContentHash string // of the texts tagged: a change of text tags again
	Topics      []string
	Difficulty  int // 1–5; 0 when the tagger did not say
	Summary     string
	Quiz        []QuizQuestion
	// Method is "model", or "tfidf" for the fallback (its topics are the
	// item's most distinctive words, not a model's reading).
	Method    string
	Provider  string
	Model     string
	CreatedAt time.Time
}

// QuizQuestion is one multiple-choice question a model wrote about an item.
type QuizQuestion struct {
	Question string   `json:"question"`
	Choices  []string `json:"choices"`
	Answer   int      `json:"answer"` // index into Choices
}

// TagSource is what tagging reads of an item.
type TagSource struct {
	ItemID      string
	Title       string
	Description string
	Body        string
	Transcript  string
	Language    string
	Topics      []string // the creator's own
}
