package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

func testRevokeFamilies(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := mustCreate(t, s, newUser(1))
	bob := mustCreate(t, s, newUser(2))
	a1, a1tok := mustFamily(t, s, alice, t0)
	_, a2tok := mustFamily(t, s, alice, t0.Add(time.Second))
	_, b1tok := mustFamily(t, s, bob, t0.Add(2*time.Second))

	first, second := t0.Add(time.Hour), t0.Add(2*time.Hour)
	if err := s.RevokeFamily(ctx, a1.ID, first); err != nil {
		t.Fatalf("RevokeFamily: %v", err)
	}
	if err := s.RevokeFamily(ctx, a1.ID, second); err != nil {
		t.Errorf("RevokeFamily again: %v, want nil", err)
	}
	if _, f := lookup(t, s, a1tok.Hash); !setAt(f.RevokedAt, first) {
		t.Errorf("RevokedAt = %v, want the first revocation %v", f.RevokedAt, first)
	}
	if _, f := lookup(t, s, a2tok.Hash); f.RevokedAt != nil {
		t.Errorf("RevokeFamily also revoked another family (at %v)", f.RevokedAt)
	}
	if err := s.RevokeFamily(ctx, id.New(t0), first); err != nil {
		t.Errorf("RevokeFamily(unknown) = %v, want nil: the sign-in has ended already", err)
	}

	if err := s.RevokeUserFamilies(ctx, alice.ID, second); err != nil {
		t.Fatalf("RevokeUserFamilies: %v", err)
	}
	if _, f := lookup(t, s, a1tok.Hash); !setAt(f.RevokedAt, first) {
		t.Errorf("RevokeUserFamilies moved an earlier revocation to %v", f.RevokedAt)
	}
	if _, f := lookup(t, s, a2tok.Hash); !setAt(f.RevokedAt, second) {
		t.Errorf("alice's second family RevokedAt = %v, want %v", f.RevokedAt, second)
	}
	if _, f := lookup(t, s, b1tok.Hash); f.RevokedAt != nil {
		t.Errorf("RevokeUserFamilies(alice) revoked bob's family")
	}
}

func testListFamilies(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := mustCreate(t, s, newUser(1))
	bob := mustCreate(t, s, newUser(2))
	var want []auth.Family
	for i := range 3 {
		f, _ := mustFamily(t, s, alice, t0.Add(time.Duration(i)*time.Hour))
		want = append([]auth.Family{f}, want...) // newest first
	}
	mustFamily(t, s, bob, t0.Add(30*time.Minute))
	if err := s.RevokeFamily(ctx, want[1].ID, t0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	revokedAt := t0.Add(5 * time.Hour)
	want[1].RevokedAt = &revokedAt

	got, err := s.ListFamilies(ctx, alice.ID)
	if err != nil {
		t.Fatalf("ListFamilies: %v", err)
	}
	if diff := cmp.Diff(want, got, sameMicro); diff != "" {
		t.Errorf("ListFamilies (-want +got):\n%s", diff)
	}
	none, err := s.ListFamilies(ctx, mustCreate(t, s, newUser(3)).ID)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("ListFamilies(no sign-ins) = %#v, %v; want an empty slice", none, err)
	}
}

func testDeleteUserCascades(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := mustCreate(t, s, newUser(1))
	bob := mustCreate(t, s, newUser(2))
	_, aTok := mustFamily(t, s, alice, t0)
	_, bTok := mustFamily(t, s, bob, t0)

	if err := s.DeleteUser(ctx, alice.ID); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if _, err := s.UserByID(ctx, alice.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("UserByID(deleted) = %v, want auth.ErrNotFound", err)
	}
	if _, _, err := s.RefreshTokenByHash(ctx, aTok.Hash); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("token of deleted user: %v, want auth.ErrNotFound", err)
	}
	if fams, err := s.ListFamilies(ctx, alice.ID); err != nil || len(fams) != 0 {
		t.Errorf("families of deleted user = %v, %v; want none", fams, err)
	}
	if err := s.DeleteUser(ctx, alice.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("DeleteUser again = %v, want auth.ErrNotFound", err)
	}
	mustUser(t, s, bob.ID)
	lookup(t, s, bTok.Hash)
}

func testDeleteExpiredRefreshTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	cutoff := t0.Add(100 * 24 * time.Hour)
	expired := func(f auth.Family, name string) auth.RefreshToken {
		tok := newToken(f, name, t0)
		tok.ExpiresAt = cutoff.Add(-time.Microsecond)
		return tok
	}
	live := func(f auth.Family, name string) auth.RefreshToken {
		tok := newToken(f, name, t0)
		tok.ExpiresAt = cutoff // not before the cutoff: kept
		return tok
	}
	// rotate makes tok the successor of prev in prev's family.
	rotate := func(prev, tok auth.RefreshToken) {
		t.Helper()
		if ok, err := s.RotateRefreshToken(ctx, prev.ID, t0, tok); err != nil || !ok {
			t.Fatalf("RotateRefreshToken = %v, %v", ok, err)
		}
	}
	// Family a: all expired. Family b: one expired, one live. Family c: live.
	fa := auth.Family{ID: id.New(t0), UserID: u.ID, CreatedAt: t0, LastUsedAt: t0}
	fb := auth.Family{ID: id.New(t0), UserID: u.ID, CreatedAt: t0.Add(time.Second), LastUsedAt: t0}
	fc := auth.Family{ID: id.New(t0), UserID: u.ID, CreatedAt: t0.Add(2 * time.Second), LastUsedAt: t0}
	gone := []auth.RefreshToken{expired(fa, "1"), expired(fa, "2"), expired(fb, "1")}
	kept := []auth.RefreshToken{live(fb, "2"), live(fc, "1")}
	for _, ft := range []struct {
		f   auth.Family
		tok auth.RefreshToken
	}{{fa, gone[0]}, {fb, gone[2]}, {fc, kept[1]}} {
		if err := s.CreateFamily(ctx, ft.f, ft.tok); err != nil {
			t.Fatalf("CreateFamily: %v", err)
		}
	}
	rotate(gone[0], gone[1])
	rotate(gone[2], kept[0])

	n, err := s.DeleteExpiredRefreshTokens(ctx, cutoff)
	if err != nil || n != int64(len(gone)) {
		t.Fatalf("DeleteExpiredRefreshTokens = %d, %v; want %d", n, err, len(gone))
	}
	for _, tok := range gone {
		if _, _, err := s.RefreshTokenByHash(ctx, tok.Hash); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("expired token %s: %v, want auth.ErrNotFound", tok.ID, err)
		}
	}
	for _, tok := range kept {
		lookup(t, s, tok.Hash)
	}
	fams, err := s.ListFamilies(ctx, u.ID)
	if err != nil {
		t.Fatalf("ListFamilies: %v", err)
	}
	var ids []string
	for _, f := range fams {
		ids = append(ids, f.ID)
	}
	if diff := cmp.Diff([]string{fc.ID, fb.ID}, ids); diff != "" {
		t.Errorf("families left (-want +got):\n%s", diff)
	}
	if n, err := s.DeleteExpiredRefreshTokens(ctx, cutoff); err != nil || n != 0 {
		t.Errorf("second DeleteExpiredRefreshTokens = %d, %v; want 0", n, err)
	}
}
