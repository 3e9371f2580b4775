package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// searchSQL ranks the matches, takes one page, and only then makes snippets, which
// tokenise whole columns and would be wasted on rows outside the page. bm25 is
// lower for better matches; its weights follow the columns: title, description,
// body, transcript. The status test repeats what the index already holds (only
// published items) in case it was ever rebuilt from every row.
var searchSQL = `
WITH page AS (
    SELECT items_fts.rowid AS seq, bm25(items_fts, 10.0, 4.0, 2.0, 1.0) AS score
    FROM items_fts JOIN items i ON i.seq = items_fts.rowid
    WHERE items_fts MATCH ?1 AND i.status = 'published'
    ORDER BY score, i.id DESC
    LIMIT ?2 OFFSET ?3
)
SELECT ` + summaryColumns + `, -page.score, snippet(items_fts, -1, '«', '»', '…', 24)
FROM page
JOIN items_fts ON items_fts.rowid = page.seq
JOIN items i ON i.seq = page.seq
WHERE items_fts MATCH ?1
ORDER BY page.score, i.id DESC`

// Search ranks published items by the terms over title, description, body and
// transcript. Every word must match; the last one may be the start of a word, so
// results follow a query as it is typed. Accents and case do not matter.
func (db *DB) Search(ctx context.Context, q content.SearchQuery) ([]content.SearchHit, error) {
	match := ftsQuery(q.Terms, q.Any)
	if match == "" {
		return []content.SearchHit{}, nil
	}
	rows, err := db.reader.QueryContext(ctx, searchSQL, match, query.Limit(q.Limit), max(q.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	out := []content.SearchHit{}
	for rows.Next() {
		var h content.SearchHit
		it, err := scanSummary(rowWith{rows, []any{&h.Rank, &h.Snippet}})
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		h.Item = it
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// ftsQuery makes an FTS5 query of words: each a string, so nothing in it is syntax
// (a double quote inside is doubled), joined by spaces, which FTS5 reads as AND,
// and the last word matches as a prefix; or, for any, joined by OR, each a whole
// word. "" for no words.
func ftsQuery(words []string, any bool) string {
	if len(words) == 0 {
		return ""
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	if any {
		return strings.Join(quoted, " OR ")
	}
	return strings.Join(quoted, " ") + "*"
}

// rowWith scans a row whose leading columns scanSummary reads, followed by extra
// columns into extra.
type rowWith struct {
	r     scanner
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.r.Scan(append(dest, r.extra...)...) }
