package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/store/query"
)

// userColumns is the column list scanUser reads, in its order.
const userColumns = `id, email, username, password_hash, role, disabled, token_version, version,
	display_name, bio, avatar_media_id, language, birth_year, break_reminder_minutes, daily_limit_minutes,
	timezone, following_visible, created_at, updated_at`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanUser(r scanner) (auth.User, error) {
	var u auth.User
	var role, created, updated string
	p := &u.Profile
	err := r.Scan(&u.ID, &u.Email, &u.Username, &u.PasswordHash, &role, &u.Disabled, &u.TokenVersion, &u.Version,
		&p.DisplayName, &p.Bio, &p.AvatarMediaID, &p.Language, &p.BirthYear, &p.BreakReminderMinutes, &p.DailyLimitMinutes,
		&p.Timezone, &p.FollowingVisible, &created, &updated)
	if err != nil {
		return auth.User{}, err
	}
	u.Role = access.Role(role)
	if u.CreatedAt, err = parseTime(created); err != nil {
		return auth.User{}, err
	}
	if u.UpdatedAt, err = parseTime(updated); err != nil {
		return auth.User{}, err
	}
	return u, nil
}

// CreateUser inserts u; auth.ErrEmailTaken or auth.ErrUsernameTaken on a clash.
func (db *DB) CreateUser(ctx context.Context, u auth.User) error {
	args := userArgs(u)
	_, err := db.writer.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES (`+marks(len(args))+`)`, args...)
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.ID, constraintErr(err))
	}
	return nil
}

// userArgs are u's values in the order of userColumns.
func userArgs(u auth.User) []any {
	p := u.Profile
	return []any{u.ID, u.Email, u.Username, u.PasswordHash, string(u.Role), u.Disabled, u.TokenVersion, u.Version,
		p.DisplayName, p.Bio, p.AvatarMediaID, p.Language, p.BirthYear, p.BreakReminderMinutes, p.DailyLimitMinutes,
		p.Timezone, p.FollowingVisible, formatTime(u.CreatedAt), formatTime(u.UpdatedAt)}
}

// UserByID returns the user; auth.ErrNotFound when there is none.
func (db *DB) UserByID(ctx context.Context, id string) (auth.User, error) {
	u, err := scanUser(db.reader.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return auth.User{}, fmt.Errorf("get user %s: %w", id, notFound(err))
	}
	return u, nil
}

// AuthState reads what every authenticated request checks, in one prepared
// statement: the user's role, disabled flag and token version, and whether the
// sign-in is still live. The lookups are by primary key and short, so it runs
// without the driver's per-query cancellation watcher (a goroutine per
// statement under a cancellable context).
func (db *DB) AuthState(ctx context.Context, id, sessionID string) (auth.AuthState, error) {
	var st auth.AuthState
	var role string
	stmt, err := db.authStateStmt(ctx)
	if err != nil {
		return auth.AuthState{}, err
	}
	err = stmt.QueryRowContext(context.WithoutCancel(ctx), sessionID, id).Scan(&role, &st.Disabled, &st.TokenVersion, &st.SessionEnded)
	if err != nil {
		return auth.AuthState{}, fmt.Errorf("auth state of %s: %w", id, notFound(err))
	}
	st.Role = access.Role(role)
	return st, nil
}

func (db *DB) authStateStmt(ctx context.Context) (*sql.Stmt, error) {
	db.authMu.Lock()
	defer db.authMu.Unlock()
	if db.authStmt == nil {
		stmt, err := db.reader.PrepareContext(ctx, `
			SELECT u.role, u.disabled, u.token_version, ?1 <> '' AND NOT EXISTS (
				SELECT 1 FROM auth_families f WHERE f.id = ?1 AND f.user_id = u.id AND f.revoked_at IS NULL)
			FROM users u WHERE u.id = ?2`)
		if err != nil {
			return nil, fmt.Errorf("prepare auth state: %w", err)
		}
		db.authStmt = stmt
	}
	return db.authStmt, nil
}

// UserByEmail returns the user with exactly this (normalised) email.
func (db *DB) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := scanUser(db.reader.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
	if err != nil {
		// The email is personal data; it stays out of errors that end up in logs.
		return auth.User{}, fmt.Errorf("get user by email: %w", notFound(err))
	}
	return u, nil
}

// UpdateProfile replaces the username and profile while the stored version is
// still version, and returns the user as stored. The condition is in the
// UPDATE itself, so of two writers based on one version exactly one matches.
func (db *DB) UpdateProfile(ctx context.Context, id string, version int64, username string, p auth.Profile, now time.Time) (auth.User, error) {
	u, err := scanUser(db.writer.QueryRowContext(ctx, `
		UPDATE users SET username = ?, display_name = ?, bio = ?, avatar_media_id = ?, language = ?,
			birth_year = ?, break_reminder_minutes = ?, daily_limit_minutes = ?, timezone = ?, following_visible = ?,
			version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? RETURNING `+userColumns,
		username, p.DisplayName, p.Bio, p.AvatarMediaID, p.Language,
		p.BirthYear, p.BreakReminderMinutes, p.DailyLimitMinutes, p.Timezone, p.FollowingVisible, formatTime(now), id, version))
	if errors.Is(err, sql.ErrNoRows) {
		err = db.changedOrGone(ctx, id)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("update profile of %s: %w", id, notFound(constraintErr(err)))
	}
	return u, nil
}

// changedOrGone explains a conditional update that matched no row.
func (db *DB) changedOrGone(ctx context.Context, id string) error {
	var one int
	if err := db.writer.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?`, id).Scan(&one); err != nil {
		return notFound(err)
	}
	return auth.ErrPreconditionFailed
}

// SetPasswordHash stores a new hash, bumping the token version when asked.
func (db *DB) SetPasswordHash(ctx context.Context, id, hash string, bumpVersion bool, now time.Time) error {
	bump := 0
	if bumpVersion {
		bump = 1
	}
	res, err := db.writer.ExecContext(ctx,
		`UPDATE users SET password_hash = ?, token_version = token_version + ?, version = version + 1, updated_at = ? WHERE id = ?`,
		hash, bump, formatTime(now), id)
	if err := oneRow(res, err); err != nil {
		return fmt.Errorf("set password of %s: %w", id, err)
	}
	return nil
}

// AdminUpdate changes role and/or disabled and bumps the token version. With
// neither given it changes nothing and returns the user.
func (db *DB) AdminUpdate(ctx context.Context, id string, role *access.Role, disabled *bool, now time.Time) (auth.User, error) {
	if role == nil && disabled == nil {
		return db.UserByID(ctx, id)
	}
	var roleArg, disabledArg any // NULL keeps the stored value
	if role != nil {
		roleArg = string(*role)
	}
	if disabled != nil {
		disabledArg = *disabled
	}
	u, err := scanUser(db.writer.QueryRowContext(ctx, `
		UPDATE users SET role = coalesce(?, role), disabled = coalesce(?, disabled),
			token_version = token_version + 1, version = version + 1, updated_at = ?
		WHERE id = ? RETURNING `+userColumns,
		roleArg, disabledArg, formatTime(now), id))
	if err != nil {
		return auth.User{}, fmt.Errorf("admin update of %s: %w", id, notFound(err))
	}
	return u, nil
}

// BumpTokenVersion invalidates every access token of the user.
func (db *DB) BumpTokenVersion(ctx context.Context, id string, now time.Time) error {
	res, err := db.writer.ExecContext(ctx,
		`UPDATE users SET token_version = token_version + 1, version = version + 1, updated_at = ? WHERE id = ?`, formatTime(now), id)
	if err := oneRow(res, err); err != nil {
		return fmt.Errorf("bump token version of %s: %w", id, err)
	}
	return nil
}

// DeleteUser removes the user; foreign keys cascade to families and refresh tokens.
func (db *DB) DeleteUser(ctx context.Context, id string) error {
	res, err := db.writer.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id)
	if err := oneRow(res, err); err != nil {
		return fmt.Errorf("delete user %s: %w", id, err)
	}
	return nil
}

// ListUsers returns users in ID order after q.AfterID that match q.
func (db *DB) ListUsers(ctx context.Context, q auth.UserQuery) ([]auth.User, error) {
	var where []string
	var args []any
	if q.Search != "" {
		where = append(where, `(lower(email) LIKE ? ESCAPE '\' OR lower(username) LIKE ? ESCAPE '\')`)
		pattern := query.Contains(q.Search)
		args = append(args, pattern, pattern)
	}
	if q.Role != "" {
		where = append(where, `role = ?`)
		args = append(args, string(q.Role))
	}
	if q.AfterID != "" {
		where = append(where, `id > ?`)
		args = append(args, q.AfterID)
	}
	sqlText := `SELECT ` + userColumns + ` FROM users`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY id LIMIT ?`
	args = append(args, query.Limit(q.Limit))

	rows, err := db.reader.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []auth.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// oneRow finishes a statement that must change exactly one row: auth.ErrNotFound
// when none matched.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return auth.ErrNotFound
	}
	return nil
}

// notFound turns sql.ErrNoRows into auth.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return auth.ErrNotFound
	}
	return err
}
