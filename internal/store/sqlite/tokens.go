package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/store/query"
)

// CreateFamily inserts the family and its first token in one transaction; the
// token's FamilyID and UserID default to the family's. auth.ErrNotFound when the
// user does not exist.
func (db *DB) CreateFamily(ctx context.Context, f auth.Family, first auth.RefreshToken) (err error) {
	if err := query.FillToken(&first, f.ID, f.UserID); err != nil {
		return fmt.Errorf("create family %s: %w", f.ID, err)
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create family %s: begin: %w", f.ID, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO auth_families (id, user_id, user_agent, created_at, last_used_at, revoked_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		f.ID, f.UserID, f.UserAgent, formatTime(f.CreatedAt), formatTime(f.LastUsedAt), formatNullTime(f.RevokedAt)); err != nil {
		return fmt.Errorf("create family %s: %w", f.ID, constraintErr(err))
	}
	if err := insertToken(ctx, tx, first); err != nil {
		return fmt.Errorf("create family %s: %w", f.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create family %s: commit: %w", f.ID, err)
	}
	return nil
}

// RefreshTokenByHash finds a token and its family; auth.ErrNotFound when unknown.
func (db *DB) RefreshTokenByHash(ctx context.Context, hash []byte) (auth.RefreshToken, auth.Family, error) {
	var t auth.RefreshToken
	var f auth.Family
	var tCreated, tExpires, fCreated, fUsed string
	var tRotated, fRevoked sql.NullString
	err := db.reader.QueryRowContext(ctx, `
		SELECT t.id, t.family_id, t.user_id, t.hash, t.created_at, t.expires_at, t.rotated_at,
			f.user_id, f.user_agent, f.created_at, f.last_used_at, f.revoked_at
		FROM refresh_tokens t JOIN auth_families f ON f.id = t.family_id
		WHERE t.hash = ?`, hash).Scan(
		&t.ID, &t.FamilyID, &t.UserID, &t.Hash, &tCreated, &tExpires, &tRotated,
		&f.UserID, &f.UserAgent, &fCreated, &fUsed, &fRevoked)
	if err != nil {
		return auth.RefreshToken{}, auth.Family{}, fmt.Errorf("get refresh token: %w", notFound(err))
	}
	f.ID = t.FamilyID
	err = errors.Join(
		parseInto(&t.CreatedAt, tCreated), parseInto(&t.ExpiresAt, tExpires), parseNullInto(&t.RotatedAt, tRotated),
		parseInto(&f.CreatedAt, fCreated), parseInto(&f.LastUsedAt, fUsed), parseNullInto(&f.RevokedAt, fRevoked))
	if err != nil {
		return auth.RefreshToken{}, auth.Family{}, fmt.Errorf("get refresh token %s: %w", t.ID, err)
	}
	return t, f, nil
}

// RotateRefreshToken marks oldID rotated and inserts next in its family, or does
// nothing and reports false when oldID was already rotated (or is gone). The write
// transaction holds SQLite's write lock from BEGIN, so of several racing callers
// exactly one sees the row unrotated.
func (db *DB) RotateRefreshToken(ctx context.Context, oldID string, now time.Time, next auth.RefreshToken) (rotated bool, err error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("rotate refresh token %s: begin: %w", oldID, err)
	}
	defer func() {
		if !rotated { // an error, or nothing to do
			tx.Rollback()
		}
	}()
	var familyID, userID string
	err = tx.QueryRowContext(ctx, `
		UPDATE refresh_tokens SET rotated_at = ? WHERE id = ? AND rotated_at IS NULL
		RETURNING family_id, user_id`, formatTime(now), oldID).Scan(&familyID, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("rotate refresh token %s: %w", oldID, err)
	}
	if err := query.FillToken(&next, familyID, userID); err != nil {
		return false, fmt.Errorf("rotate refresh token %s: %w", oldID, err)
	}
	if err := insertToken(ctx, tx, next); err != nil {
		return false, fmt.Errorf("rotate refresh token %s: %w", oldID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE auth_families SET last_used_at = ? WHERE id = ?`,
		formatTime(now), familyID); err != nil {
		return false, fmt.Errorf("rotate refresh token %s: touch family: %w", oldID, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("rotate refresh token %s: commit: %w", oldID, err)
	}
	return true, nil
}

// RevokeFamily ends one sign-in. Revoking again keeps the first revocation time,
// and a family that is gone (its tokens expired and were swept) is not an error
// either: a logout must not fail because the sign-in already ended.
func (db *DB) RevokeFamily(ctx context.Context, familyID string, now time.Time) error {
	if _, err := db.writer.ExecContext(ctx,
		`UPDATE auth_families SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, formatTime(now), familyID); err != nil {
		return fmt.Errorf("revoke family %s: %w", familyID, err)
	}
	return nil
}

// RevokeUserFamilies ends every sign-in of the user that is not ended yet. A user
// without families, or without an account, is not an error.
func (db *DB) RevokeUserFamilies(ctx context.Context, userID string, now time.Time) error {
	if _, err := db.writer.ExecContext(ctx,
		`UPDATE auth_families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`,
		formatTime(now), userID); err != nil {
		return fmt.Errorf("revoke families of %s: %w", userID, err)
	}
	return nil
}

// ListFamilies returns every family of the user, revoked ones included, newest first.
func (db *DB) ListFamilies(ctx context.Context, userID string) ([]auth.Family, error) {
	rows, err := db.reader.QueryContext(ctx, `
		SELECT id, user_id, user_agent, created_at, last_used_at, revoked_at FROM auth_families
		WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list families of %s: %w", userID, err)
	}
	defer rows.Close()
	out := []auth.Family{}
	for rows.Next() {
		var f auth.Family
		var created, used string
		var revoked sql.NullString
		if err := rows.Scan(&f.ID, &f.UserID, &f.UserAgent, &created, &used, &revoked); err != nil {
			return nil, fmt.Errorf("list families of %s: %w", userID, err)
		}
		if err := errors.Join(parseInto(&f.CreatedAt, created), parseInto(&f.LastUsedAt, used), parseNullInto(&f.RevokedAt, revoked)); err != nil {
			return nil, fmt.Errorf("list families of %s: %s: %w", userID, f.ID, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list families of %s: %w", userID, err)
	}
	return out, nil
}

// DeleteExpiredRefreshTokens removes tokens that expired before `before`, then the
// families left without any token, in one transaction.
func (db *DB) DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (n int64, err error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("delete expired refresh tokens: begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	res, err := tx.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at < ?`, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("delete expired refresh tokens: %w", err)
	}
	if n, err = res.RowsAffected(); err != nil {
		return 0, fmt.Errorf("delete expired refresh tokens: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM auth_families
		WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = auth_families.id)`); err != nil {
		return 0, fmt.Errorf("delete empty families: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("delete expired refresh tokens: commit: %w", err)
	}
	return n, nil
}

func insertToken(ctx context.Context, tx *sql.Tx, t auth.RefreshToken) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO refresh_tokens (id, family_id, user_id, hash, created_at, expires_at, rotated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.FamilyID, t.UserID, t.Hash, formatTime(t.CreatedAt), formatTime(t.ExpiresAt), formatNullTime(t.RotatedAt))
	if err != nil {
		return fmt.Errorf("insert refresh token %s: %w", t.ID, constraintErr(err))
	}
	return nil
}

func formatNullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

func parseInto(dst *time.Time, s string) (err error) {
	*dst, err = parseTime(s)
	return err
}

func parseNullInto(dst **time.Time, s sql.NullString) error {
	if !s.Valid {
		*dst = nil
		return nil
	}
	t, err := parseTime(s.String)
	*dst = &t
	return err
}
