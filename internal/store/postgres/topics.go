package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// Topics pages the taxonomy ordered by slug (bytes: the column is COLLATE "C")
// after the slug after.
func (db *DB) Topics(ctx context.Context, after string, limit int) ([]content.Topic, error) {
	rows, err := db.pool.Query(ctx, `SELECT slug, name, parent FROM topics WHERE slug > $1 ORDER BY slug LIMIT $2`,
		after, query.Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (content.Topic, error) {
		var t content.Topic
		err := r.Scan(&t.Slug, &t.Name, &t.Parent)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	if out == nil {
		out = []content.Topic{}
	}
	return out, nil
}

// EnsureTopics creates the topics that do not exist yet, a missing name derived
// from the slug; topics that exist keep their name and parent.
func (db *DB) EnsureTopics(ctx context.Context, topics []content.Topic) error {
	// In slug order, like setItemTopics, so concurrent writers lock rows alike.
	sorted := slices.SortedFunc(slices.Values(topics), func(a, b content.Topic) int { return strings.Compare(a.Slug, b.Slug) })
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, t := range sorted {
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

func ensureTopic(ctx context.Context, tx pgx.Tx, t content.Topic) error {
	if t.Name == "" {
		t.Name = content.TopicName(t.Slug)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO topics (slug, name, parent) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING`,
		t.Slug, t.Name, t.Parent); err != nil {
		return fmt.Errorf("topic %q: %w", t.Slug, err)
	}
	return nil
}
