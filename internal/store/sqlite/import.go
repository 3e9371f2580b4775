package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
)

var (
	_ auth.Importer    = (*DB)(nil)
	_ content.Importer = (*DB)(nil)
)

// Bulk loads run one write transaction per call with each statement prepared
// once and run per row: SQLite parses nothing twice, and one commit (one WAL
// sync) covers the whole batch instead of one per row.

// ImportUsers inserts users in one transaction.
func (db *DB) ImportUsers(ctx context.Context, users []auth.User) error {
	if len(users) == 0 {
		return nil
	}
	err := db.contentTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES (`+marks(len(userArgs(auth.User{})))+`)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, u := range users {
			if _, err := st.ExecContext(ctx, userArgs(u)...); err != nil {
				return fmt.Errorf("user %s: %w", u.ID, constraintErr(err))
			}
		}
		return nil
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
	err := db.contentTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO series (id, creator_id, title, description, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, s := range series {
			if _, err := st.ExecContext(ctx, s.ID, s.CreatorID, s.Title, s.Description, string(s.Status),
				formatTime(s.CreatedAt), formatTime(s.UpdatedAt)); err != nil {
				return fmt.Errorf("series %s: %w", s.ID, contentErr(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import %d series: %w", len(series), err)
	}
	return nil
}

// ImportItems inserts items and their topics in one transaction; the search
// index follows through the insert trigger, in the same transaction.
func (db *DB) ImportItems(ctx context.Context, items []content.Item) error {
	if len(items) == 0 {
		return nil
	}
	err := db.contentTx(ctx, func(tx *sql.Tx) error {
		if err := ensureSlugs(ctx, tx, items); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `
			INSERT INTO items (kind, title, description, body, transcript, difficulty,
				language, duration_ms, series_id, episode, media_ids, quiz, status,
				updated_at, published_at, id, creator_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		topic, err := tx.PrepareContext(ctx, `INSERT INTO item_topics (item_id, topic_slug, position) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer topic.Close()
		for _, it := range items {
			args, err := itemArgs(it)
			if err != nil {
				return fmt.Errorf("item %s: %w", it.ID, err)
			}
			if _, err := ins.ExecContext(ctx, append(args, it.ID, it.CreatorID, formatTime(it.CreatedAt))...); err != nil {
				return fmt.Errorf("item %s: %w", it.ID, contentErr(err))
			}
			// A slug named twice counts once, at its first place, as in CreateItem.
			seen := make([]string, 0, len(it.Topics))
			for _, slug := range it.Topics {
				if slices.Contains(seen, slug) {
					continue
				}
				if _, err := topic.ExecContext(ctx, it.ID, slug, len(seen)); err != nil {
					return fmt.Errorf("item %s topic %q: %w", it.ID, slug, err)
				}
				seen = append(seen, slug)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import %d items: %w", len(items), err)
	}
	return nil
}

// ensureSlugs creates the topics the items name that do not exist yet, each once.
func ensureSlugs(ctx context.Context, tx *sql.Tx, items []content.Item) error {
	done := map[string]bool{}
	for _, it := range items {
		for _, slug := range it.Topics {
			if done[slug] {
				continue
			}
			if err := ensureTopic(ctx, tx, content.Topic{Slug: slug}); err != nil {
				return err
			}
			done[slug] = true
		}
	}
	return nil
}

// ImportFollows adds follows in one transaction; an existing one keeps its time.
func (db *DB) ImportFollows(ctx context.Context, edges []content.Edge) error {
	if len(edges) == 0 {
		return nil
	}
	err := db.contentTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO follows (user_id, creator_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id, creator_id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, e := range edges {
			if _, err := st.ExecContext(ctx, e.UserID, e.CreatorID, formatTime(e.CreatedAt)); err != nil {
				return fmt.Errorf("follow %s by %s: %w", e.CreatorID, e.UserID, contentErr(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import %d follows: %w", len(edges), err)
	}
	return nil
}
