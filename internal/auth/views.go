package auth

import (
	"cmp"
	"time"

	"github.com/lyolearn/lyo/internal/access"
)

// UserView is an account as its owner (and admins) see it. It has no hash, and
// no field named for one.
type UserView struct {
	ID                   string      `json:"id"`
	Email                string      `json:"email"`
	Username             string      `json:"username"`
	Role                 access.Role `json:"role"`
	Disabled             bool        `json:"disabled"`
	DisplayName          string      `json:"display_name"`
	Bio                  string      `json:"bio"`
	AvatarMediaID        string      `json:"avatar_media_id"`
	Language             string      `json:"language"`
	BirthYear            *int        `json:"birth_year"`
	IsMinor              bool        `json:"is_minor"`
	BreakReminderMinutes int         `json:"break_reminder_minutes"`
	DailyLimitMinutes    int         `json:"daily_limit_minutes"`
	Timezone             string      `json:"timezone"`
	FollowingVisible     bool        `json:"following_visible"`
	CreatedAt            time.Time   `json:"created_at"`
	UpdatedAt            time.Time   `json:"updated_at"`
}

// NewUserView renders u at now (minor status depends on the date).
func NewUserView(u User, now time.Time) UserView {
	v := UserView{
		ID: u.ID, Email: u.Email, Username: u.Username, Role: u.Role, Disabled: u.Disabled,
		DisplayName: u.Profile.DisplayName, Bio: u.Profile.Bio, AvatarMediaID: u.Profile.AvatarMediaID,
		Language: u.Profile.Language, IsMinor: u.Profile.IsMinor(now),
		BreakReminderMinutes: u.Profile.BreakReminderMinutes, DailyLimitMinutes: u.Profile.DailyLimitMinutes,
		Timezone:         cmp.Or(u.Profile.Timezone, "UTC"),
		FollowingVisible: u.Profile.ShowsFollowing(now),
		CreatedAt:        u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC(),
	}
	if u.Profile.BirthYear != 0 {
		y := u.Profile.BirthYear
		v.BirthYear = &y
	}
	return v
}

// TokenView is the OAuth2-style answer to register, login and refresh. A
// refresh within the grace window has no refresh token: the client keeps the
// one it has (RFC 6749 §6).
type TokenView struct {
	AccessToken  string   `json:"access_token"`
	RefreshToken string   `json:"refresh_token,omitempty"`
	TokenType    string   `json:"token_type"`
	ExpiresIn    int64    `json:"expires_in"`
	User         UserView `json:"user"`
}

func newTokenView(s Session, now time.Time) TokenView {
	return TokenView{AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, TokenType: "Bearer",
		ExpiresIn: int64(s.ExpiresIn / time.Second), User: NewUserView(s.User, now)}
}

// SessionView is one sign-in, in the export.
type SessionView struct {
	ID         string     `json:"id"`
	UserAgent  string     `json:"user_agent"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt time.Time  `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

func sessionViews(fams []Family) []SessionView {
	out := make([]SessionView, 0, len(fams))
	for _, f := range fams {
		out = append(out, SessionView{ID: f.ID, UserAgent: f.UserAgent, CreatedAt: f.CreatedAt.UTC(), LastUsedAt: f.LastUsedAt.UTC(), RevokedAt: f.RevokedAt})
	}
	return out
}

// AuditView is one audit entry.
type AuditView struct {
	ID       string         `json:"id"`
	At       time.Time      `json:"at"`
	ActorID  string         `json:"actor_id"`
	Action   string         `json:"action"`
	TargetID string         `json:"target_id"`
	Details  map[string]any `json:"details"`
}
