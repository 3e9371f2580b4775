package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/feed"
)

// The statements of a learner's record, prepared once: the record is read on
// every feed request whose learner is not cached.
const (
	learnerAccountSQL = `SELECT u.birth_year, u.break_reminder_minutes, u.daily_limit_minutes, u.timezone,
		coalesce(r.reset_at, ''), coalesce(r.after_seq, 0)
		FROM users u LEFT JOIN feed_resets r ON r.user_id = u.id WHERE u.id = ?`
	learnerRecentSQL = `SELECT item_id, type, at, watch_ms, coalesce(correct, 0) FROM events
		WHERE user_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?`
	learnerItemsSQL = `SELECT item_id, last_at, completed, liked, saved FROM user_items WHERE user_id = ?`
	// The short lists in one statement, tagged.
	learnerListsSQL = `SELECT 'f', creator_id FROM follows WHERE user_id = ?1
		UNION ALL SELECT 'b', creator_id FROM blocks WHERE user_id = ?1
		UNION ALL SELECT 'h', item_id FROM hidden_items WHERE user_id = ?1
		UNION ALL SELECT pref, topic FROM feed_topic_prefs WHERE user_id = ?1`
	learnerAffinitySQL = `SELECT a.kind, a.key, a.score - coalesce(b.score, 0) FROM user_affinities a
		LEFT JOIN feed_affinity_baselines b ON b.user_id = a.user_id AND b.kind = a.kind AND b.key = a.key
		WHERE a.user_id = ?`
)

// LearnerRecord reads a learner's state in five prepared statements inside one
// read transaction, so the parts agree with each other.
func (db *DB) LearnerRecord(ctx context.Context, userID string, recent int) (rec feed.LearnerRecord, err error) {
	wrap := func(err error) error { return fmt.Errorf("learner record of %s: %w", userID, err) }
	stmts := make([]*sql.Stmt, 5)
	for i, q := range []string{learnerAccountSQL, learnerRecentSQL, learnerItemsSQL, learnerListsSQL, learnerAffinitySQL} {
		if stmts[i], err = db.readStmt(ctx, q); err != nil {
			return rec, wrap(err)
		}
	}
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rec, wrap(err)
	}
	defer tx.Rollback()
	var resetAt string
	var afterSeq int64
	a := &rec.Account
	err = tx.StmtContext(ctx, stmts[0]).QueryRowContext(ctx, userID).Scan(&a.BirthYear, &a.BreakReminderMinutes,
		&a.DailyLimitMinutes, &a.Timezone, &resetAt, &afterSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, wrap(feed.ErrNotFound)
	}
	if err != nil {
		return rec, wrap(err)
	}
	if resetAt != "" {
		if err := parseInto(&rec.ResetAt, resetAt); err != nil {
			return rec, wrap(err)
		}
	}
	err = queryEach(ctx, tx.StmtContext(ctx, stmts[1]), []any{userID, afterSeq, recent}, func(r *sql.Rows) error {
		var e feed.Event
		var at string
		if err := r.Scan(&e.ItemID, &e.Type, &at, &e.WatchMS, &e.Correct); err != nil {
			return err
		}
		rec.Recent = append(rec.Recent, e)
		return parseInto(&rec.Recent[len(rec.Recent)-1].At, at)
	})
	if err != nil {
		return rec, wrap(err)
	}
	err = queryEach(ctx, tx.StmtContext(ctx, stmts[2]), []any{userID}, func(r *sql.Rows) error {
		var st feed.ItemState
		var last string
		if err := r.Scan(&st.ItemID, &last, &st.Completed, &st.Liked, &st.Saved); err != nil {
			return err
		}
		if err := parseInto(&st.LastAt, last); err != nil {
			return err
		}
		rec.Items = append(rec.Items, st)
		return nil
	})
	if err != nil {
		return rec, wrap(err)
	}
	err = queryEach(ctx, tx.StmtContext(ctx, stmts[3]), []any{userID}, func(r *sql.Rows) error {
		var tag, v string
		if err := r.Scan(&tag, &v); err != nil {
			return err
		}
		switch tag {
		case "f":
			rec.Follows = append(rec.Follows, v)
		case "b":
			rec.Blocked = append(rec.Blocked, v)
		case "h":
			rec.Hidden = append(rec.Hidden, v)
		default:
			rec.Prefs = append(rec.Prefs, feed.TopicPref{Topic: v, Pref: feed.Pref(tag)})
		}
		return nil
	})
	if err != nil {
		return rec, wrap(err)
	}
	rec.Topics, rec.Creators = map[string]float64{}, map[string]float64{}
	err = queryEach(ctx, tx.StmtContext(ctx, stmts[4]), []any{userID}, func(r *sql.Rows) error {
		var kind, key string
		var score float64
		if err := r.Scan(&kind, &key, &score); err != nil {
			return err
		}
		if kind == "topic" {
			rec.Topics[key] = score
		} else {
			rec.Creators[key] = score
		}
		return nil
	})
	if err != nil {
		return rec, wrap(err)
	}
	return rec, nil
}

// queryEach runs a statement and calls fn for every row.
func queryEach(ctx context.Context, st *sql.Stmt, args []any, fn func(*sql.Rows) error) error {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Activity returns the learner's events at or after since, newest first.
func (db *DB) Activity(ctx context.Context, userID string, since time.Time, limit int) ([]feed.Activity, error) {
	st, err := db.readStmt(ctx, `SELECT at, type, watch_ms FROM events WHERE user_id = ? AND at >= ? ORDER BY seq DESC LIMIT ?`)
	if err != nil {
		return nil, fmt.Errorf("activity of %s: %w", userID, err)
	}
	var out []feed.Activity
	err = queryEach(ctx, st, []any{userID, formatTime(since), limit}, func(r *sql.Rows) error {
		var a feed.Activity
		var at string
		if err := r.Scan(&at, &a.Type, &a.WatchMS); err != nil {
			return err
		}
		if err := parseInto(&a.At, at); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("activity of %s: %w", userID, err)
	}
	return out, nil
}

// SetTopicPrefs records the learner's topic preferences in one transaction.
func (db *DB) SetTopicPrefs(ctx context.Context, userID string, prefs []feed.TopicPref, now time.Time) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set topic preferences of %s: %w", userID, err)
	}
	defer tx.Rollback()
	if err := userExists(ctx, tx, userID); err != nil {
		return fmt.Errorf("set topic preferences of %s: %w", userID, err)
	}
	for _, p := range prefs {
		if p.Pref == feed.PrefNone {
			_, err = tx.ExecContext(ctx, `DELETE FROM feed_topic_prefs WHERE user_id = ? AND topic = ?`, userID, p.Topic)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO feed_topic_prefs (user_id, topic, pref, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (user_id, topic) DO UPDATE SET pref = excluded.pref, updated_at = excluded.updated_at`,
				userID, p.Topic, string(p.Pref), formatTime(now))
		}
		if err != nil {
			return fmt.Errorf("set topic preference %s of %s: %w", p.Topic, userID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set topic preferences of %s: %w", userID, err)
	}
	return nil
}

// ResetProfile records a reset: preferences go, the affinities now are the new
// zero, and the events so far stop shaping the feed.
func (db *DB) ResetProfile(ctx context.Context, userID string, now time.Time) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("reset feed profile of %s: %w", userID, err)
	}
	defer tx.Rollback()
	if err := userExists(ctx, tx, userID); err != nil {
		return fmt.Errorf("reset feed profile of %s: %w", userID, err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM feed_topic_prefs WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM feed_affinity_baselines WHERE user_id = ?`, []any{userID}},
		{`INSERT INTO feed_affinity_baselines (user_id, kind, key, score)
			SELECT user_id, kind, key, score FROM user_affinities WHERE user_id = ?`, []any{userID}},
		{`INSERT INTO feed_resets (user_id, reset_at, after_seq)
			VALUES (?1, ?2, coalesce((SELECT max(seq) FROM events WHERE user_id = ?1), 0))
			ON CONFLICT (user_id) DO UPDATE SET reset_at = excluded.reset_at, after_seq = excluded.after_seq`,
			[]any{userID, formatTime(now)}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("reset feed profile of %s: %w", userID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("reset feed profile of %s: %w", userID, err)
	}
	return nil
}

func userExists(ctx context.Context, tx *sql.Tx, userID string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?`, userID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return feed.ErrNotFound
	}
	return err
}
