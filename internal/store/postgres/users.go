package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/store/query"
)

// userColumns is the column list scanUser reads, in its order.
const userColumns = `id, email, username, password_hash, role, disabled, token_version, version,
	display_name, bio, avatar_media_id, language, birth_year, break_reminder_minutes, daily_limit_minutes,
	timezone, following_visible, created_at, updated_at`

func scanUser(r pgx.Row) (auth.User, error) {
	var u auth.User
	var role string
	p := &u.Profile
	err := r.Scan(&u.ID, &u.Email, &u.Username, &u.PasswordHash, &role, &u.Disabled, &u.TokenVersion, &u.Version,
		&p.DisplayName, &p.Bio, &p.AvatarMediaID, &p.Language, &p.BirthYear, &p.BreakReminderMinutes, &p.DailyLimitMinutes,
		&p.Timezone, &p.FollowingVisible, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return auth.User{}, err
	}
	u.Role = access.Role(role)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

// CreateUser inserts u; auth.ErrEmailTaken or auth.ErrUsernameTaken on a clash.
func (db *DB) CreateUser(ctx context.Context, u auth.User) error {
	args := userArgs(u)
	_, err := db.pool.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (`+placeholders(len(args))+`)`, args...)
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
		p.Timezone, p.FollowingVisible, u.CreatedAt.UTC(), u.UpdatedAt.UTC()}
}

// placeholders is "$1, $2, …, $n".
func placeholders(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i+1))
	}
	return b.String()
}

// UserByID returns the user; auth.ErrNotFound when there is none.
func (db *DB) UserByID(ctx context.Context, id string) (auth.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return auth.User{}, fmt.Errorf("get user %s: %w", id, notFound(err))
	}
	return u, nil
}

// AuthState reads what every authenticated request checks, in one statement
// (pgx prepares it once per connection): the user's role, disabled flag and
// token version, and whether the sign-in is still live.
func (db *DB) AuthState(ctx context.Context, id, sessionID string) (auth.AuthState, error) {
	var st auth.AuthState
	var role string
	err := db.pool.QueryRow(ctx, `
		SELECT u.role, u.disabled, u.token_version, $2 <> '' AND NOT EXISTS (
			SELECT 1 FROM auth_families f WHERE f.id = $2 AND f.user_id = u.id AND f.revoked_at IS NULL)
		FROM users u WHERE u.id = $1`, id, sessionID).Scan(&role, &st.Disabled, &st.TokenVersion, &st.SessionEnded)
	if err != nil {
		return auth.AuthState{}, fmt.Errorf("auth state of %s: %w", id, notFound(err))
	}
	st.Role = access.Role(role)
	return st, nil
}

// UserByEmail returns the user with exactly this (normalised) email.
func (db *DB) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	if err != nil {
		// The email is personal data; it stays out of errors that end up in logs.
		return auth.User{}, fmt.Errorf("get user by email: %w", notFound(err))
	}
	return u, nil
}

// UpdateProfile replaces the username and profile while the stored version is
// still version, and returns the user as stored. Concurrent writers queue on the
// row lock, and READ COMMITTED re-checks the version against the winner's
// committed row, so of two writers based on one version exactly one matches.
func (db *DB) UpdateProfile(ctx context.Context, id string, version int64, username string, p auth.Profile, now time.Time) (auth.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `
		UPDATE users SET username = $1, display_name = $2, bio = $3, avatar_media_id = $4, language = $5,
			birth_year = $6, break_reminder_minutes = $7, daily_limit_minutes = $8, following_visible = $9,
			timezone = $13, version = version + 1, updated_at = $10
		WHERE id = $11 AND version = $12 RETURNING `+userColumns,
		username, p.DisplayName, p.Bio, p.AvatarMediaID, p.Language,
		p.BirthYear, p.BreakReminderMinutes, p.DailyLimitMinutes, p.FollowingVisible, now.UTC(), id, version, p.Timezone))
	if errors.Is(err, pgx.ErrNoRows) {
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
	if err := db.pool.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1`, id).Scan(&one); err != nil {
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
	tag, err := db.pool.Exec(ctx,
		`UPDATE users SET password_hash = $1, token_version = token_version + $2, version = version + 1, updated_at = $3 WHERE id = $4`,
		hash, bump, now.UTC(), id)
	if err := oneRow(tag, err); err != nil {
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
	var roleArg *string // nil keeps the stored value
	if role != nil {
		r := string(*role)
		roleArg = &r
	}
	u, err := scanUser(db.pool.QueryRow(ctx, `
		UPDATE users SET role = coalesce($1, role), disabled = coalesce($2, disabled),
			token_version = token_version + 1, version = version + 1, updated_at = $3
		WHERE id = $4 RETURNING `+userColumns,
		roleArg, disabled, now.UTC(), id))
	if err != nil {
		return auth.User{}, fmt.Errorf("admin update of %s: %w", id, notFound(err))
	}
	return u, nil
}

// BumpTokenVersion invalidates every access token of the user.
func (db *DB) BumpTokenVersion(ctx context.Context, id string, now time.Time) error {
	tag, err := db.pool.Exec(ctx,
		`UPDATE users SET token_version = token_version + 1, version = version + 1, updated_at = $1 WHERE id = $2`, now.UTC(), id)
	if err := oneRow(tag, err); err != nil {
		return fmt.Errorf("bump token version of %s: %w", id, err)
	}
	return nil
}

// DeleteUser removes the user; foreign keys cascade to families and refresh tokens.
func (db *DB) DeleteUser(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM users WHERE id = $1`, id)
	if err := oneRow(tag, err); err != nil {
		return fmt.Errorf("delete user %s: %w", id, err)
	}
	return nil
}

// ListUsers returns users in ID order after q.AfterID that match q. The WHERE
// clause holds only the filters in use, so the planner sees each query as it is.
func (db *DB) ListUsers(ctx context.Context, q auth.UserQuery) ([]auth.User, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Search != "" {
		p := arg(query.Contains(q.Search))
		where = append(where, `(lower(email) LIKE `+p+` ESCAPE '\' OR lower(username) LIKE `+p+` ESCAPE '\')`)
	}
	if q.Role != "" {
		where = append(where, `role = `+arg(string(q.Role)))
	}
	if q.AfterID != "" {
		where = append(where, `id > `+arg(q.AfterID))
	}
	sqlText := `SELECT ` + userColumns + ` FROM users`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY id LIMIT ` + arg(query.Limit(q.Limit))

	rows, err := db.pool.Query(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	if out == nil {
		out = []auth.User{}
	}
	return out, nil
}

// oneRow finishes a statement that must change exactly one row: auth.ErrNotFound
// when none matched.
func oneRow(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return auth.ErrNotFound
	}
	return nil
}
