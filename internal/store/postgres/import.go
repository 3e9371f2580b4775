package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
)

var (
	_ auth.Importer    = (*DB)(nil)
	_ content.Importer = (*DB)(nil)
)

// Bulk loads use COPY inside one transaction per call: one round trip streams
// thousands of rows, and a constraint violation anywhere fails the whole COPY,
// so a call writes everything or nothing.

// ImportUsers inserts users in one transaction.
func (db *DB) ImportUsers(ctx context.Context, users []auth.User) error {
	if len(users) == 0 {
		return nil
	}
	rows := make([][]any, len(users))
	for i, u := range users {
		rows[i] = userArgs(u)
	}
	var cols []string
	for _, c := range strings.Split(userColumns, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"users"}, cols, pgx.CopyFromRows(rows))
		return constraintErr(err)
	})
	if err != nil {
		return fmt.Errorf("import %d users: %w", len(users), err)
	}
	return nil
}

// ImportSeries inserts series in one transaction.
func (db *DB) ImportSeries(ctx context.Context, series []content.Series) error {
	if len(series) == 0 {
		return nil
	}
	rows := make([][]any, len(series))
	for i, s := range series {
		rows[i] = []any{s.ID, s.CreatorID, s.Title, s.Description, string(s.Status), s.CreatedAt.UTC(), s.UpdatedAt.UTC()}
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"series"},
			[]string{"id", "creator_id", "title", "description", "status", "created_at", "updated_at"}, pgx.CopyFromRows(rows))
		return contentErr(err)
	})
	if err != nil {
		return fmt.Errorf("import %d series: %w", len(series), err)
	}
	return nil
}

// itemCopyColumns are the columns ImportItems copies, in the order of itemArgs
// followed by id, creator_id and created_at.
var itemCopyColumns = []string{"kind", "title", "description", "body", "transcript", "difficulty",
	"language", "duration_ms", "series_id", "episode", "media_ids", "quiz", "status",
	"updated_at", "published_at", "id", "creator_id", "created_at"}

// ImportItems inserts items and their topics in one transaction. Unknown topics
// are created first, in slug order, as CreateItem does (so concurrent writers
// cannot deadlock on them).
func (db *DB) ImportItems(ctx context.Context, items []content.Item) error {
	if len(items) == 0 {
		return nil
	}
	rows := make([][]any, len(items))
	var topicRows [][]any
	var slugs []string
	for i, it := range items {
		args, err := itemArgs(it)
		if err != nil {
			return fmt.Errorf("import item %s: %w", it.ID, err)
		}
		rows[i] = append(args, it.ID, it.CreatorID, it.CreatedAt.UTC())
		// A slug named twice counts once, at its first place, as in CreateItem.
		seen := make([]string, 0, len(it.Topics))
		for _, slug := range it.Topics {
			if !slices.Contains(seen, slug) {
				topicRows = append(topicRows, []any{it.ID, slug, len(seen)})
				seen = append(seen, slug)
			}
		}
		slugs = append(slugs, seen...)
	}
	slices.Sort(slugs)
	slugs = slices.Compact(slugs)
	names := make([]string, len(slugs))
	for i, slug := range slugs {
		names[i] = content.TopicName(slug)
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO topics (slug, name, parent)
			SELECT slug, name, '' FROM unnest($1::text[], $2::text[]) AS t (slug, name) ORDER BY slug
			ON CONFLICT (slug) DO NOTHING`, slugs, names); err != nil {
			return fmt.Errorf("topics: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"items"}, itemCopyColumns, pgx.CopyFromRows(rows)); err != nil {
			return contentErr(err)
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"item_topics"}, []string{"item_id", "topic_slug", "position"}, pgx.CopyFromRows(topicRows))
		return err
	})
	if err != nil {
		return fmt.Errorf("import %d items: %w", len(items), err)
	}
	return nil
}

// ImportFollows adds follows in one statement; an existing one keeps its time.
func (db *DB) ImportFollows(ctx context.Context, edges []content.Edge) error {
	if len(edges) == 0 {
		return nil
	}
	users, creators, at := make([]string, len(edges)), make([]string, len(edges)), make([]time.Time, len(edges))
	for i, e := range edges {
		users[i], creators[i], at[i] = e.UserID, e.CreatorID, e.CreatedAt.UTC()
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO follows (user_id, creator_id, created_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
		ON CONFLICT (user_id, creator_id) DO NOTHING`, users, creators, at)
	if err != nil {
		return fmt.Errorf("import %d follows: %w", len(edges), contentErr(err))
	}
	return nil
}
