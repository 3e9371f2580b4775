package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lyolearn/lyo/internal/feed"
)

var _ feed.Store = (*DB)(nil)

// readStmt returns the statement for query prepared on the reader pool, once.
func (db *DB) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.readStmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.reader.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if prev, loaded := db.readStmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// CatalogueItems hands each every item with what the feed indexes and shows.
func (db *DB) CatalogueItems(ctx context.Context, each func(feed.CatalogueItem) error) error {
	topics, err := db.itemTopics(ctx)
	if err != nil {
		return err
	}
	rows, err := db.reader.QueryContext(ctx, `
		SELECT i.id, i.creator_id, CASE WHEN u.display_name <> '' THEN u.display_name ELSE u.username END,
			i.kind, i.title, i.description, coalesce(i.series_id, ''), coalesce(s.title, ''), i.episode,
			i.difficulty, i.language, i.duration_ms, i.media_ids, i.status = 'published', coalesce(i.published_at, ''),
			coalesce(st.impressions, 0), coalesce(st.views, 0), coalesce(st.completions, 0), coalesce(st.likes, 0),
			coalesce(st.saves, 0), coalesce(st.shares, 0), coalesce(st.skips, 0), coalesce(st.hides, 0),
			coalesce(st.quiz_answers, 0), coalesce(st.quiz_correct, 0)
		FROM items i
		JOIN users u ON u.id = i.creator_id
		LEFT JOIN series s ON s.id = i.series_id
		LEFT JOIN item_stats st ON st.item_id = i.id
		ORDER BY i.seq`)
	if err != nil {
		return fmt.Errorf("catalogue items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it feed.CatalogueItem
		var media, published string
		c := &it.Counts
		if err := rows.Scan(&it.ID, &it.CreatorID, &it.CreatorName, &it.Kind, &it.Title, &it.Description, &it.SeriesID,
			&it.SeriesTitle, &it.Episode, &it.Difficulty, &it.Language, &it.DurationMS, &media, &it.Published, &published,
			&c.Impressions, &c.Views, &c.Completions, &c.Likes, &c.Saves, &c.Shares, &c.Skips, &c.Hides,
			&c.QuizAnswers, &c.QuizCorrect); err != nil {
			return fmt.Errorf("catalogue items: %w", err)
		}
		if it.SeriesID == "" {
			it.Episode = 0
		}
		err := unmarshalList(&it.MediaIDs, media)
		if published != "" {
			err = errors.Join(err, parseInto(&it.PublishedAt, published))
		}
		if err != nil {
			return fmt.Errorf("catalogue item %s: %w", it.ID, err)
		}
		it.Topics = topics[it.ID]
		if err := each(it); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("catalogue items: %w", err)
	}
	return nil
}

// itemTopics maps every item to its topics in the item's order.
func (db *DB) itemTopics(ctx context.Context) (map[string][]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT item_id, topic_slug FROM item_topics ORDER BY item_id, position`)
	if err != nil {
		return nil, fmt.Errorf("item topics: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	var last string
	var list []string
	for rows.Next() {
		var item, topic string
		if err := rows.Scan(&item, &topic); err != nil {
			return nil, fmt.Errorf("item topics: %w", err)
		}
		if item != last {
			if last != "" {
				out[last] = list
			}
			last, list = item, nil
		}
		list = append(list, topic)
	}
	if last != "" {
		out[last] = list
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("item topics: %w", err)
	}
	return out, nil
}

// TopicNames maps every topic's slug to its name.
func (db *DB) TopicNames(ctx context.Context) (map[string]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT slug, name FROM topics`)
	if err != nil {
		return nil, fmt.Errorf("topic names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var slug, name string
		if err := rows.Scan(&slug, &name); err != nil {
			return nil, fmt.Errorf("topic names: %w", err)
		}
		out[slug] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("topic names: %w", err)
	}
	return out, nil
}
