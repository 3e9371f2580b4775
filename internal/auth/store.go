package auth

import (
	"context"
	"time"

	"github.com/lyolearn/lyo/internal/access"
)

// Store is what accounts need from the database. Both engines implement it; the
// conformance suite in store/storetest checks them alike. Methods that change a
// user return ErrNotFound when the user does not exist.
type Store interface {
	// CreateUser inserts u; ErrEmailTaken or ErrUsernameTaken on a clash
	// (usernames compare case-insensitively).
	CreateUser(ctx context.Context, u User) error
	UserByID(ctx context.Context, id string) (User, error)
	// AuthState is the little every authenticated request checks: role,
	// disabled, token version, and whether the sign-in sessionID names has
	// ended (revoked, or its family gone; never for an empty sessionID). It is
	// on the hot path, so engines answer it in one prepared query.
	AuthState(ctx context.Context, id, sessionID string) (AuthState, error)
	// UserByEmail looks up a normalised email.
	UserByEmail(ctx context.Context, email string) (User, error)
	// UpdateProfile replaces the username and profile, only while the stored
	// version is still version (ErrPreconditionFailed otherwise), so of two
	// updates based on one version one wins; ErrUsernameTaken on a clash.
	UpdateProfile(ctx context.Context, id string, version int64, username string, p Profile, now time.Time) (User, error)
	// SetPasswordHash stores a new hash; bumpVersion also invalidates every access
	// token issued so far (a password change), a rehash on login does not.
	SetPasswordHash(ctx context.Context, id, hash string, bumpVersion bool, now time.Time) error
	// AdminUpdate changes role and/or disabled (nil leaves a field alone) and bumps
	// the token version, so the change applies to tokens already issued.
	AdminUpdate(ctx context.Context, id string, role *access.Role, disabled *bool, now time.Time) (User, error)
	// BumpTokenVersion invalidates every access token of the user.
	BumpTokenVersion(ctx context.Context, id string, now time.Time) error
	// DeleteUser removes the user with their families and refresh tokens.
	DeleteUser(ctx context.Context, id string) error
	// ListUsers returns users in ID order after q.AfterID, at most q.Limit.
	ListUsers(ctx context.Context, q UserQuery) ([]User, error)

	// CreateFamily starts a sign-in with its first refresh token.
	CreateFamily(ctx context.Context, f Family, first RefreshToken) error
	// RefreshTokenByHash finds a token and its family; ErrNotFound when unknown.
	RefreshTokenByHash(ctx context.Context, hash []byte) (RefreshToken, Family, error)
	// RotateRefreshToken marks oldID rotated at now and inserts next, atomically,
	// only if oldID was not rotated yet. It reports whether it did; false means a
	// concurrent or repeated use got there first and nothing was written. It is
	// the only way a token joins a family, so a family has one live head.
	RotateRefreshToken(ctx context.Context, oldID string, now time.Time, next RefreshToken) (bool, error)
	// RevokeFamily ends one sign-in; revoking a revoked family is not an error.
	RevokeFamily(ctx context.Context, familyID string, now time.Time) error
	// RevokeUserFamilies ends every sign-in of the user.
	RevokeUserFamilies(ctx context.Context, userID string, now time.Time) error
	// ListFamilies returns the user's sign-ins, newest first.
	ListFamilies(ctx context.Context, userID string) ([]Family, error)
	// DeleteExpiredRefreshTokens removes tokens that expired before t, and families
	// left without tokens; it returns how many tokens went.
	DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (int64, error)

	// AppendAudit records an administrative action.
	AppendAudit(ctx context.Context, e AuditEntry) error
	// ListAudit returns entries newest first (by ID) before q.BeforeID, filtered.
	ListAudit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
}
