package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

// sameMicro compares times at PostgreSQL's precision. Inputs carry nanoseconds and
// a non-UTC zone on purpose, so a store that drops either still passes only if the
// instant survives.
var sameMicro = cmp.Comparer(sameTime)

func sameTime(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

// setAt reports whether an optional time is set, to want.
func setAt(p *time.Time, want time.Time) bool { return p != nil && sameTime(*p, want) }

// t0 is the base of every time in the account tests.
var t0 = time.Date(2025, 6, 7, 8, 9, 10, 123456789, time.FixedZone("CEST", 2*3600))

// newUser returns a distinct, fully populated user; i orders the IDs. Its
// following_visible is unset, true or false as i goes.
func newUser(i int) auth.User {
	now := t0.Add(time.Duration(i) * time.Millisecond)
	var visible *bool
	if i%3 != 0 {
		v := i%3 == 1
		visible = &v
	}
	return auth.User{
		ID:           id.New(now),
		Email:        fmt.Sprintf("user%d@example.com", i),
		Username:     fmt.Sprintf("user%d", i),
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA",
		Role:         access.Learner,
		TokenVersion: 1,
		Version:      int64(10 + i),
		Profile: auth.Profile{
			DisplayName: fmt.Sprintf("User %d", i), Bio: "likes ✨ physics", AvatarMediaID: id.New(now),
			Language: "pt-BR", BirthYear: 1990 + i%20, BreakReminderMinutes: 25, DailyLimitMinutes: 90, Timezone: "America/Sao_Paulo",
			FollowingVisible: visible,
		},
		CreatedAt: now,
		UpdatedAt: now,
	}
}

func mustCreate(t *testing.T, s store.Store, u auth.User) auth.User {
	t.Helper()
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", u.Username, err)
	}
	return u
}

func mustUser(t *testing.T, s store.Store, userID string) auth.User {
	t.Helper()
	u, err := s.UserByID(context.Background(), userID)
	if err != nil {
		t.Fatalf("UserByID(%s): %v", userID, err)
	}
	return u
}

func testUserCreateAndLookup(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))

	byID, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	if diff := cmp.Diff(u, byID, sameMicro); diff != "" {
		t.Errorf("UserByID mismatch (-want +got):\n%s", diff)
	}
	if byID.CreatedAt.Location() != time.UTC || byID.UpdatedAt.Location() != time.UTC {
		t.Errorf("times in %v and %v, want UTC", byID.CreatedAt.Location(), byID.UpdatedAt.Location())
	}
	byEmail, err := s.UserByEmail(ctx, u.Email)
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	if diff := cmp.Diff(u, byEmail, sameMicro); diff != "" {
		t.Errorf("UserByEmail mismatch (-want +got):\n%s", diff)
	}

	if _, err := s.UserByID(ctx, id.New(t0)); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UserByID(unknown) = %v, want auth.ErrNotFound", err)
	}
	if _, err := s.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UserByEmail(unknown) = %v, want auth.ErrNotFound", err)
	}

	dupEmail := newUser(2)
	dupEmail.Email = u.Email
	if err := s.CreateUser(ctx, dupEmail); !errors.Is(err, auth.ErrEmailTaken) {
		t.Errorf("CreateUser(same email) = %v, want auth.ErrEmailTaken", err)
	}
	dupName := newUser(3)
	dupName.Username = "USER1" // u is "user1": usernames compare case-insensitively
	if err := s.CreateUser(ctx, dupName); !errors.Is(err, auth.ErrUsernameTaken) {
		t.Errorf("CreateUser(same username, other case) = %v, want auth.ErrUsernameTaken", err)
	}
	// Neither failed insert left a row behind.
	if got, err := s.ListUsers(ctx, auth.UserQuery{}); err != nil || len(got) != 1 {
		t.Errorf("ListUsers after failed creates = %d users, %v; want 1", len(got), err)
	}
}

func testUserUpdateProfile(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	other := mustCreate(t, s, newUser(2))

	now := t0.Add(time.Hour)
	hidden := false
	p := auth.Profile{
		DisplayName: "Ada L.", Bio: "new bio\nsecond line", AvatarMediaID: id.New(now), Language: "en",
		BirthYear: 1815, BreakReminderMinutes: 15, DailyLimitMinutes: 0, Timezone: "Asia/Tokyo", FollowingVisible: &hidden,
	}
	got, err := s.UpdateProfile(ctx, u.ID, u.Version, "Ada", p, now)
	if err != nil {
		t.Fatalf("UpdateProfile: %v", err)
	}
	want := u
	want.Username, want.Profile, want.UpdatedAt, want.Version = "Ada", p, now, u.Version+1
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("UpdateProfile returned (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, mustUser(t, s, u.ID), sameMicro); diff != "" {
		t.Errorf("UserByID after UpdateProfile (-want +got):\n%s", diff)
	}

	// Changing the case of one's own username is not a clash; unsetting the
	// following choice goes back to the default.
	p.FollowingVisible = nil
	if got, err := s.UpdateProfile(ctx, u.ID, want.Version, "ADA", p, now); err != nil || got.Profile.FollowingVisible != nil {
		t.Errorf("UpdateProfile(own username, other case, no following choice) = %+v, %v", got.Profile, err)
	}
	if _, err := s.UpdateProfile(ctx, other.ID, other.Version, "ada", other.Profile, now); !errors.Is(err, auth.ErrUsernameTaken) {
		t.Errorf("UpdateProfile(taken username) = %v, want auth.ErrUsernameTaken", err)
	}
	if got := mustUser(t, s, other.ID); got.Username != other.Username || got.Version != other.Version {
		t.Errorf("after the clash, username %q version %d, want %q %d unchanged", got.Username, got.Version, other.Username, other.Version)
	}
	if _, err := s.UpdateProfile(ctx, id.New(now), 1, "ghost", p, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UpdateProfile(unknown) = %v, want auth.ErrNotFound", err)
	}
}

// testUserUpdateProfileConditional checks the optimistic concurrency /me relies
// on: an update names the version it was based on, a stale one changes nothing,
// and of concurrent updates based on one version exactly one is written.
func testUserUpdateProfileConditional(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	now := t0.Add(time.Hour)
	if _, err := s.UpdateProfile(ctx, u.ID, u.Version-1, "stale", u.Profile, now); !errors.Is(err, auth.ErrPreconditionFailed) {
		t.Errorf("UpdateProfile(stale version) = %v, want auth.ErrPreconditionFailed", err)
	}
	if got := mustUser(t, s, u.ID); got.Username != u.Username || got.Version != u.Version {
		t.Errorf("a refused update wrote: username %q version %d", got.Username, got.Version)
	}

	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p := u.Profile
			p.DisplayName = fmt.Sprintf("writer %d", i)
			_, errs[i] = s.UpdateProfile(ctx, u.ID, u.Version, u.Username, p, now)
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both updated version %d", winner, i, u.Version)
		case err == nil:
			winner = i
		case !errors.Is(err, auth.ErrPreconditionFailed):
			t.Errorf("writer %d: %v, want nil or auth.ErrPreconditionFailed", i, err)
		}
	}
	got := mustUser(t, s, u.ID)
	if winner < 0 || got.Profile.DisplayName != fmt.Sprintf("writer %d", winner) || got.Version != u.Version+1 {
		t.Errorf("after the race: winner %d, stored %q at version %d; want the winner's name at %d", winner, got.Profile.DisplayName, got.Version, u.Version+1)
	}

	// Every other write to the account moves the version too.
	role := access.Creator
	for name, write := range map[string]func() error{
		"SetPasswordHash":  func() error { return s.SetPasswordHash(ctx, u.ID, "rehashed", false, now) },
		"BumpTokenVersion": func() error { return s.BumpTokenVersion(ctx, u.ID, now) },
		"AdminUpdate":      func() error { _, err := s.AdminUpdate(ctx, u.ID, &role, nil, now); return err },
	} {
		before := mustUser(t, s, u.ID).Version
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if after := mustUser(t, s, u.ID).Version; after != before+1 {
			t.Errorf("%s moved the version from %d to %d, want %d", name, before, after, before+1)
		}
	}
}

func testUserPasswordAndVersion(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	now := t0.Add(time.Minute)

	// A rehash on login keeps issued tokens valid.
	if err := s.SetPasswordHash(ctx, u.ID, "rehashed", false, now); err != nil {
		t.Fatalf("SetPasswordHash(no bump): %v", err)
	}
	got := mustUser(t, s, u.ID)
	if got.PasswordHash != "rehashed" || got.TokenVersion != u.TokenVersion || !sameTime(got.UpdatedAt, now) {
		t.Errorf("after rehash: hash %q, version %d, updated %v; want rehashed, %d, %v", got.PasswordHash, got.TokenVersion, got.UpdatedAt, u.TokenVersion, now)
	}
	// A password change revokes them.
	if err := s.SetPasswordHash(ctx, u.ID, "changed", true, now); err != nil {
		t.Fatalf("SetPasswordHash(bump): %v", err)
	}
	got = mustUser(t, s, u.ID)
	if got.PasswordHash != "changed" || got.TokenVersion != u.TokenVersion+1 {
		t.Errorf("after change: hash %q, version %d; want changed, %d", got.PasswordHash, got.TokenVersion, u.TokenVersion+1)
	}
	for range 2 {
		if err := s.BumpTokenVersion(ctx, u.ID, now); err != nil {
			t.Fatalf("BumpTokenVersion: %v", err)
		}
	}
	if got := mustUser(t, s, u.ID); got.TokenVersion != u.TokenVersion+3 {
		t.Errorf("after two bumps, version %d, want %d", got.TokenVersion, u.TokenVersion+3)
	}

	ghost := id.New(now)
	if err := s.SetPasswordHash(ctx, ghost, "x", true, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("SetPasswordHash(unknown) = %v, want auth.ErrNotFound", err)
	}
	if err := s.BumpTokenVersion(ctx, ghost, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("BumpTokenVersion(unknown) = %v, want auth.ErrNotFound", err)
	}
}

func testUserAdminUpdate(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	now := t0.Add(2 * time.Hour)
	role, yes, no := access.Moderator, true, false

	got, err := s.AdminUpdate(ctx, u.ID, &role, nil, now)
	if err != nil {
		t.Fatalf("AdminUpdate(role): %v", err)
	}
	want := u
	want.Role, want.TokenVersion, want.Version, want.UpdatedAt = access.Moderator, u.TokenVersion+1, u.Version+1, now
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("AdminUpdate(role) (-want +got):\n%s", diff)
	}

	got, err = s.AdminUpdate(ctx, u.ID, nil, &yes, now)
	if err != nil {
		t.Fatalf("AdminUpdate(disabled): %v", err)
	}
	want.Disabled, want.TokenVersion, want.Version = true, want.TokenVersion+1, want.Version+1
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("AdminUpdate(disabled) (-want +got):\n%s", diff)
	}

	admin := access.Admin
	got, err = s.AdminUpdate(ctx, u.ID, &admin, &no, now)
	if err != nil {
		t.Fatalf("AdminUpdate(both): %v", err)
	}
	want.Role, want.Disabled, want.TokenVersion, want.Version = access.Admin, false, want.TokenVersion+1, want.Version+1
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("AdminUpdate(both) (-want +got):\n%s", diff)
	}

	// Nothing to change: no version bump, no new UpdatedAt.
	got, err = s.AdminUpdate(ctx, u.ID, nil, nil, now.Add(time.Hour))
	if err != nil {
		t.Fatalf("AdminUpdate(nothing): %v", err)
	}
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("AdminUpdate(nothing) changed the user (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, mustUser(t, s, u.ID), sameMicro); diff != "" {
		t.Errorf("UserByID after AdminUpdate (-want +got):\n%s", diff)
	}

	ghost := id.New(now)
	if _, err := s.AdminUpdate(ctx, ghost, &role, nil, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("AdminUpdate(unknown) = %v, want auth.ErrNotFound", err)
	}
	if _, err := s.AdminUpdate(ctx, ghost, nil, nil, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("AdminUpdate(unknown, nothing) = %v, want auth.ErrNotFound", err)
	}
}
