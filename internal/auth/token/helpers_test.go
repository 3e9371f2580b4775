package token

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"
)

// Test fixtures: deterministic keys and a clock tests can move.
var (
	t0       = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	keyA     = NewKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize)))
	keyB     = NewKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize)))
	attacker = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{66}, ed25519.SeedSize))
)

const (
	testIssuer   = "https://lyo.example"
	testAudience = "lyo-api"
	testTTL      = 15 * time.Minute
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// newTestIssuer signs with key, verifies with key and extra, on a clock at t0.
func newTestIssuer(t testing.TB, key Key, extra ...Key) (*Issuer, *clock) {
	t.Helper()
	c := &clock{t: t0}
	iss, err := NewIssuer(key, extra, testIssuer, testAudience, testTTL, c.now)
	if err != nil {
		t.Fatalf("NewIssuer: %v", err)
	}
	return iss, c
}

// baseHeader and baseClaims make a token that is valid at t0 when signed by keyA.
func baseHeader() map[string]any {
	return map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": keyA.ID}
}

func baseClaims() map[string]any {
	return map[string]any{
		"iss":  testIssuer,
		"aud":  []string{testAudience},
		"sub":  "user-1",
		"exp":  t0.Add(testTTL).Unix(),
		"iat":  t0.Unix(),
		"jti":  "AAAAAAAAAAAAAAAAAAAAAA",
		"typ":  "access",
		"role": "learner",
		"ver":  7,
	}
}

// segment is the base64url JSON of v.
func segment(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// signed builds a compact JWT from header and claims, signed with priv.
func signed(t testing.TB, priv ed25519.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	in := segment(t, header) + "." + segment(t, claims)
	return in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(priv, []byte(in)))
}

// edit returns a token signed by keyA whose header and claims are the base ones
// changed by fh and fc (either may be nil).
func edit(t testing.TB, fh, fc func(map[string]any)) string {
	t.Helper()
	h, c := maps.Clone(baseHeader()), maps.Clone(baseClaims())
	if fh != nil {
		fh(h)
	}
	if fc != nil {
		fc(c)
	}
	return signed(t, keyA.Private, h, c)
}

func set(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }
func del(k string) func(map[string]any)        { return func(m map[string]any) { delete(m, k) } }

// split returns the three segments of a compact JWT.
func split(t testing.TB, tok string) (header, payload, sig string) {
	t.Helper()
	p := strings.Split(tok, ".")
	if len(p) != 3 {
		t.Fatalf("token %q has %d segments", tok, len(p))
	}
	return p[0], p[1], p[2]
}
