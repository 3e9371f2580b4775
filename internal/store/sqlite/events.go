package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/lyolearn/lyo/internal/events"
)

var _ events.Store = (*DB)(nil)

// maxRows bounds the rows of one multi-row statement: at 12 variables a row it
// stays far below SQLite's 32766, and the statement stays quick to prepare.
const maxRows = 500

// eventColumns are the columns of an event after user_id, in the order Ingest
// writes them and scanEvent reads them.
const eventColumns = `client_id, type, item_id, at, received_at, session_id, watch_ms, position, answer, correct`

// Ingest inserts the events not yet stored and applies fold(fresh) in the same
// write transaction. The writer pool has one connection and takes the write lock
// at BEGIN, so reading stored like and save states and then moving the item
// totals cannot race with another Ingest, here or in another process. fold is
// not called when nothing is new.
func (db *DB) Ingest(ctx context.Context, userID string, evs []events.Event, fold func(fresh []events.Event) events.Deltas) (isNew []bool, err error) {
	first, err := firstOfEach(userID, evs)
	if err != nil {
		return nil, fmt.Errorf("ingest events of %s: %w", userID, err)
	}
	isNew = make([]bool, len(evs))
	if len(first) == 0 {
		return isNew, nil
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("ingest events of %s: begin: %w", userID, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	inserted := make(map[string]bool, len(first))
	for chunk := range slices.Chunk(first, maxRows) {
		if err := insertEvents(ctx, tx, userID, evs, chunk, inserted); err != nil {
			return nil, fmt.Errorf("ingest events of %s: %w", userID, eventsErr(err))
		}
	}
	fresh := make([]events.Event, 0, len(inserted))
	for _, i := range first {
		if inserted[evs[i].ClientID] {
			isNew[i] = true
			e := evs[i]
			e.UserID = userID
			fresh = append(fresh, e)
		}
	}
	if len(fresh) > 0 {
		if err := applyDeltas(ctx, tx, userID, fold(fresh)); err != nil {
			return nil, fmt.Errorf("ingest events of %s: %w", userID, eventsErr(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("ingest events of %s: commit: %w", userID, err)
	}
	return isNew, nil
}

// firstOfEach returns the indexes of the first event of each client ID: a client
// ID repeated within one batch is one event.
func firstOfEach(userID string, evs []events.Event) ([]int, error) {
	seen := make(map[string]bool, len(evs))
	first := make([]int, 0, len(evs))
	for i, e := range evs {
		if e.UserID != "" && e.UserID != userID {
			return nil, fmt.Errorf("event %q belongs to %s", e.ClientID, e.UserID)
		}
		if !seen[e.ClientID] {
			seen[e.ClientID] = true
			first = append(first, i)
		}
	}
	return first, nil
}

// insertEvents inserts evs[i] for i in idx and adds the client IDs that were new
// to inserted.
func insertEvents(ctx context.Context, tx *sql.Tx, userID string, evs []events.Event, idx []int, inserted map[string]bool) error {
	args := make([]any, 0, len(idx)*11)
	for _, i := range idx {
		e := &evs[i]
		var correct any
		if e.Correct != nil {
			correct = *e.Correct
		}
		args = append(args, userID, e.ClientID, string(e.Type), e.ItemID, formatTime(e.At), formatTime(e.ReceivedAt),
			e.SessionID, e.WatchMS, e.Position, e.Answer, correct)
	}
	rows, err := tx.QueryContext(ctx, `INSERT INTO events (user_id, `+eventColumns+`) VALUES `+valueRows(len(idx), 11)+`
		ON CONFLICT (user_id, client_id) DO NOTHING RETURNING client_id`, args...)
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		inserted[id] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	return nil
}

// applyDeltas adds what a batch's new events fold to. Likes and saves are set on
// the learner's rows first, so the item totals move only where the state changed.
func applyDeltas(ctx context.Context, tx *sql.Tx, userID string, d events.Deltas) error {
	if err := upsertUserItems(ctx, tx, userID, d.UserItems); err != nil {
		return err
	}
	liked, saved := map[string]bool{}, map[string]bool{}
	for id, u := range d.UserItems {
		if u.Liked != nil {
			liked[id] = *u.Liked
		}
		if u.Saved != nil {
			saved[id] = *u.Saved
		}
	}
	likes, err := setFlags(ctx, tx, userID, "liked", liked)
	if err != nil {
		return err
	}
	saves, err := setFlags(ctx, tx, userID, "saved", saved)
	if err != nil {
		return err
	}
	counts := make(map[string]events.ItemCounts, len(d.Items))
	for id, c := range d.Items {
		c.Likes, c.Saves = 0, 0 // they follow from the learners' states alone
		counts[id] = c
	}
	for id, n := range likes {
		c := counts[id]
		c.Likes = n
		counts[id] = c
	}
	for id, n := range saves {
		c := counts[id]
		c.Saves = n
		counts[id] = c
	}
	if err := upsertItemStats(ctx, tx, counts); err != nil {
		return err
	}
	if err := upsertAffinities(ctx, tx, userID, "topic", d.Topics); err != nil {
		return err
	}
	if err := upsertAffinities(ctx, tx, userID, "creator", d.Creators); err != nil {
		return err
	}
	return insertHidden(ctx, tx, userID, d.UserItems)
}

func upsertUserItems(ctx context.Context, tx *sql.Tx, userID string, deltas map[string]events.UserItemDelta) error {
	for ids := range slices.Chunk(slices.Sorted(maps.Keys(deltas)), maxRows) {
		args := make([]any, 0, len(ids)*8)
		for _, id := range ids {
			u := deltas[id]
			if u.FirstAt.IsZero() || u.LastAt.IsZero() {
				return fmt.Errorf("user item delta for %s has no time range", id)
			}
			args = append(args, userID, id, formatTime(u.FirstAt), formatTime(u.LastAt), u.Impressions, u.Views, u.WatchMS, u.Completed)
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO user_items (user_id, item_id, first_at, last_at, impressions, views, watch_ms, completed)
			VALUES `+valueRows(len(ids), 8)+`
			ON CONFLICT (user_id, item_id) DO UPDATE SET
				first_at = min(first_at, excluded.first_at),
				last_at = max(last_at, excluded.last_at),
				impressions = impressions + excluded.impressions,
				views = views + excluded.views,
				watch_ms = watch_ms + excluded.watch_ms,
				completed = max(completed, excluded.completed)`, args...)
		if err != nil {
			return fmt.Errorf("upsert user items: %w", err)
		}
	}
	return nil
}

// setFlags sets column ("liked" or "saved") of the learner's items to the wanted
// states and returns, per item whose state changed, +1 or −1 for the item total.
func setFlags(ctx context.Context, tx *sql.Tx, userID, column string, want map[string]bool) (map[string]int64, error) {
	moved := make(map[string]int64)
	for ids := range slices.Chunk(slices.Sorted(maps.Keys(want)), maxRows) {
		args := make([]any, 0, len(ids)*2+1)
		for _, id := range ids {
			args = append(args, id, want[id])
		}
		args = append(args, userID)
		rows, err := tx.QueryContext(ctx, `
			UPDATE user_items SET `+column+` = v.column2
			FROM (VALUES `+valueRows(len(ids), 2)+`) AS v
			WHERE user_items.user_id = ? AND user_items.item_id = v.column1 AND user_items.`+column+` <> v.column2
			RETURNING item_id, `+column, args...)
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", column, err)
		}
		for rows.Next() {
			var id string
			var now bool
			if err := rows.Scan(&id, &now); err != nil {
				rows.Close()
				return nil, fmt.Errorf("set %s: %w", column, err)
			}
			moved[id] = -1
			if now {
				moved[id] = 1
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("set %s: %w", column, err)
		}
	}
	return moved, nil
}

func upsertItemStats(ctx context.Context, tx *sql.Tx, counts map[string]events.ItemCounts) error {
	for ids := range slices.Chunk(slices.Sorted(maps.Keys(counts)), maxRows) {
		args := make([]any, 0, len(ids)*12)
		for _, id := range ids {
			c := counts[id]
			args = append(args, id, c.Impressions, c.Views, c.Completions, c.Likes, c.Saves, c.Shares, c.Skips, c.Hides,
				c.QuizAnswers, c.QuizCorrect, c.WatchMS)
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO item_stats (item_id, `+statColumns+`) VALUES `+valueRows(len(ids), 12)+`
			ON CONFLICT (item_id) DO UPDATE SET
				impressions = impressions + excluded.impressions,
				views = views + excluded.views,
				completions = completions + excluded.completions,
				likes = likes + excluded.likes,
				saves = saves + excluded.saves,
				shares = shares + excluded.shares,
				skips = skips + excluded.skips,
				hides = hides + excluded.hides,
				quiz_answers = quiz_answers + excluded.quiz_answers,
				quiz_correct = quiz_correct + excluded.quiz_correct,
				watch_ms = watch_ms + excluded.watch_ms`, args...)
		if err != nil {
			return fmt.Errorf("upsert item stats: %w", err)
		}
	}
	return nil
}

func upsertAffinities(ctx context.Context, tx *sql.Tx, userID, kind string, scores map[string]float64) error {
	for keys := range slices.Chunk(slices.Sorted(maps.Keys(scores)), maxRows) {
		args := make([]any, 0, 2+len(keys)*2)
		args = append(args, userID, kind)
		for _, k := range keys {
			args = append(args, k, scores[k])
		}
		var rows strings.Builder
		for i := range keys {
			if i > 0 {
				rows.WriteString(", ")
			}
			rows.WriteString("(?1, ?2, ?, ?)")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO user_affinities (user_id, kind, key, score) VALUES `+rows.String()+`
			ON CONFLICT (user_id, kind, key) DO UPDATE SET score = score + excluded.score`, args...)
		if err != nil {
			return fmt.Errorf("upsert %s affinities: %w", kind, err)
		}
	}
	return nil
}

// insertHidden adds hidden items; an item hidden already keeps its first time, and
// one deleted since its events were validated is skipped (hidden_items refers to
// items).
func insertHidden(ctx context.Context, tx *sql.Tx, userID string, deltas map[string]events.UserItemDelta) error {
	var args []any
	for _, id := range slices.Sorted(maps.Keys(deltas)) {
		if at := deltas[id].HiddenAt; at != nil {
			args = append(args, id, formatTime(*at))
		}
	}
	for chunk := range slices.Chunk(args, maxRows*2) {
		// "WHERE true" tells SQLite's parser that ON CONFLICT is not a join constraint.
		_, err := tx.ExecContext(ctx, `INSERT INTO hidden_items (user_id, item_id, hidden_at)
			SELECT ?, v.column1, v.column2 FROM (VALUES `+valueRows(len(chunk)/2, 2)+`) AS v
			JOIN items ON items.id = v.column1 WHERE true
			ON CONFLICT (user_id, item_id) DO NOTHING`, append([]any{userID}, chunk...)...)
		if err != nil {
			return fmt.Errorf("hide items: %w", err)
		}
	}
	return nil
}

// valueRows returns n rows of cols placeholders: "(?, ?), (?, ?)".
func valueRows(n, cols int) string {
	row := "(" + strings.Repeat("?, ", cols-1) + "?)"
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// eventsErr maps a foreign key violation (the learner is gone) to
// events.ErrNotFound and returns any other error as it is.
func eventsErr(err error) error {
	var se *modernc.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return fmt.Errorf("%w: %w", events.ErrNotFound, err)
	}
	return err
}
