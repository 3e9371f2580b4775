package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

// testAuthState checks the lean lookup every authenticated request makes: it must
// follow role changes, disabling and token-version bumps at once.
func testAuthState(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	st, err := s.AuthState(ctx, u.ID, "")
	if err != nil || st != (auth.AuthState{Role: u.Role, Disabled: false, TokenVersion: u.TokenVersion}) {
		t.Fatalf("AuthState = %+v, %v", st, err)
	}
	role, disabled := access.Moderator, true
	if _, err := s.AdminUpdate(ctx, u.ID, &role, &disabled, c0); err != nil {
		t.Fatal(err)
	}
	if err := s.BumpTokenVersion(ctx, u.ID, c0); err != nil {
		t.Fatal(err)
	}
	want, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = s.AuthState(ctx, u.ID, ""); err != nil || st != (auth.AuthState{Role: access.Moderator, Disabled: true, TokenVersion: want.TokenVersion}) || st.TokenVersion < 2 {
		t.Errorf("after changes AuthState = %+v, %v; user %+v", st, err, want)
	}
	if _, err := s.AuthState(ctx, "nobody", ""); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

// testAuthStateSession checks that the same lookup says whether the token's
// sign-in has ended, so a logout or a detected reuse stops its access tokens at
// once, while the user's other sign-ins go on.
func testAuthStateSession(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	other := mustCreate(t, s, newUser(2))
	phone, _ := mustFamily(t, s, u, t0)
	laptop, _ := mustFamily(t, s, u, t0.Add(time.Second))
	theirs, _ := mustFamily(t, s, other, t0)
	ended := func(userID, sessionID string) bool {
		t.Helper()
		st, err := s.AuthState(ctx, userID, sessionID)
		if err != nil {
			t.Fatalf("AuthState(%s, %s): %v", userID, sessionID, err)
		}
		if st.Role != access.Learner || st.TokenVersion != 1 {
			t.Errorf("AuthState(%s, %s) = %+v: the session changed the user's state", userID, sessionID, st)
		}
		return st.SessionEnded
	}
	if ended(u.ID, phone.ID) || ended(u.ID, laptop.ID) || ended(u.ID, "") {
		t.Error("a live sign-in (or none, for a command-line token) reads as ended")
	}
	if err := s.RevokeFamily(ctx, phone.ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !ended(u.ID, phone.ID) {
		t.Error("a revoked sign-in reads as live")
	}
	if ended(u.ID, laptop.ID) {
		t.Error("revoking one sign-in ended another of the same user")
	}
	if !ended(u.ID, theirs.ID) {
		t.Error("another user's sign-in counts as this user's")
	}
	if !ended(u.ID, id.New(t0)) {
		t.Error("a sign-in that does not exist (swept) reads as live")
	}
}
