package feed

import "time"

// Summary is an item as lists show it: what a card needs, never the body.
type Summary struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Creator     CreatorRef `json:"creator"`
	Topics      []string   `json:"topics"`
	Series      *SeriesRef `json:"series,omitempty"`
	Episode     int        `json:"episode,omitempty"`
	DurationMS  int64      `json:"duration_ms"`
	Difficulty  int        `json:"difficulty"`
	Language    string     `json:"language"`
	MediaIDs    []string   `json:"media_ids"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// CreatorRef names an item's creator.
type CreatorRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SeriesRef names the series an item belongs to.
type SeriesRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

func newSummary(it CatalogueItem) *Summary {
	s := &Summary{ID: it.ID, Kind: it.Kind, Title: it.Title, Description: it.Description,
		Creator: CreatorRef{ID: it.CreatorID, Name: it.CreatorName}, Topics: nonNil(it.Topics),
		DurationMS: it.DurationMS, Difficulty: it.Difficulty, Language: it.Language, MediaIDs: nonNil(it.MediaIDs)}
	if it.SeriesID != "" {
		s.Series = &SeriesRef{ID: it.SeriesID, Title: it.SeriesTitle}
		s.Episode = it.Episode
	}
	if !it.PublishedAt.IsZero() {
		t := it.PublishedAt.UTC()
		s.PublishedAt = &t
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
