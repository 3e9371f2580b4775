package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/store/query"
)

// CreateFamily inserts the family and its first token in one transaction; the
// token's FamilyID and UserID default to the family's. auth.ErrNotFound when the
// user does not exist.
func (db *DB) CreateFamily(ctx context.Context, f auth.Family, first auth.RefreshToken) error {
	if err := query.FillToken(&first, f.ID, f.UserID); err != nil {
		return fmt.Errorf("create family %s: %w", f.ID, err)
	}
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO auth_families (id, user_id, user_agent, created_at, last_used_at, revoked_at)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			f.ID, f.UserID, f.UserAgent, f.CreatedAt.UTC(), f.LastUsedAt.UTC(), f.RevokedAt); err != nil {
			return constraintErr(err)
		}
		return insertToken(ctx, tx, first)
	})
	if err != nil {
		return fmt.Errorf("create family %s: %w", f.ID, err)
	}
	return nil
}

// RefreshTokenByHash finds a token and its family; auth.ErrNotFound when unknown.
func (db *DB) RefreshTokenByHash(ctx context.Context, hash []byte) (auth.RefreshToken, auth.Family, error) {
	var t auth.RefreshToken
	var f auth.Family
	err := db.pool.QueryRow(ctx, `
		SELECT t.id, t.family_id, t.user_id, t.hash, t.created_at, t.expires_at, t.rotated_at,
			f.user_id, f.user_agent, f.created_at, f.last_used_at, f.revoked_at
		FROM refresh_tokens t JOIN auth_families f ON f.id = t.family_id
		WHERE t.hash = $1`, hash).Scan(
		&t.ID, &t.FamilyID, &t.UserID, &t.Hash, &t.CreatedAt, &t.ExpiresAt, &t.RotatedAt,
		&f.UserID, &f.UserAgent, &f.CreatedAt, &f.LastUsedAt, &f.RevokedAt)
	if err != nil {
		return auth.RefreshToken{}, auth.Family{}, fmt.Errorf("get refresh token: %w", notFound(err))
	}
	f.ID = t.FamilyID
	t.CreatedAt, t.ExpiresAt, t.RotatedAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC(), utc(t.RotatedAt)
	f.CreatedAt, f.LastUsedAt, f.RevokedAt = f.CreatedAt.UTC(), f.LastUsedAt.UTC(), utc(f.RevokedAt)
	return t, f, nil
}

// RotateRefreshToken marks oldID rotated and inserts next in its family, or does
// nothing and reports false when oldID was already rotated (or is gone). Racing
// callers queue on the row lock the UPDATE takes; READ COMMITTED then re-checks
// "rotated_at IS NULL" against the winner's committed row, so only one succeeds.
func (db *DB) RotateRefreshToken(ctx context.Context, oldID string, now time.Time, next auth.RefreshToken) (bool, error) {
	rotated := false
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var familyID, userID string
		err := tx.QueryRow(ctx, `
			UPDATE refresh_tokens SET rotated_at = $1 WHERE id = $2 AND rotated_at IS NULL
			RETURNING family_id, user_id`, now.UTC(), oldID).Scan(&familyID, &userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := query.FillToken(&next, familyID, userID); err != nil {
			return err
		}
		if err := insertToken(ctx, tx, next); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE auth_families SET last_used_at = $1 WHERE id = $2`, now.UTC(), familyID); err != nil {
			return fmt.Errorf("touch family: %w", err)
		}
		rotated = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("rotate refresh token %s: %w", oldID, err)
	}
	return rotated, nil
}

// RevokeFamily ends one sign-in. Revoking again keeps the first revocation time,
// and a family that is gone (its tokens expired and were swept) is not an error
// either: a logout must not fail because the sign-in already ended.
func (db *DB) RevokeFamily(ctx context.Context, familyID string, now time.Time) error {
	if _, err := db.pool.Exec(ctx,
		`UPDATE auth_families SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`, now.UTC(), familyID); err != nil {
		return fmt.Errorf("revoke family %s: %w", familyID, err)
	}
	return nil
}

// RevokeUserFamilies ends every sign-in of the user that is not ended yet. A user
// without families, or without an account, is not an error.
func (db *DB) RevokeUserFamilies(ctx context.Context, userID string, now time.Time) error {
	if _, err := db.pool.Exec(ctx,
		`UPDATE auth_families SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`,
		now.UTC(), userID); err != nil {
		return fmt.Errorf("revoke families of %s: %w", userID, err)
	}
	return nil
}

// ListFamilies returns every family of the user, revoked ones included, newest first.
func (db *DB) ListFamilies(ctx context.Context, userID string) ([]auth.Family, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT id, user_id, user_agent, created_at, last_used_at, revoked_at FROM auth_families
		WHERE user_id = $1 ORDER BY created_at DESC, id COLLATE "C" DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list families of %s: %w", userID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.Family, error) {
		var f auth.Family
		err := r.Scan(&f.ID, &f.UserID, &f.UserAgent, &f.CreatedAt, &f.LastUsedAt, &f.RevokedAt)
		f.CreatedAt, f.LastUsedAt, f.RevokedAt = f.CreatedAt.UTC(), f.LastUsedAt.UTC(), utc(f.RevokedAt)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("list families of %s: %w", userID, err)
	}
	if out == nil {
		out = []auth.Family{}
	}
	return out, nil
}

// DeleteExpiredRefreshTokens removes tokens that expired before `before`, then the
// families left without any token, in one transaction.
func (db *DB) DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM refresh_tokens WHERE expires_at < $1`, before.UTC())
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `DELETE FROM auth_families f
			WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = f.id)`); err != nil {
			return fmt.Errorf("delete empty families: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired refresh tokens: %w", err)
	}
	return n, nil
}

func insertToken(ctx context.Context, tx pgx.Tx, t auth.RefreshToken) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO refresh_tokens (id, family_id, user_id, hash, created_at, expires_at, rotated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.ID, t.FamilyID, t.UserID, t.Hash, t.CreatedAt.UTC(), t.ExpiresAt.UTC(), t.RotatedAt)
	if err != nil {
		return fmt.Errorf("insert refresh token %s: %w", t.ID, constraintErr(err))
	}
	return nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
