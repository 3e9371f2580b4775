package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/feed"
)

// LearnerRecord reads a learner's state with five statements sent in one
// round trip (pgx prepares and caches them per connection). They run one after
// another on one connection, each seeing what was committed when it started.
func (db *DB) LearnerRecord(ctx context.Context, userID string, recent int) (feed.LearnerRecord, error) {
	var rec feed.LearnerRecord
	wrap := func(err error) error { return fmt.Errorf("learner record of %s: %w", userID, err) }
	b := &pgx.Batch{}
	a := &rec.Account
	var resetAt *time.Time
	b.Queue(`SELECT u.birth_year, u.break_reminder_minutes, u.daily_limit_minutes, u.timezone, r.reset_at
		FROM users u LEFT JOIN feed_resets r ON r.user_id = u.id WHERE u.id = $1`, userID).
		QueryRow(func(row pgx.Row) error {
			return row.Scan(&a.BirthYear, &a.BreakReminderMinutes, &a.DailyLimitMinutes, &a.Timezone, &resetAt)
		})
	b.Queue(`SELECT item_id, type, at, watch_ms, coalesce(correct, false) FROM events
		WHERE user_id = $1 AND seq > coalesce((SELECT after_seq FROM feed_resets WHERE user_id = $1), 0)
		ORDER BY seq DESC LIMIT $2`, userID, recent).
		Query(func(rows pgx.Rows) error {
			var e feed.Event
			_, err := pgx.ForEachRow(rows, []any{&e.ItemID, &e.Type, &e.At, &e.WatchMS, &e.Correct}, func() error {
				e.At = e.At.UTC()
				rec.Recent = append(rec.Recent, e)
				return nil
			})
			return err
		})
	b.Queue(`SELECT item_id, last_at, completed, liked, saved FROM user_items WHERE user_id = $1`, userID).
		Query(func(rows pgx.Rows) error {
			var st feed.ItemState
			_, err := pgx.ForEachRow(rows, []any{&st.ItemID, &st.LastAt, &st.Completed, &st.Liked, &st.Saved}, func() error {
				st.LastAt = st.LastAt.UTC()
				rec.Items = append(rec.Items, st)
				return nil
			})
			return err
		})
	b.Queue(`SELECT 'f', creator_id FROM follows WHERE user_id = $1
		UNION ALL SELECT 'b', creator_id FROM blocks WHERE user_id = $1
		UNION ALL SELECT 'h', item_id FROM hidden_items WHERE user_id = $1
		UNION ALL SELECT pref, topic FROM feed_topic_prefs WHERE user_id = $1`, userID).
		Query(func(rows pgx.Rows) error {
			var tag, v string
			_, err := pgx.ForEachRow(rows, []any{&tag, &v}, func() error {
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
			return err
		})
	rec.Topics, rec.Creators = map[string]float64{}, map[string]float64{}
	b.Queue(`SELECT a.kind, a.key, a.score - coalesce(b.score, 0) FROM user_affinities a
		LEFT JOIN feed_affinity_baselines b ON b.user_id = a.user_id AND b.kind = a.kind AND b.key = a.key
		WHERE a.user_id = $1`, userID).
		Query(func(rows pgx.Rows) error {
			var kind, key string
			var score float64
			_, err := pgx.ForEachRow(rows, []any{&kind, &key, &score}, func() error {
				if kind == "topic" {
					rec.Topics[key] = score
				} else {
					rec.Creators[key] = score
				}
				return nil
			})
			return err
		})
	if err := db.pool.SendBatch(ctx, b).Close(); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return feed.LearnerRecord{}, wrap(feed.ErrNotFound)
		}
		return feed.LearnerRecord{}, wrap(err)
	}
	if resetAt != nil {
		rec.ResetAt = resetAt.UTC()
	}
	return rec, nil
}

// Activity returns the learner's events at or after since, newest first.
func (db *DB) Activity(ctx context.Context, userID string, since time.Time, limit int) ([]feed.Activity, error) {
	rows, err := db.pool.Query(ctx, `SELECT at, type, watch_ms FROM events WHERE user_id = $1 AND at >= $2
		ORDER BY seq DESC LIMIT $3`, userID, since.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("activity of %s: %w", userID, err)
	}
	var out []feed.Activity
	var a feed.Activity
	_, err = pgx.ForEachRow(rows, []any{&a.At, &a.Type, &a.WatchMS}, func() error {
		a.At = a.At.UTC()
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
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if err := feedUserExists(ctx, tx, userID); err != nil {
			return err
		}
		b := &pgx.Batch{}
		for _, p := range prefs {
			if p.Pref == feed.PrefNone {
				b.Queue(`DELETE FROM feed_topic_prefs WHERE user_id = $1 AND topic = $2`, userID, p.Topic)
				continue
			}
			b.Queue(`INSERT INTO feed_topic_prefs (user_id, topic, pref, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (user_id, topic) DO UPDATE SET pref = excluded.pref, updated_at = excluded.updated_at`,
				userID, p.Topic, string(p.Pref), now.UTC())
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("set topic preferences of %s: %w", userID, err)
	}
	return nil
}

// ResetProfile records a reset: preferences go, the affinities now are the new
// zero, and the events so far stop shaping the feed. The learner's row is
// locked first, so a reset and an ingestion for the same learner do not
// interleave their reads.
func (db *DB) ResetProfile(ctx context.Context, userID string, now time.Time) error {
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if err := feedUserExists(ctx, tx, userID); err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM feed_topic_prefs WHERE user_id = $1`, userID)
		b.Queue(`DELETE FROM feed_affinity_baselines WHERE user_id = $1`, userID)
		b.Queue(`INSERT INTO feed_affinity_baselines (user_id, kind, key, score)
			SELECT user_id, kind, key, score FROM user_affinities WHERE user_id = $1`, userID)
		b.Queue(`INSERT INTO feed_resets (user_id, reset_at, after_seq)
			VALUES ($1, $2, coalesce((SELECT max(seq) FROM events WHERE user_id = $1), 0))
			ON CONFLICT (user_id) DO UPDATE SET reset_at = excluded.reset_at, after_seq = excluded.after_seq`,
			userID, now.UTC())
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("reset feed profile of %s: %w", userID, err)
	}
	return nil
}

func feedUserExists(ctx context.Context, tx pgx.Tx, userID string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1 FOR SHARE`, userID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return feed.ErrNotFound
	}
	return err
}
