package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/store"
)

// newToken returns a token of family f created at `at`, with a hash unique to name.
func newToken(f auth.Family, name string, at time.Time) auth.RefreshToken {
	h := sha256.Sum256([]byte(f.ID + "/" + name))
	return auth.RefreshToken{
		ID: id.New(at), FamilyID: f.ID, UserID: f.UserID, Hash: h[:],
		CreatedAt: at, ExpiresAt: at.Add(30 * 24 * time.Hour),
	}
}

// mustFamily starts a sign-in for u at `at` and returns it with its first token.
func mustFamily(t *testing.T, s store.Store, u auth.User, at time.Time) (auth.Family, auth.RefreshToken) {
	t.Helper()
	f := auth.Family{ID: id.New(at), UserID: u.ID, UserAgent: "Lyo/1.0 (Android 15)", CreatedAt: at, LastUsedAt: at}
	tok := newToken(f, "first", at)
	if err := s.CreateFamily(context.Background(), f, tok); err != nil {
		t.Fatalf("CreateFamily: %v", err)
	}
	return f, tok
}

func lookup(t *testing.T, s store.Store, hash []byte) (auth.RefreshToken, auth.Family) {
	t.Helper()
	tok, f, err := s.RefreshTokenByHash(context.Background(), hash)
	if err != nil {
		t.Fatalf("RefreshTokenByHash: %v", err)
	}
	return tok, f
}

func testFamilyCreateAndLookup(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	f, tok := mustFamily(t, s, u, t0)

	gotTok, gotFam := lookup(t, s, tok.Hash)
	if diff := cmp.Diff(tok, gotTok, sameMicro); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(f, gotFam, sameMicro); diff != "" {
		t.Errorf("family (-want +got):\n%s", diff)
	}
	if gotTok.ExpiresAt.Location() != time.UTC || gotFam.LastUsedAt.Location() != time.UTC {
		t.Errorf("times in %v and %v, want UTC", gotTok.ExpiresAt.Location(), gotFam.LastUsedAt.Location())
	}
	unknown := sha256.Sum256([]byte("unknown"))
	if _, _, err := s.RefreshTokenByHash(ctx, unknown[:]); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("RefreshTokenByHash(unknown) = %v, want auth.ErrNotFound", err)
	}

	// A sign-in for an account that is gone fails and leaves nothing behind.
	ghost := auth.Family{ID: id.New(t0), UserID: id.New(t0), CreatedAt: t0, LastUsedAt: t0}
	ghostTok := newToken(ghost, "first", t0)
	if err := s.CreateFamily(ctx, ghost, ghostTok); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("CreateFamily(unknown user) = %v, want auth.ErrNotFound", err)
	}
	if _, _, err := s.RefreshTokenByHash(ctx, ghostTok.Hash); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("token of the failed CreateFamily: %v, want auth.ErrNotFound", err)
	}
}

func testRotateRefreshToken(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	f, first := mustFamily(t, s, u, t0)

	now := t0.Add(10 * time.Minute)
	second := newToken(f, "second", now)
	ok, err := s.RotateRefreshToken(ctx, first.ID, now, second)
	if err != nil || !ok {
		t.Fatalf("RotateRefreshToken = %v, %v; want true", ok, err)
	}
	old, fam := lookup(t, s, first.Hash)
	if !setAt(old.RotatedAt, now) {
		t.Errorf("old token RotatedAt = %v, want %v", old.RotatedAt, now)
	}
	if !sameTime(fam.LastUsedAt, now) {
		t.Errorf("family LastUsedAt = %v, want %v", fam.LastUsedAt, now)
	}
	gotNext, _ := lookup(t, s, second.Hash)
	if diff := cmp.Diff(second, gotNext, sameMicro); diff != "" {
		t.Errorf("successor (-want +got):\n%s", diff)
	}

	// Presenting the old token again (a replay, or a second device racing) rotates
	// nothing and writes nothing.
	later := now.Add(time.Minute)
	again := newToken(f, "again", later)
	ok, err = s.RotateRefreshToken(ctx, first.ID, later, again)
	if err != nil || ok {
		t.Errorf("second RotateRefreshToken = %v, %v; want false, nil", ok, err)
	}
	if _, _, err := s.RefreshTokenByHash(ctx, again.Hash); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("token from the refused rotation: %v, want auth.ErrNotFound", err)
	}
	if old, fam := lookup(t, s, first.Hash); !setAt(old.RotatedAt, now) || !sameTime(fam.LastUsedAt, now) {
		t.Errorf("refused rotation moved RotatedAt to %v or LastUsedAt to %v", old.RotatedAt, fam.LastUsedAt)
	}
	if ok, err := s.RotateRefreshToken(ctx, id.New(now), later, newToken(f, "ghost", later)); err != nil || ok {
		t.Errorf("RotateRefreshToken(unknown) = %v, %v; want false, nil", ok, err)
	}
}

func testRotateRefreshTokenRace(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	f, first := mustFamily(t, s, u, t0)

	const n = 8
	nexts := make([]auth.RefreshToken, n)
	oks := make([]bool, n)
	errs := make([]error, n)
	now := t0.Add(time.Minute)
	for i := range nexts {
		nexts[i] = newToken(f, string(rune('a'+i)), now)
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { oks[i], errs[i] = s.RotateRefreshToken(ctx, first.ID, now, nexts[i]) })
	}
	wg.Wait()
	winners := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("goroutine %d: %v", i, errs[i])
		}
		_, _, err := s.RefreshTokenByHash(ctx, nexts[i].Hash)
		stored := err == nil
		if oks[i] {
			winners++
		}
		if stored != oks[i] {
			t.Errorf("goroutine %d: rotated %v, but its successor stored %v (%v)", i, oks[i], stored, err)
		}
	}
	if winners != 1 {
		t.Errorf("%d goroutines rotated the same token, want exactly 1", winners)
	}
}

// testOneHeadPerFamily checks that a sign-in never has two live refresh
// tokens: rotating a token that was rotated already (a replay, or racing
// devices) adds nothing, however often it is tried.
func testOneHeadPerFamily(t *testing.T, s store.Store) {
	ctx := context.Background()
	u := mustCreate(t, s, newUser(1))
	f, first := mustFamily(t, s, u, t0)
	head := first
	var all []auth.RefreshToken
	all = append(all, first)
	for i := range 3 {
		now := t0.Add(time.Duration(i+1) * time.Minute)
		next := newToken(f, string(rune('a'+i)), now)
		if ok, err := s.RotateRefreshToken(ctx, head.ID, now, next); err != nil || !ok {
			t.Fatalf("RotateRefreshToken %d = %v, %v", i, ok, err)
		}
		// Replays of every earlier token, as a thief would try them.
		for j, old := range all {
			replay := newToken(f, fmt.Sprintf("replay-%d-%d", i, j), now)
			if ok, err := s.RotateRefreshToken(ctx, old.ID, now, replay); err != nil || ok {
				t.Errorf("rotating the rotated token %d again = %v, %v; want false, nil", j, ok, err)
			}
		}
		head = next
		all = append(all, next)
	}
	live := 0
	for _, tok := range all {
		if got, _ := lookup(t, s, tok.Hash); got.RotatedAt == nil {
			live++
			if got.ID != head.ID {
				t.Errorf("token %s is live, but the head is %s", got.ID, head.ID)
			}
		}
	}
	if live != 1 {
		t.Errorf("the family has %d live tokens, want 1", live)
	}
	// A second family start with the same ID cannot smuggle in a second head.
	if err := s.CreateFamily(ctx, f, newToken(f, "second head", t0)); err == nil {
		t.Error("CreateFamily with an existing family's ID succeeded")
	}
}
