package feed

import (
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

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

// itemExtra is what a summary shows beyond the ranker's item.
type itemExtra struct {
	Description string
	Language    string
	MediaIDs    []string
}

func newSummary(it *rank.Item, e *itemExtra) *Summary {
	s := &Summary{ID: it.ID, Kind: it.Kind, Title: it.Title, Description: e.Description,
		Creator: CreatorRef{ID: it.CreatorID, Name: it.CreatorName}, Topics: nonNil(it.Topics),
		DurationMS: it.DurationMS, Difficulty: it.Difficulty, Language: e.Language, MediaIDs: nonNil(e.MediaIDs)}
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

// sharer makes a rebuild's rows share the strings and lists of the index
// before it wherever they are equal, and names that many items carry
// (creators, series, kinds, languages, topics) one string each. The rows'
// own copies are then garbage at once: the two indexes alive while one is
// swapped for the next hold the text of the catalogue once, not twice.
type sharer struct {
	prev  *Index
	names map[string]string
}

func newSharer(prev *Index) *sharer { return &sharer{prev: prev, names: map[string]string{}} }

// row points r's fields at shared copies of equal values: the previous
// index's when it had the item (its names were shared when it was built),
// else one string per name in this build. A list the previous index holds is
// taken whole or not at all: it is never written to.
func (h *sharer) row(r *CatalogueItem) {
	if i, ok := h.prev.Rank.Lookup(r.ID); ok {
		it, e := h.prev.Rank.At(i), &h.prev.extra[i]
		r.ID = it.ID
		for _, f := range []struct {
			dst *string
			src string
		}{{&r.Title, it.Title}, {&r.Description, e.Description}, {&r.CreatorID, it.CreatorID},
			{&r.CreatorName, it.CreatorName}, {&r.Kind, it.Kind}, {&r.SeriesID, it.SeriesID},
			{&r.SeriesTitle, it.SeriesTitle}, {&r.Language, e.Language}} {
			if *f.dst == f.src {
				*f.dst = f.src
			}
		}
		if slices.Equal(r.MediaIDs, e.MediaIDs) {
			r.MediaIDs = e.MediaIDs
		}
		if slices.Equal(r.Topics, it.Topics) {
			r.Topics = it.Topics
			return
		}
	} else {
		for _, f := range []*string{&r.CreatorID, &r.CreatorName, &r.Kind, &r.SeriesID, &r.SeriesTitle, &r.Language} {
			*f = h.name(*f)
		}
	}
	for k, t := range r.Topics {
		r.Topics[k] = h.name(t)
	}
}

func (h *sharer) name(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := h.names[s]; ok {
		return v
	}
	h.names[s] = s
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
