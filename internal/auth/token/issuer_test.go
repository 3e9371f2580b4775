package token

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

func TestKeyID(t *testing.T) {
	// Golden: kids are stored in tokens, so they must not change between releases.
	// Checked with openssl: SHA-256 of the raw public key of seed 0x01×32.
	if got, want := keyA.ID, "34750f98bd59fcfc"; got != want {
		t.Errorf("KeyID(keyA) = %q, want %q", got, want)
	}
	if keyA.ID == keyB.ID {
		t.Errorf("two keys share kid %q", keyA.ID)
	}
	if KeyID(keyA.Public()) != NewKey(keyA.Private).ID {
		t.Errorf("NewKey and KeyID disagree")
	}
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(k.ID) != 16 || k.ID != KeyID(k.Public()) {
		t.Errorf("GenerateKey: kid %q", k.ID)
	}
}

func TestNewIssuerRejects(t *testing.T) {
	// A private key whose public half belongs to another seed.
	mismatched := append(bytes.Clone(keyA.Private[:ed25519.SeedSize]), keyB.Public()...)
	tests := []struct {
		name     string
		key      Key
		verify   []Key
		iss, aud string
		ttl      time.Duration
		msg      string
	}{
		{"no key", Key{}, nil, "i", "a", time.Minute, "signing key: 0 bytes"},
		{"short key", Key{Private: keyA.Private[:32]}, nil, "i", "a", time.Minute, "signing key: 32 bytes"},
		{"mismatched halves", Key{Private: mismatched}, nil, "i", "a", time.Minute, "signing key: public half does not match"},
		{"foreign kid", Key{ID: "my-key", Private: keyA.Private}, nil, "i", "a", time.Minute, "signing key: ID \"my-key\" is not its KeyID"},
		{"short verify key", keyA, []Key{keyB, {Private: keyB.Private[:31]}}, "i", "a", time.Minute, "verify key 1: 31 bytes"},
		{"verify key with foreign kid", keyA, []Key{{ID: keyA.ID, Private: keyB.Private}}, "i", "a", time.Minute, "verify key 0: ID"},
		{"no issuer", keyA, nil, "", "a", time.Minute, "empty issuer"},
		{"no audience", keyA, nil, "i", "", time.Minute, "empty audience"},
		{"zero ttl", keyA, nil, "i", "a", 0, "ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewIssuer(tt.key, tt.verify, tt.iss, tt.aud, tt.ttl, nil)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("NewIssuer error = %v, want one mentioning %q", err, tt.msg)
			}
		})
	}
}

func TestNewIssuerDefaults(t *testing.T) {
	// An empty ID is derived, and a nil clock is the real one.
	iss, err := NewIssuer(Key{Private: keyA.Private}, nil, testIssuer, testAudience, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	if iss.KeyID() != keyA.ID {
		t.Errorf("KeyID() = %q, want %q", iss.KeyID(), keyA.ID)
	}
	tok, exp, err := iss.Issue("u", "learner", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(exp); d < 58*time.Second || d > time.Minute {
		t.Errorf("expires in %v with the real clock, want about a minute", d)
	}
	if _, err := iss.Verify(tok); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

// TestVerifyClock moves the clock over an issued token's life.
func TestVerifyClock(t *testing.T) {
	iss, clk := newTestIssuer(t, keyA)
	tok, exp, err := iss.Issue("user-1", "learner", 1, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   time.Time
		want error
	}{
		{t0.Add(-29 * time.Second), nil}, // a node whose clock is slightly behind
		{t0.Add(-31 * time.Second), jwt.ErrTokenUsedBeforeIssued},
		{exp.Add(-time.Second), nil},
		{exp.Add(Leeway - time.Second), nil},
		{exp.Add(Leeway), jwt.ErrTokenExpired},
		{exp.Add(24 * time.Hour), jwt.ErrTokenExpired},
	}
	for _, tt := range tests {
		clk.t = tt.at
		_, err := iss.Verify(tok)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("at %v: Verify error = %v, want %v", tt.at.Sub(t0), err, tt.want)
		}
	}
}

// TestRotation: a token signed with the old key verifies while the old public
// key is in the verify set, and not after it is dropped.
func TestRotation(t *testing.T) {
	old, _ := newTestIssuer(t, keyA)
	tok, _, err := old.Issue("user-1", "learner", 1, "")
	if err != nil {
		t.Fatal(err)
	}
	during, _ := newTestIssuer(t, keyB, keyA)
	if _, err := during.Verify(tok); err != nil {
		t.Errorf("during rotation: old token: %v", err)
	}
	fresh, _, err := during.Issue("user-1", "learner", 1, "")
	if err != nil {
		t.Fatal(err)
	}
	if h, _, _ := split(t, fresh); !strings.Contains(decodeSegment(t, h), keyB.ID) {
		t.Errorf("during rotation: new tokens are not signed with the new key")
	}
	// Nodes not yet rotated accept new tokens only if they already know keyB.
	if _, err := old.Verify(fresh); !errors.Is(err, errUnknownKey) {
		t.Errorf("old issuer, new token: %v, want errUnknownKey", err)
	}
	after, _ := newTestIssuer(t, keyB)
	if _, err := after.Verify(tok); !errors.Is(err, errUnknownKey) {
		t.Errorf("after rotation: old token: %v, want errUnknownKey", err)
	}
	if _, err := after.Verify(fresh); err != nil {
		t.Errorf("after rotation: new token: %v", err)
	}
}

func decodeSegment(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIssue checks what an issued token holds, header and claims.
func TestIssue(t *testing.T) {
	iss, _ := newTestIssuer(t, keyA)
	tok, exp, err := iss.Issue("user-1", "creator", 42, "session-9")
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(testTTL); !exp.Equal(want) {
		t.Errorf("expiresAt = %v, want %v", exp, want)
	}
	h, _, _ := split(t, tok)
	var header map[string]any
	if err := json.Unmarshal([]byte(decodeSegment(t, h)), &header); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": keyA.ID}, header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	c, err := iss.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ID) != 22 { // 128 bits, base64url
		t.Errorf("jti %q is not 128 bits", c.ID)
	}
	want := &Claims{
		Issuer: testIssuer, Audience: []string{testAudience}, Subject: "user-1", ID: c.ID,
		Type: TypeAccess, Role: "creator", Version: 42, SessionID: "session-9",
		IssuedAt: t0, ExpiresAt: t0.Add(testTTL),
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	// Without a session: no sid claim at all.
	again, _, err := iss.Issue("user-1", "creator", 42, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, p, _ := split(t, again); strings.Contains(decodeSegment(t, p), `"sid"`) {
		t.Errorf("token without session has a sid claim: %s", decodeSegment(t, p))
	}
	c2, err := iss.Verify(again)
	if err != nil {
		t.Fatal(err)
	}
	if c2.ID == c.ID || c2.SessionID != "" {
		t.Errorf("second token: jti %q (first %q), sid %q", c2.ID, c.ID, c2.SessionID)
	}
	if len(tok) > MaxLen/4 {
		t.Errorf("token is %d bytes; MaxLen %d leaves too little headroom", len(tok), MaxLen)
	}

	for _, bad := range [][2]string{{"", "learner"}, {"user-1", ""}} {
		if _, _, err := iss.Issue(bad[0], bad[1], 1, "s"); err == nil {
			t.Errorf("Issue(%q, %q) succeeded", bad[0], bad[1])
		}
	}
}
