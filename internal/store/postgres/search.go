package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// searchSQL ranks the matches, takes one page, and only then makes headlines, which
// parse whole documents and would be wasted on rows outside the page. The tsquery
// is written out at each use rather than bound once in a CTE: the planner can only
// match the GIN index against an expression it can see. ts_rank_cd weighs title (A)
// 1.0, description (B) 0.4, body (C) 0.2 and transcript (D) 0.1. The status test
// lets the planner use the partial index of published items.
var searchSQL = `
WITH page AS (
    SELECT i.id, ts_rank_cd(i.search, to_tsquery('lyo_search', $1))::float8 AS rank
    FROM items i
    WHERE i.search @@ to_tsquery('lyo_search', $1) AND i.status = 'published'
    ORDER BY rank DESC, i.id DESC
    LIMIT $2 OFFSET $3
)
SELECT ` + summaryColumns + `, page.rank,
    ts_headline('lyo_search', concat_ws(E'\n', i.title, i.description, i.body, i.transcript),
        to_tsquery('lyo_search', $1),
        'StartSel=«, StopSel=», MaxFragments=2, MaxWords=16, MinWords=6, FragmentDelimiter=" … "')
FROM page JOIN items i ON i.id = page.id
ORDER BY page.rank DESC, i.id DESC`

// Search ranks published items by the terms over title, description, body and
// transcript. Every word must match; the last one may be the start of a word, so
// results follow a query as it is typed. Accents and case do not matter.
func (db *DB) Search(ctx context.Context, q content.SearchQuery) ([]content.SearchHit, error) {
	tsq := tsQuery(q.Terms, q.Any)
	if tsq == "" {
		return []content.SearchHit{}, nil
	}
	rows, err := db.pool.Query(ctx, searchSQL, tsq, query.Limit(q.Limit), max(q.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (content.SearchHit, error) {
		var h content.SearchHit
		it, err := scanSummary(r, &h.Rank, &h.Snippet)
		h.Item = it
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if out == nil {
		out = []content.SearchHit{}
	}
	return out, nil
}

var lexemeEscaper = strings.NewReplacer(`\`, `\\`, `'`, `''`)

// tsQuery makes the text of a tsquery of words: each a quoted lexeme, so nothing in
// it is syntax, joined by & (AND), and the last word matches as a prefix (:*); or,
// for any, joined by | (OR), each a whole word. It is passed to to_tsquery as a
// parameter, never spliced into SQL. "" for no words.
func tsQuery(words []string, any bool) string {
	if len(words) == 0 {
		return ""
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `'` + lexemeEscaper.Replace(w) + `'`
	}
	if any {
		return strings.Join(quoted, " | ")
	}
	return strings.Join(quoted, " & ") + ":*"
}
