package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/feed"
)

var _ feed.Store = (*DB)(nil)

// CatalogueItems hands each every item with what the feed indexes and shows.
func (db *DB) CatalogueItems(ctx context.Context, each func(feed.CatalogueItem) error) error {
	rows, err := db.pool.Query(ctx, `
		SELECT i.id, i.creator_id, CASE WHEN u.display_name <> '' THEN u.display_name ELSE u.username END,
			i.kind, i.title, i.description, coalesce(i.series_id, ''), coalesce(s.title, ''), i.episode,
			i.difficulty, i.language, i.duration_ms, i.media_ids, i.status = 'published', i.published_at,
			coalesce((SELECT array_agg(t.topic_slug ORDER BY t.position) FROM item_topics t WHERE t.item_id = i.id), '{}'),
			coalesce(st.impressions, 0), coalesce(st.views, 0), coalesce(st.completions, 0), coalesce(st.likes, 0),
			coalesce(st.saves, 0), coalesce(st.shares, 0), coalesce(st.skips, 0), coalesce(st.hides, 0),
			coalesce(st.quiz_answers, 0), coalesce(st.quiz_correct, 0)
		FROM items i
		JOIN users u ON u.id = i.creator_id
		LEFT JOIN series s ON s.id = i.series_id
		LEFT JOIN item_stats st ON st.item_id = i.id
		ORDER BY i.created_at, i.id`)
	if err != nil {
		return fmt.Errorf("catalogue items: %w", err)
	}
	var it feed.CatalogueItem
	var published *time.Time
	c := &it.Counts
	_, err = pgx.ForEachRow(rows, []any{&it.ID, &it.CreatorID, &it.CreatorName, &it.Kind, &it.Title, &it.Description,
		&it.SeriesID, &it.SeriesTitle, &it.Episode, &it.Difficulty, &it.Language, &it.DurationMS, &it.MediaIDs,
		&it.Published, &published, &it.Topics, &c.Impressions, &c.Views, &c.Completions, &c.Likes, &c.Saves, &c.Shares,
		&c.Skips, &c.Hides, &c.QuizAnswers, &c.QuizCorrect}, func() error {
		row := it
		if row.SeriesID == "" {
			row.Episode = 0
		}
		if published != nil {
			row.PublishedAt = published.UTC()
		}
		if len(row.Topics) == 0 {
			row.Topics = nil
		}
		if len(row.MediaIDs) == 0 {
			row.MediaIDs = nil
		}
		// The scan targets are reused: the slices must not be shared.
		it.Topics, it.MediaIDs, published = nil, nil, nil
		return each(row)
	})
	if err != nil {
		return fmt.Errorf("catalogue items: %w", err)
	}
	return nil
}

// TopicNames maps every topic's slug to its name.
func (db *DB) TopicNames(ctx context.Context) (map[string]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT slug, name FROM topics`)
	if err != nil {
		return nil, fmt.Errorf("topic names: %w", err)
	}
	out := map[string]string{}
	var slug, name string
	if _, err := pgx.ForEachRow(rows, []any{&slug, &name}, func() error { out[slug] = name; return nil }); err != nil {
		return nil, fmt.Errorf("topic names: %w", err)
	}
	return out, nil
}
