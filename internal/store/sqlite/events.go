package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/lyolearn/lyo/internal/events"
)

var _ events.Store = (*DB)(nil)

// eventColumns are the columns of an event after user_id, in the order Ingest
// writes them and Events reads them.
const eventColumns = `client_id, type, item_id, at, received_at, session_id, watch_ms, position, answer, correct, question`

// Ingest stores the events not yet stored and applies fold(prior, fresh) in the
// same write transaction. The writer pool has one connection and takes the write
// lock at BEGIN, so one learner's batches apply one at a time, here or in another
// process: what is fresh, the tallies read, and the item totals moved cannot race
// with another Ingest. fold is not called when nothing is new.
//
// Each statement is prepared once per batch and run once per row. Measured on
// batches of 500, that costs a quarter less CPU than multi-row VALUES statements
// (whose thousands of placeholders take about a millisecond to parse each time)
// and 40% less than unpacking one JSON parameter with json_each.
func (db *DB) Ingest(ctx context.Context, userID string, evs []events.Event, fold events.FoldFunc) ([]bool, error) {
	first, err := events.FirstOfEach(userID, evs)
	if err != nil {
		return nil, fmt.Errorf("ingest events of %s: %w", userID, err)
	}
	isNew := make([]bool, len(evs))
	if len(first) == 0 {
		return isNew, nil
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("ingest events of %s: begin: %w", userID, err)
	}
	committed := false
	defer func() {
		// Also when fold panics: an open transaction would hold the only writer
		// connection, and every later write would wait for it.
		if !committed {
			tx.Rollback()
		}
	}()
	// The driver starts a goroutine to watch a cancellable context for every
	// statement, hundreds per batch. The statements here never wait for a lock
	// (BEGIN took it), and cancelling ctx still ends the transaction: database/sql
	// rolls it back and the next statement fails.
	sctx := context.WithoutCancel(ctx)
	fresh, err := freshEvents(sctx, tx, userID, evs, first, isNew)
	if err != nil {
		return nil, fmt.Errorf("ingest events of %s: %w", userID, err)
	}
	if len(fresh) > 0 {
		prior, err := readTallies(sctx, tx, userID, events.TallyKeys(fresh))
		if err != nil {
			return nil, fmt.Errorf("ingest events of %s: %w", userID, err)
		}
		d := fold(prior, fresh)
		if err := insertEvents(sctx, tx, userID, fresh, d.Uncounted); err != nil {
			return nil, fmt.Errorf("ingest events of %s: %w", userID, eventsErr(err))
		}
		if err := applyDeltas(sctx, tx, userID, d); err != nil {
			return nil, fmt.Errorf("ingest events of %s: %w", userID, eventsErr(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("ingest events of %s: commit: %w", userID, err)
	}
	committed = true
	return isNew, nil
}

// freshEvents returns evs[i] for i in idx whose client ID is not stored yet, in
// order, and marks them in isNew.
func freshEvents(ctx context.Context, tx *sql.Tx, userID string, evs []events.Event, idx []int, isNew []bool) ([]events.Event, error) {
	ids := make([]string, len(idx))
	for j, i := range idx {
		ids[j] = evs[i].ClientID
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("find stored events: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT client_id FROM events
		WHERE user_id = ? AND client_id IN (SELECT value FROM json_each(?))`, userID, string(list))
	if err != nil {
		return nil, fmt.Errorf("find stored events: %w", err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find stored events: %w", err)
		}
		stored[id] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("find stored events: %w", err)
	}
	var fresh []events.Event
	for _, i := range idx {
		if !stored[evs[i].ClientID] {
			isNew[i] = true
			e := evs[i]
			e.UserID = userID
			fresh = append(fresh, e)
		}
	}
	return fresh, nil
}

// readTallies returns the learner's stored tallies for keys (absent: zero), in
// one statement: json_each drives lookups by primary key, where a statement run
// once per key costs the driver's per-call work for each of hundreds of keys.
func readTallies(ctx context.Context, tx *sql.Tx, userID string, keys []events.TallyKey) (events.Tallies, error) {
	out := make(events.Tallies, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	triples := make([][3]string, len(keys))
	for i, k := range keys {
		triples[i] = [3]string{k.ItemID, k.Kind, k.Scope}
	}
	list, err := json.Marshal(triples)
	if err != nil {
		return nil, fmt.Errorf("read tallies: %w", err)
	}
	// CROSS JOIN keeps json_each the outer loop, so each key is one lookup.
	rows, err := tx.QueryContext(ctx, `SELECT t.item_id, t.kind, t.scope, t.counted
		FROM json_each(?2) AS k CROSS JOIN event_tallies AS t
		WHERE t.user_id = ?1 AND t.item_id = k.value ->> 0 AND t.kind = k.value ->> 1 AND t.scope = k.value ->> 2`,
		userID, string(list))
	if err != nil {
		return nil, fmt.Errorf("read tallies: %w", err)
	}
	for rows.Next() {
		var k events.TallyKey
		var n int64
		if err := rows.Scan(&k.ItemID, &k.Kind, &k.Scope, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read tallies: %w", err)
		}
		out[k] = n
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("read tallies: %w", err)
	}
	return out, nil
}

// insertEvents inserts fresh events, those named in uncounted marked so and
// without a grade.
func insertEvents(ctx context.Context, tx *sql.Tx, userID string, fresh []events.Event, uncounted map[string]bool) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO events (user_id, `+eventColumns+`, counted)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	defer st.Close()
	for _, e := range fresh {
		var correct any
		counted := !uncounted[e.ClientID]
		if e.Correct != nil && counted {
			correct = *e.Correct
		}
		if _, err := st.ExecContext(ctx, userID, e.ClientID, string(e.Type), e.ItemID, formatTime(e.At), formatTime(e.ReceivedAt),
			e.SessionID, e.WatchMS, e.Position, e.Answer, correct, e.Question, counted); err != nil {
			return fmt.Errorf("insert event %q: %w", e.ClientID, err)
		}
	}
	return nil
}

// applyDeltas adds what a batch's new events fold to. Likes and saves are set on
// the learner's rows first, so the item totals move only where the state changed.
func applyDeltas(ctx context.Context, tx *sql.Tx, userID string, d events.Deltas) error {
	if err := upsertUserItems(ctx, tx, userID, d.UserItems); err != nil {
		return err
	}
	counts := make(map[string]events.ItemCounts, len(d.Items))
	for id, c := range d.Items {
		c.Likes, c.Saves = 0, 0 // they follow from the learners' states alone
		counts[id] = c
	}
	if err := setFlags(ctx, tx, userID, d.UserItems, counts); err != nil {
		return err
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
	if err := addTallies(ctx, tx, userID, d.Tallies); err != nil {
		return err
	}
	return insertHidden(ctx, tx, userID, d.UserItems)
}

func addTallies(ctx context.Context, tx *sql.Tx, userID string, tallies events.Tallies) error {
	if len(tallies) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO event_tallies (user_id, item_id, kind, scope, counted) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, item_id, kind, scope) DO UPDATE SET counted = counted + excluded.counted`)
	if err != nil {
		return fmt.Errorf("add tallies: %w", err)
	}
	defer st.Close()
	for k, n := range tallies {
		if _, err := st.ExecContext(ctx, userID, k.ItemID, k.Kind, k.Scope, n); err != nil {
			return fmt.Errorf("add tally %v: %w", k, err)
		}
	}
	return nil
}

func upsertUserItems(ctx context.Context, tx *sql.Tx, userID string, deltas map[string]events.UserItemDelta) error {
	if len(deltas) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `
		INSERT INTO user_items (user_id, item_id, first_at, last_at, impressions, views, watch_ms, completed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, item_id) DO UPDATE SET
			first_at = min(first_at, excluded.first_at),
			last_at = max(last_at, excluded.last_at),
			impressions = impressions + excluded.impressions,
			views = views + excluded.views,
			watch_ms = watch_ms + excluded.watch_ms,
			completed = max(completed, excluded.completed)`)
	if err != nil {
		return fmt.Errorf("upsert user items: %w", err)
	}
	defer st.Close()
	for id, u := range deltas {
		if u.FirstAt.IsZero() || u.LastAt.IsZero() {
			return fmt.Errorf("user item delta for %s has no time range", id)
		}
		if _, err := st.ExecContext(ctx, userID, id, formatTime(u.FirstAt), formatTime(u.LastAt),
			u.Impressions, u.Views, u.WatchMS, u.Completed); err != nil {
			return fmt.Errorf("upsert user item %s: %w", id, err)
		}
	}
	return nil
}

// setFlags sets the liked and saved states the deltas carry on the learner's rows
// (upserted already) and moves counts' Likes and Saves by one where a state
// changed.
func setFlags(ctx context.Context, tx *sql.Tx, userID string, deltas map[string]events.UserItemDelta, counts map[string]events.ItemCounts) error {
	var liked, saved *sql.Stmt
	defer func() {
		for _, st := range []*sql.Stmt{liked, saved} {
			if st != nil {
				st.Close()
			}
		}
	}()
	set := func(st **sql.Stmt, column, id string, want bool) (moved int64, err error) {
		if *st == nil {
			if *st, err = tx.PrepareContext(ctx, `UPDATE user_items SET `+column+` = ?1
				WHERE user_id = ?2 AND item_id = ?3 AND `+column+` <> ?1`); err != nil {
				return 0, fmt.Errorf("set %s: %w", column, err)
			}
		}
		res, err := (*st).ExecContext(ctx, want, userID, id)
		if err != nil {
			return 0, fmt.Errorf("set %s of %s: %w", column, id, err)
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return 0, err
		}
		if want {
			return 1, nil
		}
		return -1, nil
	}
	for id, u := range deltas {
		if u.Liked == nil && u.Saved == nil {
			continue
		}
		c := counts[id]
		if u.Liked != nil {
			n, err := set(&liked, "liked", id, *u.Liked)
			if err != nil {
				return err
			}
			c.Likes += n
		}
		if u.Saved != nil {
			n, err := set(&saved, "saved", id, *u.Saved)
			if err != nil {
				return err
			}
			c.Saves += n
		}
		counts[id] = c
	}
	return nil
}

func upsertItemStats(ctx context.Context, tx *sql.Tx, counts map[string]events.ItemCounts) error {
	if len(counts) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `
		INSERT INTO item_stats (item_id, `+statColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
			watch_ms = watch_ms + excluded.watch_ms`)
	if err != nil {
		return fmt.Errorf("upsert item stats: %w", err)
	}
	defer st.Close()
	for id, c := range counts {
		if _, err := st.ExecContext(ctx, id, c.Impressions, c.Views, c.Completions, c.Likes, c.Saves, c.Shares, c.Skips,
			c.Hides, c.QuizAnswers, c.QuizCorrect, c.WatchMS); err != nil {
			return fmt.Errorf("upsert item stats of %s: %w", id, err)
		}
	}
	return nil
}

func upsertAffinities(ctx context.Context, tx *sql.Tx, userID, kind string, scores map[string]float64) error {
	if len(scores) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO user_affinities (user_id, kind, key, score) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, kind, key) DO UPDATE SET score = score + excluded.score`)
	if err != nil {
		return fmt.Errorf("upsert %s affinities: %w", kind, err)
	}
	defer st.Close()
	for key, score := range scores {
		if _, err := st.ExecContext(ctx, userID, kind, key, score); err != nil {
			return fmt.Errorf("upsert %s affinity %q: %w", kind, key, err)
		}
	}
	return nil
}

// insertHidden adds hidden items; an item hidden already keeps its first time, and
// one deleted since its events were validated is skipped (hidden_items refers to
// items).
func insertHidden(ctx context.Context, tx *sql.Tx, userID string, deltas map[string]events.UserItemDelta) error {
	var st *sql.Stmt
	for id, u := range deltas {
		if u.HiddenAt == nil {
			continue
		}
		if st == nil {
			var err error
			if st, err = tx.PrepareContext(ctx, `INSERT INTO hidden_items (user_id, item_id, hidden_at)
				SELECT ?1, id, ?3 FROM items WHERE id = ?2
				ON CONFLICT (user_id, item_id) DO NOTHING`); err != nil {
				return fmt.Errorf("hide items: %w", err)
			}
			defer st.Close()
		}
		if _, err := st.ExecContext(ctx, userID, id, formatTime(*u.HiddenAt)); err != nil {
			return fmt.Errorf("hide item %s: %w", id, err)
		}
	}
	return nil
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
