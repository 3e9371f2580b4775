package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/store"
)

// testAuthState checks the lean lookup every authenticated request makes: it must
// follow role changes, disabling and token-version bumps at once.
func testAuthState(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	st, err := s.AuthState(ctx, u.ID)
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
	if st, err = s.AuthState(ctx, u.ID); err != nil || st != (auth.AuthState{Role: access.Moderator, Disabled: true, TokenVersion: want.TokenVersion}) || st.TokenVersion < 2 {
		t.Errorf("after changes AuthState = %+v, %v; user %+v", st, err, want)
	}
	if _, err := s.AuthState(ctx, "nobody"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}
