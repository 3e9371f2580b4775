package content

import "time"

// ItemView is an item as JSON. Quiz answer keys are shown to the item's creator
// and to moderators only.
type ItemView struct {
	ID          string     `json:"id"`
	CreatorID   string     `json:"creator_id"`
	Kind        Kind       `json:"kind"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Body        string     `json:"body"`
	Topics      []string   `json:"topics"`
	Difficulty  int        `json:"difficulty"`
	Language    string     `json:"language"`
	DurationMS  int64      `json:"duration_ms"`
	SeriesID    string     `json:"series_id,omitempty"`
	Episode     int        `json:"episode,omitempty"`
	MediaIDs    []string   `json:"media_ids"`
	Quiz        *QuizView  `json:"quiz,omitempty"`
	Status      Status     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// QuizView is a quiz as a given reader may see it.
type QuizView struct {
	Questions []QuestionView `json:"questions"`
}

// QuestionView omits the answer and explanation for learners.
type QuestionView struct {
	ID          string   `json:"id"`
	Prompt      string   `json:"prompt"`
	Choices     []Choice `json:"choices"`
	Answer      string   `json:"answer,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
}

// NewItemView renders it for a.
func NewItemView(it Item, a Actor) ItemView {
	v := ItemView{ID: it.ID, CreatorID: it.CreatorID, Kind: it.Kind, Title: it.Title, Description: it.Description,
		Body: it.Body, Topics: nonNil(it.Topics), Difficulty: it.Difficulty, Language: it.Language, DurationMS: it.DurationMS,
		SeriesID: it.SeriesID, Episode: it.Episode, MediaIDs: nonNil(it.MediaIDs), Status: it.Status,
		CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC(), PublishedAt: it.PublishedAt}
	if it.Quiz != nil {
		key := it.CreatorID == a.UserID || isModerator(a)
		q := &QuizView{Questions: make([]QuestionView, 0, len(it.Quiz.Questions))}
		for _, qq := range it.Quiz.Questions {
			qv := QuestionView{ID: qq.ID, Prompt: qq.Prompt, Choices: qq.Choices}
			if key {
				qv.Answer, qv.Explanation = qq.Answer, qq.Explanation
			}
			q.Questions = append(q.Questions, qv)
		}
		v.Quiz = q
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SeriesView is a series as JSON.
type SeriesView struct {
	ID          string    `json:"id"`
	CreatorID   string    `json:"creator_id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Status      Status    `json:"status"`
	ItemIDs     []string  `json:"item_ids"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// NewSeriesView renders sr for a, listing only the episodes a may see.
func NewSeriesView(sr Series, a Actor) SeriesView {
	return SeriesView{ID: sr.ID, CreatorID: sr.CreatorID, Title: sr.Title, Description: sr.Description, Status: sr.Status,
		ItemIDs: VisibleEpisodes(a, sr), CreatedAt: sr.CreatedAt.UTC(), UpdatedAt: sr.UpdatedAt.UTC()}
}

// TopicView is a topic as JSON.
type TopicView struct {
	Slug   string `json:"slug"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
}

// EdgeView is one follow or block.
type EdgeView struct {
	UserID    string    `json:"user_id"`
	CreatorID string    `json:"creator_id"`
	Since     time.Time `json:"since"`
}

// HitView is one search result.
type HitView struct {
	Item    SummaryView `json:"item"`
	Rank    float64     `json:"rank"`
	Snippet string      `json:"snippet"`
}
