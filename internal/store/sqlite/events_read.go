package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/store/query"
)

// statColumns are the counters of item_stats in the order of events.ItemCounts.
const statColumns = `impressions, views, completions, likes, saves, shares, skips, hides, quiz_answers, quiz_correct, watch_ms`

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
	ids, err := json.Marshal(itemIDs)
	if err != nil {
		return nil, fmt.Errorf("item stats: %w", err)
	}
	// One JSON parameter instead of one per ID: any number of IDs, one statement.
	rows, err := db.reader.QueryContext(ctx, `SELECT item_id, `+statColumns+` FROM item_stats
		WHERE item_id IN (SELECT value FROM json_each(?))`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("item stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var c events.ItemCounts
		if err := rows.Scan(&id, &c.Impressions, &c.Views, &c.Completions, &c.Likes, &c.Saves, &c.Shares, &c.Skips,
			&c.Hides, &c.QuizAnswers, &c.QuizCorrect, &c.WatchMS); err != nil {
			return nil, fmt.Errorf("item stats: %w", err)
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("item stats: %w", err)
	}
	return out, nil
}

// Affinities returns the learner's normalised scores; empty maps when none.
func (db *DB) Affinities(ctx context.Context, userID string) (topics, creators map[string]float64, err error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT kind, key, score FROM user_affinities WHERE user_id = ?`, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("affinities of %s: %w", userID, err)
	}
	defer rows.Close()
	topics, creators = map[string]float64{}, map[string]float64{}
	for rows.Next() {
		var kind, key string
		var score float64
		if err := rows.Scan(&kind, &key, &score); err != nil {
			return nil, nil, fmt.Errorf("affinities of %s: %w", userID, err)
		}
		if kind == "topic" {
			topics[key] = score
		} else {
			creators[key] = score
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("affinities of %s: %w", userID, err)
	}
	return topics, creators, nil
}

// UserItems returns the learner's state for the given items, or for every item
// when itemIDs is nil. Items without state are absent.
func (db *DB) UserItems(ctx context.Context, userID string, itemIDs []string) (map[string]events.UserItem, error) {
	out := map[string]events.UserItem{}
	const cols = `SELECT item_id, first_at, last_at, impressions, views, watch_ms, completed, liked, saved FROM user_items`
	var rows *sql.Rows
	var err error
	switch {
	case itemIDs == nil:
		rows, err = db.reader.QueryContext(ctx, cols+` WHERE user_id = ?`, userID)
	case len(itemIDs) == 0:
		return out, nil
	default:
		ids, jerr := json.Marshal(itemIDs)
		if jerr != nil {
			return nil, fmt.Errorf("user items of %s: %w", userID, jerr)
		}
		rows, err = db.reader.QueryContext(ctx, cols+` WHERE user_id = ? AND item_id IN (SELECT value FROM json_each(?))`,
			userID, string(ids))
	}
	if err != nil {
		return nil, fmt.Errorf("user items of %s: %w", userID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var u events.UserItem
		var first, last string
		if err := rows.Scan(&u.ItemID, &first, &last, &u.Impressions, &u.Views, &u.WatchMS, &u.Completed, &u.Liked, &u.Saved); err != nil {
			return nil, fmt.Errorf("user items of %s: %w", userID, err)
		}
		if err := errors.Join(parseInto(&u.FirstAt, first), parseInto(&u.LastAt, last)); err != nil {
			return nil, fmt.Errorf("user items of %s: %w", userID, err)
		}
		out[u.ItemID] = u
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("user items of %s: %w", userID, err)
	}
	return out, nil
}

// Events pages the learner's log in seq order after afterSeq, at most
// query.LogLimit(limit) events, and returns the seq of the last one (afterSeq
// when there are none).
func (db *DB) Events(ctx context.Context, userID string, afterSeq int64, limit int) ([]events.Event, int64, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT seq, `+eventColumns+` FROM events
		WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?`, userID, afterSeq, query.LogLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("events of %s: %w", userID, err)
	}
	defer rows.Close()
	var out []events.Event
	last := afterSeq
	for rows.Next() {
		e := events.Event{UserID: userID}
		var typ, at, received string
		var correct sql.NullBool
		if err := rows.Scan(&last, &e.ClientID, &typ, &e.ItemID, &at, &received, &e.SessionID, &e.WatchMS, &e.Position,
			&e.Answer, &correct, &e.Question); err != nil {
			return nil, 0, fmt.Errorf("events of %s: %w", userID, err)
		}
		e.Type = events.Type(typ)
		if correct.Valid {
			e.Correct = &correct.Bool
		}
		if err := errors.Join(parseInto(&e.At, at), parseInto(&e.ReceivedAt, received)); err != nil {
			return nil, 0, fmt.Errorf("events of %s: %w", userID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("events of %s: %w", userID, err)
	}
	return out, last, nil
}
