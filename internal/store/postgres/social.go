package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/store/query"
)

// Follow records that e.UserID follows e.CreatorID; following again keeps the first
// time. content.ErrNotFound when either user does not exist.
func (db *DB) Follow(ctx context.Context, e content.Edge) error {
	if err := db.addEdge(ctx, "follows", e); err != nil {
		return fmt.Errorf("follow %s by %s: %w", e.CreatorID, e.UserID, err)
	}
	return nil
}

// Unfollow removes the follow, if there is one.
func (db *DB) Unfollow(ctx context.Context, userID, creatorID string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM follows WHERE user_id = $1 AND creator_id = $2`, userID, creatorID); err != nil {
		return fmt.Errorf("unfollow %s by %s: %w", creatorID, userID, err)
	}
	return nil
}

// Block records that e.UserID blocked e.CreatorID; blocking again keeps the first
// time. content.ErrNotFound when either user does not exist.
func (db *DB) Block(ctx context.Context, e content.Edge) error {
	if err := db.addEdge(ctx, "blocks", e); err != nil {
		return fmt.Errorf("block %s by %s: %w", e.CreatorID, e.UserID, err)
	}
	return nil
}

// Unblock removes the block, if there is one.
func (db *DB) Unblock(ctx context.Context, userID, creatorID string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM blocks WHERE user_id = $1 AND creator_id = $2`, userID, creatorID); err != nil {
		return fmt.Errorf("unblock %s by %s: %w", creatorID, userID, err)
	}
	return nil
}

// addEdge inserts into follows or blocks, which have the same shape.
func (db *DB) addEdge(ctx context.Context, table string, e content.Edge) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO `+table+` (user_id, creator_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, creator_id) DO NOTHING`, e.UserID, e.CreatorID, e.CreatedAt.UTC())
	return contentErr(err)
}

// Follows pages follows newest first, ties broken by the other side's ID
// descending: with q.UserID the creators they follow, with q.CreatorID (alone)
// their followers. A page continues after (q.AfterAt, q.AfterID) when AfterAt is set.
func (db *DB) Follows(ctx context.Context, q content.EdgeQuery) ([]content.Edge, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	sqlText := `SELECT user_id, creator_id, created_at FROM follows WHERE `
	switch {
	case q.UserID != "":
		sqlText += `user_id = ` + arg(q.UserID)
		if q.CreatorID != "" {
			sqlText += ` AND creator_id = ` + arg(q.CreatorID)
		}
		if !q.AfterAt.IsZero() {
			sqlText += ` AND (created_at, creator_id) < (` + arg(q.AfterAt.UTC()) + `, ` + arg(q.AfterID) + `)`
		}
		sqlText += ` ORDER BY created_at DESC, creator_id DESC`
	case q.CreatorID != "":
		sqlText += `creator_id = ` + arg(q.CreatorID)
		if !q.AfterAt.IsZero() {
			sqlText += ` AND (created_at, user_id) < (` + arg(q.AfterAt.UTC()) + `, ` + arg(q.AfterID) + `)`
		}
		sqlText += ` ORDER BY created_at DESC, user_id DESC`
	default:
		return nil, errors.New("list follows: want a user or a creator")
	}
	sqlText += ` LIMIT ` + arg(query.Limit(q.Limit))
	out, err := db.queryEdges(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list follows: %w", err)
	}
	return out, nil
}

// Blocked returns every creator the user blocked, newest first.
func (db *DB) Blocked(ctx context.Context, userID string) ([]content.Edge, error) {
	out, err := db.queryEdges(ctx, `SELECT user_id, creator_id, created_at FROM blocks
		WHERE user_id = $1 ORDER BY created_at DESC, creator_id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list blocks of %s: %w", userID, err)
	}
	return out, nil
}

func (db *DB) queryEdges(ctx context.Context, sqlText string, args ...any) ([]content.Edge, error) {
	rows, err := db.pool.Query(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (content.Edge, error) {
		var e content.Edge
		err := r.Scan(&e.UserID, &e.CreatorID, &e.CreatedAt)
		e.CreatedAt = e.CreatedAt.UTC()
		return e, err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []content.Edge{}
	}
	return out, nil
}

// DeleteUserContentData removes the user's follows and blocks in both directions
// and their series (whose items stay, outside any series), in one transaction.
// Their items stay; see DeleteItemsByCreator. Hidden items belong to the events
// store (Forget).
func (db *DB) DeleteUserContentData(ctx context.Context, userID string) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, stmt := range []string{
			`DELETE FROM follows WHERE user_id = $1 OR creator_id = $1`,
			`DELETE FROM blocks WHERE user_id = $1 OR creator_id = $1`,
			`UPDATE items SET series_id = NULL, episode = 0, version = version + 1
				WHERE series_id IN (SELECT id FROM series WHERE creator_id = $1)`,
			`DELETE FROM series WHERE creator_id = $1`,
		} {
			if _, err := tx.Exec(ctx, stmt, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete content data of %s: %w", userID, err)
	}
	return nil
}
