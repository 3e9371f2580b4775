// Package auth is accounts and access: users and their profiles, passwords,
// access and refresh tokens, roles, the admin routes, and the registry through
// which every domain exports and deletes what it holds about a learner.
//
// Access tokens are short-lived Ed25519 JWTs (package token). Refresh tokens are
// opaque random strings stored only as SHA-256 hashes, rotated on every use and
// grouped in families: presenting a token that was already rotated revokes its
// whole family, except within a few seconds' grace so two concurrent refreshes from
// one device both succeed. Each user row carries a token version; logging out
// everywhere, changing the password, or being disabled bumps it, and access tokens
// of an older version stop working at once, on every node, because every
// authenticated request reads the user row.
package auth

import (
	"errors"
	"time"

	"github.com/lyolearn/lyo/internal/access"
)

// The kinds of error the service returns; Mount maps each to a status. A
// fault.Error refines a kind with its own code and message.
var (
	ErrNotFound           = errors.New("not found")
	ErrEmailTaken         = errors.New("an account with this email already exists")
	ErrUsernameTaken      = errors.New("this username is taken")
	ErrInvalidCredentials = errors.New("email or password is wrong")
	ErrInvalidGrant       = errors.New("the refresh token is invalid, expired or revoked")
	ErrUnauthenticated    = errors.New("sign in to use this route")
	ErrForbidden          = errors.New("your role does not allow this")
	ErrDisabled           = errors.New("this account is disabled")
	ErrConflict           = errors.New("the request conflicts with the account's state")
	// ErrPreconditionFailed: the account changed since the version a
	// conditional update was based on.
	ErrPreconditionFailed = errors.New("the account has changed since the version named; read it again and retry")
)

// User is an account. PasswordHash never leaves the package in a response.
type User struct {
	ID           string
	Email        string // normalised: trimmed, lower-case
	Username     string
	PasswordHash string
	Role         access.Role
	Disabled     bool
	TokenVersion int64
	// Version goes up with every change to the row: the ETag of /me, and what a
	// conditional update compares.
	Version   int64
	Profile   Profile
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AuthState is what decides whether a user's access token still works.
type AuthState struct {
	Role         access.Role
	Disabled     bool
	TokenVersion int64
	// SessionEnded: the token's sign-in was revoked (logout, reuse detected)
	// or is gone.
	SessionEnded bool
}

// Profile is what a learner edits about themselves.
type Profile struct {
	DisplayName   string
	Bio           string
	AvatarMediaID string
	Language      string // BCP 47 tag, e.g. "en" or "pt-BR"
	BirthYear     int    // 0: not given
	// Wellbeing settings the feed reads; 0 switches each off.
	BreakReminderMinutes int
	DailyLimitMinutes    int
	// Timezone is the IANA zone the learner's day is counted in (the daily
	// limit); "" means UTC.
	Timezone string
	// FollowingVisible is whether others may list whom the user follows; nil
	// until the user chooses (see ShowsFollowing).
	FollowingVisible *bool
}

// RefreshToken is one link in a family's chain. Only the hash of the token is kept.
type RefreshToken struct {
	ID        string
	FamilyID  string
	UserID    string
	Hash      []byte // SHA-256 of the token string
	CreatedAt time.Time
	ExpiresAt time.Time
	RotatedAt *time.Time // set when it was exchanged for its successor
}

// Family is one sign-in on one device: the chain of refresh tokens since login.
type Family struct {
	ID         string
	UserID     string
	UserAgent  string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  *time.Time
}

// AuditEntry records one administrative action.
type AuditEntry struct {
	ID       string
	At       time.Time
	ActorID  string // the admin, or "cli"
	Action   string // e.g. "user.update", "flag.set"
	TargetID string
	Details  map[string]any
}

// UserQuery selects users for the admin list. Search matches email or username.
type UserQuery struct {
	Search  string
	Role    access.Role
	AfterID string // keyset pagination: users with a larger ID
	Limit   int
}

// AuditQuery selects audit entries, newest first.
type AuditQuery struct {
	ActorID  string
	TargetID string
	BeforeID string // keyset pagination: entries with a smaller ID
	Limit    int
}
