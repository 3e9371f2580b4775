package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lyolearn/lyo/internal/events"
)

var _ events.Store = (*DB)(nil)

// readCommitted is the isolation every events transaction asks for, whatever the
// server's default: its safety rests on row locks and additive updates, and it
// must not fail with serialisation errors under load.
var readCommitted = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}

// Multi-row statements take one array per column and unnest them, so each has one
// text whatever the batch size, and pgx prepares it once per connection.
const insertEventsSQL = `
	INSERT INTO events (user_id, client_id, type, item_id, at, received_at, session_id, watch_ms, position, answer, correct, question, counted)
	SELECT $1::text, c, t, i, a, r, s, w, p, ans, ok, q, k
	FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::bigint[],
		$9::integer[], $10::text[], $11::boolean[], $12::text[], $13::boolean[]) WITH ORDINALITY AS e (c, t, i, a, r, s, w, p, ans, ok, q, k, n)
	ORDER BY n
	ON CONFLICT (user_id, client_id) DO NOTHING`

// Ingest stores the events not yet stored and applies fold(prior, fresh) in the
// same transaction, at READ COMMITTED. It first locks the learner's row, so one
// learner's batches apply one at a time on any node: what is fresh, the tallies
// read, and the log order cannot race. Nodes may still ingest for different
// learners and the same items at once: counters move by increments, and a like
// or save moves an item total only if an UPDATE … WHERE state <> wanted changed
// the learner's row. Rows are locked in one order (the learner, their item rows,
// then item rows in item order) so concurrent batches cannot deadlock. fold is
// not called when nothing is new.
//
// Between BEGIN and COMMIT it takes two round trips: one that locks and reads
// (readLocked), one that writes the events and every delta.
func (db *DB) Ingest(ctx context.Context, userID string, evs []events.Event, fold events.FoldFunc) ([]bool, error) {
	first, err := events.FirstOfEach(userID, evs)
	if err != nil {
		return nil, fmt.Errorf("ingest events of %s: %w", userID, err)
	}
	isNew := make([]bool, len(evs))
	if len(first) == 0 {
		return isNew, nil
	}
	err = pgx.BeginTxFunc(ctx, db.pool, readCommitted, func(tx pgx.Tx) error {
		candidates := make([]events.Event, len(first))
		for j, i := range first {
			candidates[j] = evs[i]
		}
		stored, tallies, err := readLocked(ctx, tx, userID, candidates)
		if err != nil {
			return err
		}
		var fresh []events.Event
		for _, i := range first {
			if !stored[evs[i].ClientID] {
				isNew[i] = true
				e := evs[i]
				e.UserID = userID
				fresh = append(fresh, e)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		// fold is given the tallies of the fresh events' keys only, as if they
		// alone had been read.
		prior := make(events.Tallies)
		for _, k := range events.TallyKeys(fresh) {
			if n, ok := tallies[k]; ok {
				prior[k] = n
			}
		}
		d := fold(prior, fresh)
		b := &pgx.Batch{}
		queueEvents(b, userID, fresh, d.Uncounted)
		return applyDeltas(ctx, tx, b, userID, d)
	})
	if err != nil {
		return nil, fmt.Errorf("ingest events of %s: %w", userID, eventsErr(err))
	}
	return isNew, nil
}

// readLocked takes the learner's row lock for the transaction (FOR NO KEY
// UPDATE: foreign keys to the row still take theirs), then reads which of evs
// are stored already and the learner's stored tallies for every key evs count
// against (absent: zero), in one round trip. ErrNotFound when the learner is
// gone. The reads see what the batches before the lock committed: at READ
// COMMITTED each statement takes its snapshot when it starts, and the server
// starts the reads only once the lock is granted.
func readLocked(ctx context.Context, tx pgx.Tx, userID string, evs []events.Event) (map[string]bool, events.Tallies, error) {
	ids := make([]string, len(evs))
	for j, e := range evs {
		ids[j] = e.ClientID
	}
	keys := events.TallyKeys(evs)
	items, kinds, scopes := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		items[i], kinds[i], scopes[i] = k.ItemID, k.Kind, k.Scope
	}

	b := &pgx.Batch{}
	var locked bool
	b.Queue(`SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, userID).Query(func(rows pgx.Rows) error {
		locked = rows.Next()
		rows.Close()
		return rows.Err()
	})
	stored := make(map[string]bool, len(ids))
	b.Queue(`SELECT client_id FROM events WHERE user_id = $1 AND client_id = ANY($2)`, userID, ids).Query(func(rows pgx.Rows) error {
		var id string
		_, err := pgx.ForEachRow(rows, []any{&id}, func() error {
			stored[id] = true
			return nil
		})
		return err
	})
	tallies := make(events.Tallies, len(keys))
	if len(keys) > 0 {
		b.Queue(`SELECT t.item_id, t.kind, t.scope, t.counted
			FROM event_tallies t JOIN unnest($2::text[], $3::text[], $4::text[]) AS k (item_id, kind, scope)
				ON t.item_id = k.item_id AND t.kind = k.kind AND t.scope = k.scope
			WHERE t.user_id = $1`, userID, items, kinds, scopes).Query(func(rows pgx.Rows) error {
			var k events.TallyKey
			var n int64
			_, err := pgx.ForEachRow(rows, []any{&k.ItemID, &k.Kind, &k.Scope, &n}, func() error {
				tallies[k] = n
				return nil
			})
			return err
		})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, fmt.Errorf("lock learner and read stored events and tallies: %w", err)
	}
	if !locked {
		return nil, nil, fmt.Errorf("lock learner: %w", events.ErrNotFound)
	}
	return stored, tallies, nil
}

// queueEvents queues the insert of fresh events, those named in uncounted
// marked so and without a grade. Every one must be new: the learner's lock is
// held since they were found fresh.
func queueEvents(b *pgx.Batch, userID string, fresh []events.Event, uncounted map[string]bool) {
	n := len(fresh)
	clientIDs, types, itemIDs, sessions, answers, questions := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	ats, received := make([]time.Time, n), make([]time.Time, n)
	watch, positions, correct, counted := make([]int64, n), make([]int32, n), make([]*bool, n), make([]bool, n)
	for j := range fresh {
		e := &fresh[j]
		clientIDs[j], types[j], itemIDs[j], sessions[j], answers[j] = e.ClientID, string(e.Type), e.ItemID, e.SessionID, e.Answer
		ats[j], received[j] = e.At.UTC(), e.ReceivedAt.UTC()
		watch[j], positions[j], questions[j] = e.WatchMS, int32(e.Position), e.Question
		if counted[j] = !uncounted[e.ClientID]; counted[j] {
			correct[j] = e.Correct
		}
	}
	b.Queue(insertEventsSQL, userID, clientIDs, types, itemIDs, ats, received, sessions,
		watch, positions, answers, correct, questions, counted).Exec(func(tag pgconn.CommandTag) error {
		if tag.RowsAffected() != int64(n) {
			return fmt.Errorf("insert events: %d of %d stored meanwhile", int64(n)-tag.RowsAffected(), n)
		}
		return nil
	})
}

// applyDeltas sends b (the batch's events, queued already) and every statement
// of the batch's deltas in one round trip. The order matters: learner rows are
// upserted (and so locked) first, then item rows, then likes and saves move
// both; see Ingest.
func applyDeltas(ctx context.Context, tx pgx.Tx, b *pgx.Batch, userID string, d events.Deltas) error {
	ids := slices.Sorted(maps.Keys(d.UserItems))
	if err := queueUserItems(b, userID, ids, d.UserItems); err != nil {
		return err
	}

	// Every item whose like or save may move gets an item_stats row here, so the
	// moves below find it, already locked in item order.
	counts := make(map[string]events.ItemCounts, len(d.Items))
	maps.Copy(counts, d.Items)
	var likedIDs, savedIDs, hiddenIDs []string
	var liked, saved []bool
	var hiddenAt []time.Time
	for _, id := range ids {
		u := d.UserItems[id]
		if u.Liked != nil {
			likedIDs, liked = append(likedIDs, id), append(liked, *u.Liked)
			counts[id] = counts[id]
		}
		if u.Saved != nil {
			savedIDs, saved = append(savedIDs, id), append(saved, *u.Saved)
			counts[id] = counts[id]
		}
		if u.HiddenAt != nil {
			hiddenIDs, hiddenAt = append(hiddenIDs, id), append(hiddenAt, u.HiddenAt.UTC())
		}
	}
	queueItemStats(b, counts)
	if len(likedIDs) > 0 {
		b.Queue(moveFlagSQL("liked", "likes"), userID, likedIDs, liked)
	}
	if len(savedIDs) > 0 {
		b.Queue(moveFlagSQL("saved", "saves"), userID, savedIDs, saved)
	}
	queueAffinities(b, userID, "topic", d.Topics)
	queueAffinities(b, userID, "creator", d.Creators)
	queueTallies(b, userID, d.Tallies)
	if len(hiddenIDs) > 0 {
		// hidden_items refers to items: one deleted since its events were
		// validated is skipped.
		b.Queue(`INSERT INTO hidden_items (user_id, item_id, hidden_at)
			SELECT $1::text, v.item_id, v.hidden_at
			FROM unnest($2::text[], $3::timestamptz[]) AS v (item_id, hidden_at) JOIN items i ON i.id = v.item_id
			ON CONFLICT (user_id, item_id) DO NOTHING`, userID, hiddenIDs, hiddenAt)
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("apply deltas: %w", err)
	}
	return nil
}

func queueUserItems(b *pgx.Batch, userID string, ids []string, deltas map[string]events.UserItemDelta) error {
	if len(ids) == 0 {
		return nil
	}
	n := len(ids)
	firstAt, lastAt := make([]time.Time, n), make([]time.Time, n)
	impressions, views, watch := make([]int64, n), make([]int64, n), make([]int64, n)
	completed := make([]bool, n)
	for i, id := range ids {
		u := deltas[id]
		if u.FirstAt.IsZero() || u.LastAt.IsZero() {
			return fmt.Errorf("user item delta for %s has no time range", id)
		}
		firstAt[i], lastAt[i] = u.FirstAt.UTC(), u.LastAt.UTC()
		impressions[i], views[i], watch[i], completed[i] = u.Impressions, u.Views, u.WatchMS, u.Completed
	}
	b.Queue(`
		INSERT INTO user_items (user_id, item_id, first_at, last_at, impressions, views, watch_ms, completed)
		SELECT $1::text, * FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[], $6::bigint[],
			$7::bigint[], $8::boolean[])
		ON CONFLICT (user_id, item_id) DO UPDATE SET
			first_at = least(user_items.first_at, excluded.first_at),
			last_at = greatest(user_items.last_at, excluded.last_at),
			impressions = user_items.impressions + excluded.impressions,
			views = user_items.views + excluded.views,
			watch_ms = user_items.watch_ms + excluded.watch_ms,
			completed = user_items.completed OR excluded.completed`,
		userID, ids, firstAt, lastAt, impressions, views, watch, completed)
	return nil
}

// queueItemStats adds counts to the item totals, Likes and Saves excepted: those
// move with the learners' states alone.
func queueItemStats(b *pgx.Batch, counts map[string]events.ItemCounts) {
	if len(counts) == 0 {
		return
	}
	ids := slices.Sorted(maps.Keys(counts))
	cols := make([][]int64, 9)
	for k := range cols {
		cols[k] = make([]int64, len(ids))
	}
	for i, id := range ids {
		c := counts[id]
		for k, v := range []int64{c.Impressions, c.Views, c.Completions, c.Shares, c.Skips, c.Hides, c.QuizAnswers, c.QuizCorrect, c.WatchMS} {
			cols[k][i] = v
		}
	}
	b.Queue(`
		INSERT INTO item_stats (item_id, impressions, views, completions, shares, skips, hides, quiz_answers, quiz_correct, watch_ms)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
			$7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
		ON CONFLICT (item_id) DO UPDATE SET
			impressions = item_stats.impressions + excluded.impressions,
			views = item_stats.views + excluded.views,
			completions = item_stats.completions + excluded.completions,
			shares = item_stats.shares + excluded.shares,
			skips = item_stats.skips + excluded.skips,
			hides = item_stats.hides + excluded.hides,
			quiz_answers = item_stats.quiz_answers + excluded.quiz_answers,
			quiz_correct = item_stats.quiz_correct + excluded.quiz_correct,
			watch_ms = item_stats.watch_ms + excluded.watch_ms`,
		ids, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8])
}

// moveFlagSQL sets a learner's state column for the given items and moves the
// item total by one for each row it changed. The row is already locked by this
// transaction, so the UPDATE sees the latest committed state: of two nodes
// liking the same item for the same learner, only one changes the row.
func moveFlagSQL(state, total string) string {
	return `
		WITH moved AS (
			UPDATE user_items u SET ` + state + ` = v.state
			FROM unnest($2::text[], $3::boolean[]) AS v (item_id, state)
			WHERE u.user_id = $1 AND u.item_id = v.item_id AND u.` + state + ` <> v.state
			RETURNING u.item_id, u.` + state + ` AS state
		)
		UPDATE item_stats s SET ` + total + ` = s.` + total + ` + CASE WHEN moved.state THEN 1 ELSE -1 END
		FROM moved WHERE s.item_id = moved.item_id`
}

func queueAffinities(b *pgx.Batch, userID, kind string, scores map[string]float64) {
	if len(scores) == 0 {
		return
	}
	keys := slices.Sorted(maps.Keys(scores))
	vals := make([]float64, len(keys))
	for i, k := range keys {
		vals[i] = scores[k]
	}
	b.Queue(`
		INSERT INTO user_affinities (user_id, kind, key, score)
		SELECT $1::text, $2::text, * FROM unnest($3::text[], $4::float8[])
		ON CONFLICT (user_id, kind, key) DO UPDATE SET score = user_affinities.score + excluded.score`,
		userID, kind, keys, vals)
}

func queueTallies(b *pgx.Batch, userID string, tallies events.Tallies) {
	if len(tallies) == 0 {
		return
	}
	keys := slices.SortedFunc(maps.Keys(tallies), func(a, b events.TallyKey) int {
		return cmp.Or(strings.Compare(a.ItemID, b.ItemID), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Scope, b.Scope))
	})
	items, kinds, scopes, counts := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		items[i], kinds[i], scopes[i], counts[i] = k.ItemID, k.Kind, k.Scope, tallies[k]
	}
	b.Queue(`
		INSERT INTO event_tallies (user_id, item_id, kind, scope, counted)
		SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])
		ON CONFLICT (user_id, item_id, kind, scope) DO UPDATE SET counted = event_tallies.counted + excluded.counted`,
		userID, items, kinds, scopes, counts)
}

// eventsErr maps a foreign key violation (the learner is gone) to
// events.ErrNotFound and returns any other error as it is.
func eventsErr(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return fmt.Errorf("%w: %w", events.ErrNotFound, err)
	}
	return err
}
