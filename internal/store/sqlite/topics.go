package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// Topics pages the taxonomy ordered by slug (bytes, as PostgreSQL's "C") after
// the slug after.
func (db *DB) Topics(ctx context.Context, after string, limit int) ([]content.Topic, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT slug, name, parent FROM topics WHERE slug > ? ORDER BY slug LIMIT ?`,
		after, query.Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	defer rows.Close()
	out := []content.Topic{}
	for rows.Next() {
		var t content.Topic
		if err := rows.Scan(&t.Slug, &t.Name, &t.Parent); err != nil {
			return nil, fmt.Errorf("list topics: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	return out, nil
}

// EnsureTopics creates the topics that do not exist yet, a missing name derived
// from the slug; topics that exist keep their name and parent.
func (db *DB) EnsureTopics(ctx context.Context, topics []content.Topic) error {
	err := db.contentTx(ctx, func(tx *sql.Tx) error {
		for _, t := range topics {
			if err := ensureTopic(ctx, tx, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ensure %d topics: %w", len(topics), err)
	}
	return nil
}

func ensureTopic(ctx context.Context, tx *sql.Tx, t content.Topic) error {
	if t.Name == "" {
		t.Name = content.TopicName(t.Slug)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO topics (slug, name, parent) VALUES (?, ?, ?) ON CONFLICT (slug) DO NOTHING`,
		t.Slug, t.Name, t.Parent); err != nil {
		return fmt.Errorf("topic %q: %w", t.Slug, err)
	}
	return nil
}
