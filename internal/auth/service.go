package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth/password"
	"github.com/lyolearn/lyo/internal/auth/token"
	"github.com/lyolearn/lyo/internal/id"
)

// Options tune the service; zero values take the defaults.
type Options struct {
	RefreshTTL time.Duration // default 30 days
	// Grace is how long an already-rotated refresh token is still exchanged
	// without revoking its family (two tabs refreshing at once). At most 10s.
	Grace time.Duration // default 5s
	Now   func() time.Time
}

// Service is accounts and sessions.
type Service struct {
	store      Store
	hasher     *password.Hasher
	tokens     *token.Issuer
	log        *slog.Logger
	refreshTTL time.Duration
	grace      time.Duration
	now        func() time.Time
	parts      []DataPart
	media      MediaRefs
}

// NewService wires the service.
func NewService(store Store, hasher *password.Hasher, tokens *token.Issuer, log *slog.Logger, o Options) *Service {
	s := &Service{store: store, hasher: hasher, tokens: tokens, log: log,
		refreshTTL: o.RefreshTTL, grace: o.Grace, now: o.Now}
	if s.refreshTTL == 0 {
		s.refreshTTL = 30 * 24 * time.Hour
	}
	if s.grace == 0 {
		s.grace = 5 * time.Second
	}
	s.grace = min(s.grace, 10*time.Second)
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Session is what a sign-in answers: a token pair and the user.
type Session struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
	User         User
}

// Register creates a learner account and signs it in.
func (s *Service) Register(ctx context.Context, email, pw, username, userAgent string) (Session, error) {
	email = NormalizeEmail(email)
	if err := validateCredentials(email, pw); err != nil {
		return Session{}, err
	}
	derived := username == ""
	if derived {
		username = usernameFromEmail(email)
	} else {
		username = toLowerTrim(username)
		if !validUsername(username) {
			return Session{}, invalid("username", "use 3 to 30 of a-z, 0-9, _ and ., starting with a letter or digit")
		}
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return Session{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.now().UTC()
	u := User{ID: id.New(now), Email: email, Username: username, PasswordHash: hash, Role: access.Learner, Version: 1, CreatedAt: now, UpdatedAt: now}
	for attempt := 0; ; attempt++ {
		err = s.store.CreateUser(ctx, u)
		if !errors.Is(err, ErrUsernameTaken) || !derived || attempt == 5 {
			break
		}
		u.Username = fmt.Sprintf("%s%04d", usernameFromEmail(email), randomInt(10000))
	}
	if err != nil {
		return Session{}, err
	}
	return s.startSession(ctx, u, userAgent)
}

// CreateUser makes an account with a role, for the operator's command line.
func (s *Service) CreateUser(ctx context.Context, email, pw, username string, role access.Role) (User, error) {
	email = NormalizeEmail(email)
	if err := validateCredentials(email, pw); err != nil {
		return User{}, err
	}
	if !role.Valid() {
		return User{}, invalid("role", "use learner, creator, moderator or admin")
	}
	if username == "" {
		username = usernameFromEmail(email)
	}
	// Say which clash it is: the email matters more than a derived username.
	if _, err := s.store.UserByEmail(ctx, email); err == nil {
		return User{}, ErrEmailTaken
	} else if !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.now().UTC()
	u := User{ID: id.New(now), Email: email, Username: toLowerTrim(username), PasswordHash: hash, Role: role, Version: 1, CreatedAt: now, UpdatedAt: now}
	if !validUsername(u.Username) {
		return User{}, invalid("username", "use 3 to 30 of a-z, 0-9, _ and ., starting with a letter or digit")
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return User{}, err
	}
	return u, nil
}

// Login checks a password. Unknown email and wrong password answer the same
// error after the same amount of hashing work.
func (s *Service) Login(ctx context.Context, email, pw, userAgent string) (Session, error) {
	email = NormalizeEmail(email)
	var u User
	err := ErrNotFound // no account can have an address that is not one
	if validEmail(email) {
		u, err = s.store.UserByEmail(ctx, email)
	}
	if errors.Is(err, ErrNotFound) {
		s.hasher.DummyVerify(ctx)
		return Session{}, ErrInvalidCredentials
	}
	if err != nil {
		return Session{}, err
	}
	ok, rehash, err := s.hasher.Verify(ctx, pw, u.PasswordHash)
	if err != nil {
		return Session{}, fmt.Errorf("verify password of %s: %w", u.ID, err)
	}
	if !ok {
		return Session{}, ErrInvalidCredentials
	}
	if u.Disabled {
		return Session{}, ErrDisabled
	}
	if rehash {
		if h, err := s.hasher.Hash(ctx, pw); err == nil {
			if err := s.store.SetPasswordHash(ctx, u.ID, h, false, s.now().UTC()); err != nil {
				s.log.WarnContext(ctx, "rehash password", "user_id", u.ID, "error", err)
			}
		}
	}
	return s.startSession(ctx, u, userAgent)
}

// startSession opens a refresh-token family and issues the first pair.
func (s *Service) startSession(ctx context.Context, u User, userAgent string) (Session, error) {
	now := s.now().UTC()
	// A header may hold bytes that are not UTF-8, which PostgreSQL will not store.
	ua := truncate(strings.ToValidUTF8(strings.ReplaceAll(userAgent, "\x00", ""), "\uFFFD"), 200)
	fam := Family{ID: id.New(now), UserID: u.ID, UserAgent: ua, CreatedAt: now, LastUsedAt: now}
	raw, rt := s.newRefreshToken(fam, now)
	if err := s.store.CreateFamily(ctx, fam, rt); err != nil {
		return Session{}, fmt.Errorf("start session: %w", err)
	}
	return s.session(u, fam.ID, raw)
}

func (s *Service) session(u User, familyID, refresh string) (Session, error) {
	at, exp, err := s.tokens.Issue(u.ID, string(u.Role), u.TokenVersion, familyID)
	if err != nil {
		return Session{}, fmt.Errorf("issue access token: %w", err)
	}
	return Session{AccessToken: at, RefreshToken: refresh, ExpiresIn: exp.Sub(s.now()).Round(time.Second), User: u}, nil
}

func (s *Service) newRefreshToken(fam Family, now time.Time) (string, RefreshToken) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	raw := "lyo_rt_" + base64.RawURLEncoding.EncodeToString(b[:])
	return raw, RefreshToken{ID: id.New(now), FamilyID: fam.ID, UserID: fam.UserID, Hash: hashToken(raw),
		CreatedAt: now, ExpiresAt: now.Add(s.refreshTTL)}
}

func hashToken(raw string) []byte {
	h := sha256.Sum256([]byte(raw))
	return h[:]
}

// Refresh exchanges a refresh token for a new pair. A sign-in has one live
// refresh token at a time, so a stolen copy can never fork it: a second use of
// a token within the grace window after its rotation (two requests of one
// device racing) answers an access token of the same sign-in and no refresh
// token, and the client keeps the one the first use answered. A second use
// after the grace window revokes the whole sign-in: someone has a copy.
func (s *Service) Refresh(ctx context.Context, raw string) (Session, error) {
	if len(raw) == 0 || len(raw) > 200 {
		return Session{}, ErrInvalidGrant
	}
	rt, fam, err := s.store.RefreshTokenByHash(ctx, hashToken(raw))
	if errors.Is(err, ErrNotFound) {
		return Session{}, ErrInvalidGrant
	}
	if err != nil {
		return Session{}, err
	}
	now := s.now().UTC()
	if fam.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
		return Session{}, ErrInvalidGrant
	}
	u, err := s.store.UserByID(ctx, rt.UserID)
	if errors.Is(err, ErrNotFound) {
		return Session{}, ErrInvalidGrant
	}
	if err != nil {
		return Session{}, err
	}
	if u.Disabled {
		return Session{}, ErrInvalidGrant
	}
	if rt.RotatedAt == nil {
		newRaw, next := s.newRefreshToken(fam, now)
		rotated, err := s.store.RotateRefreshToken(ctx, rt.ID, now, next)
		if err != nil {
			return Session{}, fmt.Errorf("rotate refresh token: %w", err)
		}
		if rotated {
			return s.session(u, fam.ID, newRaw)
		}
		// A concurrent exchange got there first: judge it as a second use.
		if rt, _, err = s.store.RefreshTokenByHash(ctx, hashToken(raw)); err != nil {
			return Session{}, ErrInvalidGrant
		}
	}
	if rt.RotatedAt != nil && now.Sub(*rt.RotatedAt) <= s.grace {
		return s.session(u, fam.ID, "")
	}
	if err := s.store.RevokeFamily(ctx, fam.ID, now); err != nil {
		return Session{}, fmt.Errorf("revoke family after reuse: %w", err)
	}
	s.log.WarnContext(ctx, "refresh token reused; session revoked", "user_id", u.ID, "family_id", fam.ID)
	return Session{}, ErrInvalidGrant
}

// Logout ends one sign-in (the device the access token came from).
func (s *Service) Logout(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return nil // a command-line token belongs to no sign-in
	}
	return s.store.RevokeFamily(ctx, sessionID, s.now().UTC())
}

// LogoutAll ends every sign-in of the user and invalidates their access tokens.
func (s *Service) LogoutAll(ctx context.Context, userID string) error {
	now := s.now().UTC()
	if err := s.store.RevokeUserFamilies(ctx, userID, now); err != nil {
		return err
	}
	return s.store.BumpTokenVersion(ctx, userID, now)
}

// Authenticate checks an access token and the account behind it: a disabled or
// deleted user, a token older than the user's token version, or a token of a
// sign-in that has ended (logout, reuse detected) is refused at once, on every
// node, since every request reads the state from the database.
func (s *Service) Authenticate(ctx context.Context, accessToken string) (access.Caller, error) {
	claims, err := s.tokens.Verify(accessToken)
	if err != nil {
		return access.Caller{}, ErrUnauthenticated
	}
	st, err := s.store.AuthState(ctx, claims.Subject, claims.SessionID)
	if errors.Is(err, ErrNotFound) {
		return access.Caller{}, ErrUnauthenticated
	}
	if err != nil {
		return access.Caller{}, err
	}
	if st.Disabled || st.TokenVersion != claims.Version || st.SessionEnded {
		return access.Caller{}, ErrUnauthenticated
	}
	// The role comes from the database, so a demotion applies at once.
	return access.Caller{UserID: claims.Subject, Role: st.Role, SessionID: claims.SessionID}, nil
}

// AccessToken issues a short-lived access token for an existing user, for the
// operator's command line (support and load tests).
func (s *Service) AccessToken(ctx context.Context, userID string) (string, time.Time, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return "", time.Time{}, err
	}
	if u.Disabled {
		return "", time.Time{}, ErrDisabled
	}
	return s.tokens.Issue(u.ID, string(u.Role), u.TokenVersion, "")
}
