package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// idChunk bounds the IDs bound to one IN list, well under SQLite's limit on
// parameters per statement.
const idChunk = 500

// summaryColumns is the column list scanSummary reads; queries name items i. It
// never names body, transcript or quiz, and reads one character more of the
// description than a summary shows, so a list holds no long text in memory.
var summaryColumns = `i.id, i.creator_id, i.kind, i.title, substr(i.description, 1, ` + strconv.Itoa(content.MaxSummaryDescription+1) + `),
	i.difficulty, i.language, i.duration_ms, i.series_id, i.episode, i.media_ids, i.status,
	i.created_at, i.updated_at, i.published_at,
	(SELECT json_group_array(t.topic_slug ORDER BY t.position) FROM item_topics t WHERE t.item_id = i.id)`

func scanSummary(r scanner) (content.Summary, error) {
	var s content.Summary
	var kind, status, mediaIDs, topics, created, updated string
	var seriesID, published sql.NullString
	if err := r.Scan(&s.ID, &s.CreatorID, &kind, &s.Title, &s.Description, &s.Difficulty, &s.Language, &s.DurationMS,
		&seriesID, &s.Episode, &mediaIDs, &status, &created, &updated, &published, &topics); err != nil {
		return content.Summary{}, err
	}
	s.Kind, s.Status, s.Description = content.Kind(kind), content.Status(status), content.CutDescription(s.Description)
	if s.SeriesID = seriesID.String; s.SeriesID == "" {
		s.Episode = 0
	}
	if err := errors.Join(unmarshalList(&s.MediaIDs, mediaIDs), unmarshalList(&s.Topics, topics),
		parseInto(&s.CreatedAt, created), parseInto(&s.UpdatedAt, updated), parseNullInto(&s.PublishedAt, published)); err != nil {
		return content.Summary{}, fmt.Errorf("item %s: %w", s.ID, err)
	}
	return s, nil
}

// ListItems returns the summaries of items newest first (by ID) before q.BeforeID
// that match q. No Statuses means every status; with Statuses, OwnDraftsOf adds
// that user's drafts.
func (db *DB) ListItems(ctx context.Context, q content.ItemQuery) ([]content.Summary, error) {
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
	sqlText := `SELECT ` + summaryColumns + ` FROM items i`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY i.id DESC LIMIT ?`
	args = append(args, query.Limit(q.Limit))

	rows, err := db.reader.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	defer rows.Close()
	out := []content.Summary{}
	for rows.Next() {
		sm, err := scanSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("list items: %w", err)
		}
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
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
