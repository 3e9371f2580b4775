package auth_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/auth/password"
	"github.com/lyolearn/lyo/internal/auth/token"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/store"
)

// clock is the service's time: it stands still until the test moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// rig is a service over a real, migrated SQLite database, with its own clock.
type rig struct {
	svc   *auth.Service
	db    store.Store
	clock *clock
	keys  token.Key
}

// grace is the documented default: the rig leaves Options.Grace unset, so a
// changed default fails the tests too.
const grace = 5 * time.Second

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{db: db, clock: &clock{t: time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)}, keys: token.NewKey(priv)}
	r.svc = r.service(t, password.Fast)
	return r
}

// service builds another service on the rig's database, clock and keys, hashing
// new passwords with p (a node with other settings).
func (r *rig) service(t *testing.T, p password.Params) *auth.Service {
	t.Helper()
	issuer, err := token.NewIssuer(r.keys, nil, "lyo", "lyo-api", 15*time.Minute, r.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return auth.NewService(r.db, password.NewHasher(p, 2), issuer, slog.New(slog.DiscardHandler),
		auth.Options{Now: r.clock.Now})
}

func (r *rig) register(t *testing.T, email string) auth.Session {
	t.Helper()
	s, err := r.svc.Register(context.Background(), email, "correct horse battery", "", "test")
	if err != nil {
		t.Fatalf("Register(%s): %v", email, err)
	}
	return s
}

// works reports whether an access token still authenticates.
func (r *rig) works(t *testing.T, accessToken string) bool {
	t.Helper()
	_, err := r.svc.Authenticate(context.Background(), accessToken)
	if err != nil && !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("Authenticate: %v", err)
	}
	return err == nil
}

func TestServiceRegisterAndLogin(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	s := r.register(t, "  Grace.Hopper@Example.ORG ")
	if s.User.Email != "grace.hopper@example.org" || s.User.Username != "grace_hopper" || s.User.Role != access.Learner {
		t.Errorf("Register made %+v", s.User)
	}
	if s.AccessToken == "" || s.RefreshToken == "" || s.ExpiresIn != 15*time.Minute {
		t.Errorf("Register answered %+v", s)
	}
	if c, err := r.svc.Authenticate(ctx, s.AccessToken); err != nil || c.UserID != s.User.ID || c.Role != access.Learner || c.SessionID == "" {
		t.Errorf("Authenticate(new token) = %+v, %v", c, err)
	}
	if _, err := r.svc.Register(ctx, "GRACE.hopper@example.org", "another password", "", ""); !errors.Is(err, auth.ErrEmailTaken) {
		t.Errorf("Register(same email) = %v, want ErrEmailTaken", err)
	}
	var bad *fault.Invalid
	if _, err := r.svc.Register(ctx, "not an email", "short", "", ""); !errors.As(err, &bad) || len(bad.Fields) != 2 {
		t.Errorf("Register(bad email, short password) = %v, want a fault.Invalid on two fields", err)
	}

	in, err := r.svc.Login(ctx, "grace.hopper@EXAMPLE.org", "correct horse battery", "phone")
	if err != nil || in.User.ID != s.User.ID || in.RefreshToken == s.RefreshToken {
		t.Fatalf("Login = %+v, %v", in, err)
	}
	if _, err := r.svc.Login(ctx, "grace.hopper@example.org", "wrong password", ""); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("Login(wrong password) = %v, want ErrInvalidCredentials", err)
	}
	if _, err := r.svc.Login(ctx, "nobody@example.org", "correct horse battery", ""); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("Login(unknown email) = %v, want ErrInvalidCredentials", err)
	}
}

func TestServiceRefreshRotates(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	first := r.register(t, "ada@example.org")
	r.clock.Advance(time.Minute)
	second, err := r.svc.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Errorf("Refresh did not rotate: %+v", second)
	}
	third, err := r.svc.Refresh(ctx, second.RefreshToken)
	if err != nil || third.RefreshToken == second.RefreshToken {
		t.Errorf("Refresh(successor) = %+v, %v", third, err)
	}
	for _, raw := range []string{"", "lyo_rt_unknown", string(make([]byte, 300))} {
		if _, err := r.svc.Refresh(ctx, raw); !errors.Is(err, auth.ErrInvalidGrant) {
			t.Errorf("Refresh(%.20q) = %v, want ErrInvalidGrant", raw, err)
		}
	}
}

// TestServiceRefreshGraceBoundary replays a rotated refresh token at the last
// instant of the grace window and one nanosecond after it: the first is a
// concurrent refresh, the second is reuse and ends the sign-in.
func TestServiceRefreshGraceBoundary(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	first := r.register(t, "ada@example.org")
	other := r.register(t, "bob@example.org")
	r.clock.Advance(time.Minute)
	rotated, err := r.svc.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}

	r.clock.Advance(grace)
	replay, err := r.svc.Refresh(ctx, first.RefreshToken)
	if err != nil {
		t.Fatalf("replay at the end of the grace window: %v, want a session", err)
	}
	if !r.works(t, replay.AccessToken) || !r.works(t, rotated.AccessToken) {
		t.Error("a replay within the grace window broke the sign-in")
	}
	if replay.RefreshToken != "" {
		t.Errorf("a replay within the grace window got a refresh token of its own: the sign-in has two heads")
	}

	r.clock.Advance(time.Nanosecond)
	if _, err := r.svc.Refresh(ctx, first.RefreshToken); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Fatalf("replay just after the grace window = %v, want ErrInvalidGrant", err)
	}
	if rotated.RefreshToken != "" {
		if _, err := r.svc.Refresh(ctx, rotated.RefreshToken); !errors.Is(err, auth.ErrInvalidGrant) {
			t.Errorf("the family's live token after reuse = %v, want ErrInvalidGrant: reuse revokes the sign-in", err)
		}
	}
	if r.works(t, rotated.AccessToken) || r.works(t, replay.AccessToken) {
		t.Errorf("the sign-in's access tokens still work after reuse revoked it")
	}
	if _, err := r.svc.Refresh(ctx, other.RefreshToken); err != nil {
		t.Errorf("another user's sign-in after the reuse: %v", err)
	}
	if !r.works(t, other.AccessToken) {
		t.Errorf("the reuse ended another user's access token")
	}
}

func TestServiceLogout(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	phone := r.register(t, "ada@example.org")
	laptop, err := r.svc.Login(ctx, "ada@example.org", "correct horse battery", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.svc.Authenticate(ctx, phone.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Logout(ctx, c.SessionID); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if r.works(t, phone.AccessToken) {
		t.Errorf("the phone's access token works after its Logout")
	}
	if !r.works(t, laptop.AccessToken) {
		t.Errorf("Logout of the phone ended the laptop's access token")
	}
	if _, err := r.svc.Refresh(ctx, phone.RefreshToken); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Errorf("Refresh after Logout = %v, want ErrInvalidGrant", err)
	}
	if _, err := r.svc.Refresh(ctx, laptop.RefreshToken); err != nil {
		t.Errorf("Logout of the phone ended the laptop's sign-in: %v", err)
	}
	if err := r.svc.Logout(ctx, c.SessionID); err != nil {
		t.Errorf("Logout again = %v, want nil", err)
	}
}

func TestServiceLogoutAll(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	phone := r.register(t, "ada@example.org")
	laptop, err := r.svc.Login(ctx, "ada@example.org", "correct horse battery", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	bob := r.register(t, "bob@example.org")
	if err := r.svc.LogoutAll(ctx, phone.User.ID); err != nil {
		t.Fatalf("LogoutAll: %v", err)
	}
	for name, s := range map[string]auth.Session{"phone": phone, "laptop": laptop} {
		if r.works(t, s.AccessToken) {
			t.Errorf("%s's access token works after LogoutAll", name)
		}
		if _, err := r.svc.Refresh(ctx, s.RefreshToken); !errors.Is(err, auth.ErrInvalidGrant) {
			t.Errorf("%s's refresh after LogoutAll = %v, want ErrInvalidGrant", name, err)
		}
	}
	if !r.works(t, bob.AccessToken) {
		t.Error("LogoutAll of one user ended another's")
	}
}

func TestServiceAdminUpdate(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	admin, err := r.svc.CreateUser(ctx, "root@example.org", "correct horse battery", "", access.Admin)
	if err != nil {
		t.Fatal(err)
	}
	ada := r.register(t, "ada@example.org")

	creator := access.Creator
	u, err := r.svc.AdminUpdate(ctx, admin.ID, ada.User.ID, auth.AdminPatch{Role: &creator})
	if err != nil || u.Role != access.Creator {
		t.Fatalf("AdminUpdate(role) = %+v, %v", u, err)
	}
	// The role change applies to tokens already issued: re-sign-in is needed.
	if r.works(t, ada.AccessToken) {
		t.Error("an access token issued before a role change still works")
	}
	yes := true
	if _, err := r.svc.AdminUpdate(ctx, admin.ID, ada.User.ID, auth.AdminPatch{Disabled: &yes}); err != nil {
		t.Fatalf("AdminUpdate(disable): %v", err)
	}
	if _, err := r.svc.Refresh(ctx, ada.RefreshToken); !errors.Is(err, auth.ErrInvalidGrant) {
		t.Errorf("Refresh of a disabled account = %v, want ErrInvalidGrant", err)
	}
	if _, err := r.svc.Login(ctx, "ada@example.org", "correct horse battery", ""); !errors.Is(err, auth.ErrDisabled) {
		t.Errorf("Login of a disabled account = %v, want ErrDisabled", err)
	}
	entries, _, err := r.svc.Audit(ctx, auth.AuditQuery{TargetID: ada.User.ID, Limit: 10})
	if err != nil || len(entries) != 2 || entries[0].ActorID != admin.ID || entries[0].Action != "user.update" {
		t.Errorf("audit of the two updates = %+v, %v", entries, err)
	}
	bogus := access.Role("owner")
	var bad *fault.Invalid
	if _, err := r.svc.AdminUpdate(ctx, admin.ID, ada.User.ID, auth.AdminPatch{Role: &bogus}); !errors.As(err, &bad) {
		t.Errorf("AdminUpdate(unknown role) = %v, want a fault.Invalid", err)
	}
	if _, err := r.svc.AdminUpdate(ctx, admin.ID, "no-such-user", auth.AdminPatch{Role: &creator}); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("AdminUpdate(unknown user) = %v, want ErrNotFound", err)
	}
}

func TestServiceSelfLockout(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	admin, err := r.svc.CreateUser(ctx, "root@example.org", "correct horse battery", "", access.Admin)
	if err != nil {
		t.Fatal(err)
	}
	learner, yes := access.Learner, true
	for name, p := range map[string]auth.AdminPatch{"demote": {Role: &learner}, "disable": {Disabled: &yes}} {
		_, err := r.svc.AdminUpdate(ctx, admin.ID, admin.ID, p)
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != "self_lockout" || !errors.Is(err, auth.ErrConflict) {
			t.Errorf("%s yourself = %v, want the self_lockout fault of ErrConflict", name, err)
		}
	}
	if u, err := r.svc.Me(ctx, admin.ID); err != nil || u.Role != access.Admin || u.Disabled {
		t.Errorf("after refused self-updates the admin is %+v, %v", u, err)
	}
	// Keeping one's own admin role is no lockout.
	adminRole := access.Admin
	if _, err := r.svc.AdminUpdate(ctx, admin.ID, admin.ID, auth.AdminPatch{Role: &adminRole}); err != nil {
		t.Errorf("AdminUpdate(self, admin) = %v, want nil", err)
	}
}

var phcParams = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$`)

// TestServiceLoginUpgradesHash signs in on a node whose hashing parameters are
// stronger than those the stored hash was made with: the stored hash must be
// made again with the new ones.
func TestServiceLoginUpgradesHash(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	s := r.register(t, "ada@example.org")
	params := func() []string {
		t.Helper()
		u, err := r.db.UserByID(ctx, s.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := phcParams.FindStringSubmatch(u.PasswordHash)
		if m == nil {
			t.Fatalf("stored hash %.30q… is not an argon2id PHC string", u.PasswordHash)
		}
		return m[1:]
	}
	if got := params(); got[0] != "64" || got[1] != "1" {
		t.Fatalf("hash made with m=%s,t=%s, want the rig's m=64,t=1", got[0], got[1])
	}
	stronger := password.Fast
	stronger.Memory, stronger.Time = 128, 2
	if _, err := r.service(t, stronger).Login(ctx, "ada@example.org", "correct horse battery", ""); err != nil {
		t.Fatalf("Login: %v", err)
	}
	if got := params(); got[0] != "128" || got[1] != "2" {
		t.Errorf("after signing in, the stored hash has m=%s,t=%s; want it upgraded to m=128,t=2", got[0], got[1])
	}
	// The upgrade is no password change: sign-ins and their tokens go on.
	if !r.works(t, s.AccessToken) {
		t.Error("upgrading the hash ended the user's sign-ins")
	}
}
