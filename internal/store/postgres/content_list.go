package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// summaryColumns is the column list scanSummary reads; queries name items i. It
// never names body, transcript or quiz, and reads one character more of the
// description than a summary shows, so a list holds no long text in memory.
var summaryColumns = `i.id, i.creator_id, i.kind, i.title, substr(i.description, 1, ` + strconv.Itoa(content.MaxSummaryDescription+1) + `),
	i.difficulty, i.language, i.duration_ms, i.series_id, i.episode, i.media_ids, i.status,
	i.created_at, i.updated_at, i.published_at,
	ARRAY(SELECT t.topic_slug FROM item_topics t WHERE t.item_id = i.id ORDER BY t.position)`

// scanSummary reads summaryColumns, then any extra columns into extra.
func scanSummary(r pgx.Row, extra ...any) (content.Summary, error) {
	var s content.Summary
	var kind, status string
	var seriesID *string
	var mediaIDs []byte
	dest := []any{&s.ID, &s.CreatorID, &kind, &s.Title, &s.Description, &s.Difficulty, &s.Language, &s.DurationMS,
		&seriesID, &s.Episode, &mediaIDs, &status, &s.CreatedAt, &s.UpdatedAt, &s.PublishedAt, &s.Topics}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return content.Summary{}, err
	}
	s.Kind, s.Status, s.Description = content.Kind(kind), content.Status(status), content.CutDescription(s.Description)
	s.CreatedAt, s.UpdatedAt, s.PublishedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC(), utc(s.PublishedAt)
	if seriesID != nil {
		s.SeriesID = *seriesID
	} else {
		s.Episode = 0
	}
	if len(s.Topics) == 0 {
		s.Topics = nil
	}
	if err := json.Unmarshal(mediaIDs, &s.MediaIDs); err != nil {
		return content.Summary{}, fmt.Errorf("item %s: media ids: %w", s.ID, err)
	}
	if len(s.MediaIDs) == 0 {
		s.MediaIDs = nil
	}
	return s, nil
}

// ListItems returns the summaries of items newest first (by ID) before q.BeforeID
// that match q. No Statuses means every status; with Statuses, OwnDraftsOf adds
// that user's drafts. The WHERE clause holds only the filters in use, so the
// planner sees each query as it is.
func (db *DB) ListItems(ctx context.Context, q content.ItemQuery) ([]content.Summary, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.CreatorID != "" {
		where = append(where, `i.creator_id = `+arg(q.CreatorID))
	}
	if q.Topic != "" {
		where = append(where, `i.id IN (SELECT item_id FROM item_topics WHERE topic_slug = `+arg(q.Topic)+`)`)
	}
	if q.Kind != "" {
		where = append(where, `i.kind = `+arg(string(q.Kind)))
	}
	if q.SeriesID != "" {
		where = append(where, `i.series_id = `+arg(q.SeriesID))
	}
	if len(q.Statuses) > 0 {
		cond := `i.status = ANY(` + arg(statusStrings(q.Statuses)) + `)`
		if q.OwnDraftsOf != "" {
			cond = `(` + cond + ` OR (i.creator_id = ` + arg(q.OwnDraftsOf) + ` AND i.status = 'draft'))`
		}
		where = append(where, cond)
	}
	if q.BeforeID != "" {
		where = append(where, `i.id < `+arg(q.BeforeID))
	}
	sqlText := `SELECT ` + summaryColumns + ` FROM items i`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY i.id DESC LIMIT ` + arg(query.Limit(q.Limit))

	rows, err := db.pool.Query(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (content.Summary, error) { return scanSummary(r) })
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	if out == nil {
		out = []content.Summary{}
	}
	return out, nil
}

// ItemsByIDs returns the items that exist among ids, in no particular order. One
// array parameter carries them all, so there is no limit to chunk around.
func (db *DB) ItemsByIDs(ctx context.Context, ids []string) ([]content.Item, error) {
	return db.itemsByIDs(ctx, itemColumns, ids)
}

// ItemsWithoutText is ItemsByIDs without description, body and transcript.
func (db *DB) ItemsWithoutText(ctx context.Context, ids []string) ([]content.Item, error) {
	return db.itemsByIDs(ctx, briefColumns, ids)
}

func (db *DB) itemsByIDs(ctx context.Context, columns string, ids []string) ([]content.Item, error) {
	if len(ids) == 0 {
		return []content.Item{}, nil
	}
	out, err := db.queryItems(ctx, `SELECT `+columns+` FROM items i WHERE i.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("get %d items: %w", len(ids), err)
	}
	return out, nil
}

func (db *DB) queryItems(ctx context.Context, sqlText string, args ...any) ([]content.Item, error) {
	rows, err := db.pool.Query(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (content.Item, error) { return scanItem(r) })
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []content.Item{}
	}
	return out, nil
}

func statusStrings(statuses []content.Status) []string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = string(s)
	}
	return out
}
