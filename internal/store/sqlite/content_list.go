package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// idChunk bounds the IDs bound to one IN list, well under SQLite's limit on
// parameters per statement.
const idChunk = 500

// ListItems returns items newest first (by ID) before q.BeforeID that match q. No
// Statuses means every status; with Statuses, OwnDraftsOf adds that user's drafts.
func (db *DB) ListItems(ctx context.Context, q content.ItemQuery) ([]content.Item, error) {
	var where []string
	var args []any
	if q.CreatorID != "" {
		where = append(where, `i.creator_id = ?`)
		args = append(args, q.CreatorID)
	}
	if q.Topic != "" {
		where = append(where, `i.id IN (SELECT item_id FROM item_topics WHERE topic_slug = ?)`)
		args = append(args, q.Topic)
	}
	if q.Kind != "" {
		where = append(where, `i.kind = ?`)
		args = append(args, string(q.Kind))
	}
	if q.SeriesID != "" {
		where = append(where, `i.series_id = ?`)
		args = append(args, q.SeriesID)
	}
	if len(q.Statuses) > 0 {
		cond := `i.status IN (` + marks(len(q.Statuses)) + `)`
		for _, s := range q.Statuses {
			args = append(args, string(s))
		}
		if q.OwnDraftsOf != "" {
			cond = `(` + cond + ` OR (i.creator_id = ? AND i.status = 'draft'))`
			args = append(args, q.OwnDraftsOf)
		}
		where = append(where, cond)
	}
	if q.BeforeID != "" {
		where = append(where, `i.id < ?`)
		args = append(args, q.BeforeID)
	}
	sqlText := `SELECT ` + itemColumns + ` FROM items i`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY i.id DESC LIMIT ?`
	args = append(args, query.Limit(q.Limit))

	out, err := db.queryItems(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	return out, nil
}

// ItemsByIDs returns the items that exist among ids, in no particular order.
func (db *DB) ItemsByIDs(ctx context.Context, ids []string) ([]content.Item, error) {
	return db.itemsByIDs(ctx, itemColumns, ids)
}

// ItemsWithoutText is ItemsByIDs without description, body and transcript.
func (db *DB) ItemsWithoutText(ctx context.Context, ids []string) ([]content.Item, error) {
	return db.itemsByIDs(ctx, briefColumns, ids)
}

func (db *DB) itemsByIDs(ctx context.Context, columns string, ids []string) ([]content.Item, error) {
	out := []content.Item{}
	for start := 0; start < len(ids); start += idChunk {
		chunk := ids[start:min(start+idChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		items, err := db.queryItems(ctx, `SELECT `+columns+` FROM items i WHERE i.id IN (`+marks(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("get %d items: %w", len(ids), err)
		}
		out = append(out, items...)
	}
	return out, nil
}

func (db *DB) queryItems(ctx context.Context, sqlText string, args ...any) ([]content.Item, error) {
	rows, err := db.reader.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collectItems(rows)
}

func collectItems(rows *sql.Rows) ([]content.Item, error) {
	out := []content.Item{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// marks returns n comma-separated placeholders for an IN list; n > 0.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
