package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store/query"
)

// ItemStats returns the totals of the given items; an item nobody interacted with
// is there with zero totals.
func (db *DB) ItemStats(ctx context.Context, itemIDs []string) (map[string]events.ItemCounts, error) {
	out := make(map[string]events.ItemCounts, len(itemIDs))
	for _, id := range itemIDs {
		out[id] = events.ItemCounts{}
	}
	if len(itemIDs) == 0 {
		return out, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT item_id, impressions, views, completions, likes, saves, shares, skips, hides,
		quiz_answers, quiz_correct, watch_ms FROM item_stats WHERE item_id = ANY($1)`, itemIDs)
	if err != nil {
		return nil, fmt.Errorf("item stats: %w", err)
	}
	var id string
	var c events.ItemCounts
	_, err = pgx.ForEachRow(rows, []any{&id, &c.Impressions, &c.Views, &c.Completions, &c.Likes, &c.Saves, &c.Shares,
		&c.Skips, &c.Hides, &c.QuizAnswers, &c.QuizCorrect, &c.WatchMS}, func() error {
		out[id] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("item stats: %w", err)
	}
	return out, nil
}

// Affinities returns the learner's normalised scores; empty maps when none.
func (db *DB) Affinities(ctx context.Context, userID string) (topics, creators map[string]float64, err error) {
	rows, err := db.pool.Query(ctx, `SELECT kind, key, score FROM user_affinities WHERE user_id = $1`, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("affinities of %s: %w", userID, err)
	}
	topics, creators = map[string]float64{}, map[string]float64{}
	var kind, key string
	var score float64
	_, err = pgx.ForEachRow(rows, []any{&kind, &key, &score}, func() error {
		if kind == "topic" {
			topics[key] = score
		} else {
			creators[key] = score
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("affinities of %s: %w", userID, err)
	}
	return topics, creators, nil
}

// UserItems returns the learner's state for the given items, or for every item
// when itemIDs is nil. Items without state are absent.
func (db *DB) UserItems(ctx context.Context, userID string, itemIDs []string) (map[string]events.UserItem, error) {
	out := map[string]events.UserItem{}
	if itemIDs != nil && len(itemIDs) == 0 {
		return out, nil
	}
	// A NULL array means every item.
	rows, err := db.pool.Query(ctx, `SELECT item_id, first_at, last_at, impressions, views, watch_ms, completed, liked, saved
		FROM user_items WHERE user_id = $1 AND ($2::text[] IS NULL OR item_id = ANY($2))`, userID, itemIDs)
	if err != nil {
		return nil, fmt.Errorf("user items of %s: %w", userID, err)
	}
	var u events.UserItem
	_, err = pgx.ForEachRow(rows, []any{&u.ItemID, &u.FirstAt, &u.LastAt, &u.Impressions, &u.Views, &u.WatchMS,
		&u.Completed, &u.Liked, &u.Saved}, func() error {
		u.FirstAt, u.LastAt = u.FirstAt.UTC(), u.LastAt.UTC()
		out[u.ItemID] = u
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("user items of %s: %w", userID, err)
	}
	return out, nil
}

// Events pages the learner's log in seq order after afterSeq, at most
// query.LogLimit(limit) events, and returns the seq of the last one (afterSeq
// when there are none). One learner's batches are stored one at a time (Ingest
// holds the learner's row lock), so their seq order is their commit order.
func (db *DB) Events(ctx context.Context, userID string, afterSeq int64, limit int) ([]events.Event, int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT seq, client_id, type, item_id, at, received_at, session_id, watch_ms,
		position, answer, correct, question FROM events WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		userID, afterSeq, query.LogLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("events of %s: %w", userID, err)
	}
	var out []events.Event
	last := afterSeq
	for rows.Next() {
		e := events.Event{UserID: userID}
		var typ string
		var position int32
		if err := rows.Scan(&last, &e.ClientID, &typ, &e.ItemID, &e.At, &e.ReceivedAt, &e.SessionID, &e.WatchMS,
			&position, &e.Answer, &e.Correct, &e.Question); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("events of %s: %w", userID, err)
		}
		e.Type, e.Position = events.Type(typ), int(position)
		e.At, e.ReceivedAt = e.At.UTC(), e.ReceivedAt.UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("events of %s: %w", userID, err)
	}
	return out, last, nil
}
