package content

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxSummaryDescription bounds, in characters, the description a summary carries,
// so a list of a hundred items stays small whatever their descriptions.
const MaxSummaryDescription = 280

// Summary is what a list shows of an item, and all a store loads for one: the
// item without its body, transcript or quiz, its description cut to
// MaxSummaryDescription characters. Lists, search and the feed carry summaries;
// the body comes from the single-item route.
type Summary struct {
	ID          string
	CreatorID   string
	Kind        Kind
	Title       string
	Description string
	Topics      []string
	Difficulty  int
	Language    string
	DurationMS  int64
	SeriesID    string
	Episode     int
	MediaIDs    []string
	Status      Status
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
}

// SummaryOf is it as a list shows it.
func SummaryOf(it Item) Summary {
	return Summary{ID: it.ID, CreatorID: it.CreatorID, Kind: it.Kind, Title: it.Title, Description: CutDescription(it.Description),
		Topics: it.Topics, Difficulty: it.Difficulty, Language: it.Language, DurationMS: it.DurationMS, SeriesID: it.SeriesID,
		Episode: it.Episode, MediaIDs: it.MediaIDs, Status: it.Status, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		PublishedAt: it.PublishedAt}
}

// CutDescription bounds a description for a summary, marking a cut with an
// ellipsis. Stores read at most one character more than the bound, which is
// enough to know whether there was more.
func CutDescription(s string) string {
	if utf8.RuneCountInString(s) <= MaxSummaryDescription {
		return s
	}
	r := []rune(s)
	return string(r[:MaxSummaryDescription-1]) + "…"
}

// MaxSnippet bounds, in characters, the passage a search hit shows: the engines
// bound it in words, and one word may be thousands of characters long.
const MaxSnippet = 300

// CutSnippet bounds a search snippet, closing a highlight the cut left open.
func CutSnippet(s string) string {
	if utf8.RuneCountInString(s) <= MaxSnippet {
		return s
	}
	r := make([]rune, 0, MaxSnippet)
	for _, c := range s {
		if len(r) == MaxSnippet-2 {
			break
		}
		r = append(r, c)
	}
	out := string(r)
	if strings.Count(out, "«") > strings.Count(out, "»") {
		out += "»"
	}
	return out + "…"
}

// SummaryView is an item as a list shows it: everything but the body, the
// transcript and the quiz. The feed embeds the same.
type SummaryView struct {
	ID          string     `json:"id"`
	CreatorID   string     `json:"creator_id"`
	Kind        Kind       `json:"kind"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Topics      []string   `json:"topics"`
	Difficulty  int        `json:"difficulty"`
	Language    string     `json:"language"`
	DurationMS  int64      `json:"duration_ms"`
	SeriesID    string     `json:"series_id,omitempty"`
	Episode     int        `json:"episode,omitempty"`
	MediaIDs    []string   `json:"media_ids"`
	Status      Status     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// NewSummaryView renders s.
func NewSummaryView(s Summary) SummaryView {
	return SummaryView{ID: s.ID, CreatorID: s.CreatorID, Kind: s.Kind, Title: s.Title, Description: CutDescription(s.Description),
		Topics: nonNil(s.Topics), Difficulty: s.Difficulty, Language: s.Language, DurationMS: s.DurationMS,
		SeriesID: s.SeriesID, Episode: s.Episode, MediaIDs: nonNil(s.MediaIDs), Status: s.Status,
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(), PublishedAt: utcPtr(s.PublishedAt)}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
