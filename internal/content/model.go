// Package content is the catalogue the feed ranks: items (videos, images,
// articles, lessons, quizzes), series of them, the topic taxonomy, and the social
// graph around creators (follows, blocks). Which items a learner hid belongs to
// the events domain: a hide is an event.
//
// Visibility: learners see published items; a creator also sees their own drafts;
// moderators and admins see everything but removed items stay out of lists.
// Someone else's draft answers 404, never 403, so its existence does not leak.
package content

import (
	"errors"
	"time"
)

// Kind is what an item is.
type Kind string

// The kinds of item.
const (
	Video    Kind = "video"
	Image    Kind = "image"
	Article  Kind = "article"
	Lesson   Kind = "lesson"
	QuizKind Kind = "quiz"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case Video, Image, Article, Lesson, QuizKind:
		return true
	}
	return false
}

// Status is where an item is in its life.
type Status string

// The statuses.
const (
	Draft     Status = "draft"
	Published Status = "published"
	Removed   Status = "removed" // by a moderator; kept for the record, never shown
)

// Errors the HTTP layer maps.
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("your role does not allow this")
	ErrConflict  = errors.New("conflicts with the current state")
	// ErrPreconditionFailed is a conditional write whose version is no longer
	// the stored one: someone else wrote first.
	ErrPreconditionFailed = errors.New("the resource has changed since the version named in If-Match; read it again and retry")
)

// Item is one piece of content.
type Item struct {
	ID          string
	CreatorID   string
	Kind        Kind
	Title       string
	Description string
	Body        string
	Transcript  string // filled by media processing; searchable
	Topics      []string
	Difficulty  int // 1–5; 0: not set
	Language    string
	DurationMS  int64
	SeriesID    string
	Episode     int // position in the series, from 1; 0 when not in one
	MediaIDs    []string
	Quiz        *Quiz
	Status      Status
	Version     int64 // moves with every write (its ETag)
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
}

// Quiz is a set of questions; Answer keys never reach learners.
type Quiz struct {
	Questions []Question `json:"questions"`
}

// Question has choices, one of them right.
type Question struct {
	ID          string   `json:"id"`
	Prompt      string   `json:"prompt"`
	Choices     []Choice `json:"choices"`
	Answer      string   `json:"answer"` // the ID of the right choice
	Explanation string   `json:"explanation,omitempty"`
}

// Choice is one option; its ID is unique within the quiz, so an answer names it alone.
type Choice struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Grade names the question choiceID answers and says whether it is right; ok
// is false when no question of the quiz has that choice.
func (q *Quiz) Grade(choiceID string) (questionID string, correct, ok bool) {
	if q == nil {
		return "", false, false
	}
	for _, question := range q.Questions {
		for _, c := range question.Choices {
			if c.ID == choiceID {
				return question.ID, question.Answer == choiceID, true
			}
		}
	}
	return "", false, false
}

// Series is an ordered run of items: a course or a playlist.
type Series struct {
	ID          string
	CreatorID   string
	Title       string
	Description string
	Status      Status
	Version     int64     // moves with every write of the series itself
	Episodes    []Episode // in order; whoever reads sees only those they may (see SeriesView)
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Episode is one item of a series, as far as the series needs to know it.
type Episode struct {
	ItemID  string
	Status  Status
	Version int64
}

// ItemIDs lists every episode, drafts included, in order.
func (s Series) ItemIDs() []string {
	out := make([]string, len(s.Episodes))
	for i, e := range s.Episodes {
		out[i] = e.ItemID
	}
	return out
}

// Topic is a node of the taxonomy.
type Topic struct {
	Slug   string
	Name   string
	Parent string // slug; "" at the top
}

// ItemQuery selects items for a list. Visibility is decided by the service and
// expressed here: Statuses to include, and OwnDraftsOf to add a creator's drafts.
type ItemQuery struct {
	CreatorID   string
	Topic       string
	Kind        Kind
	SeriesID    string
	Statuses    []Status
	OwnDraftsOf string // also include drafts by this user
	BeforeID    string // keyset pagination, newest first
	Limit       int
}

// SearchHit is one search result.
type SearchHit struct {
	Item    Summary
	Rank    float64 // higher is better
	Snippet string  // with matches between « and »
}

// SearchQuery is a full-text search over published items.
type SearchQuery struct {
	Terms  []string // plain words, as SearchTerms makes them; the stores only quote them
	Offset int      // search pages by offset: ranks are not stable keys
	Limit  int
	// Any matches items holding any of the terms, each as a whole word (no
	// prefix): the loose match of a question, where every word left after
	// dropping stop words counts on its own. False: every term must match and
	// the last may be the start of a word (a query as it is typed).
	Any bool
}

// Edge is a follow or a block between a user and a creator.
type Edge struct {
	UserID    string
	CreatorID string
	CreatedAt time.Time
}

// EdgeQuery pages through followers or following.
type EdgeQuery struct {
	UserID    string // following: edges from this user
	CreatorID string // followers: edges to this creator
	AfterAt   time.Time
	AfterID   string // tie-breaker: the other side's user ID
	Limit     int
}
