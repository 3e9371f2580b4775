// Package token issues and verifies access tokens: short-lived JWTs signed with
// Ed25519 (alg EdDSA).
//
// Verification trusts nothing in a token's header but the key ID: the algorithm
// is pinned to EdDSA, the key is looked up by kid in a fixed set given at start
// (never fetched, never taken from jwk/jku/x5u), and issuer, audience, type and
// times are checked with a small leeway for clock skew. Key IDs are fingerprints
// of the public keys, so rotating is: sign with the new key, keep the old public
// key in the verify set for one token lifetime, then drop it.
//
// Signing and verifying are pure computation over the keys and an injected clock.
// Revocation is the caller's: each token carries the user's token version, which
// the caller compares with the stored one, and the sign-in session it belongs to.
package token

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Limits applied by Verify.
const (
	// MaxLen bounds a token before any parsing. Ours are about 400 bytes.
	MaxLen = 4096
	// Leeway is the clock skew tolerated on exp, nbf and iat.
	Leeway = 30 * time.Second
)

// TypeAccess is the typ claim of an access token. Refresh tokens are not JWTs,
// but the claim keeps any other JWT signed with the same key from passing as one.
const TypeAccess = "access"

// ErrInvalid is wrapped by every error Verify returns: the token must not be
// accepted (an HTTP layer answers 401). The wrapped reason is for logs only.
var ErrInvalid = errors.New("invalid access token")

// Key is an Ed25519 signing key and its key ID.
type Key struct {
	ID      string // kid: KeyID of the public key; NewKey fills it
	Private ed25519.PrivateKey
}

// NewKey returns the Key for priv with its ID derived from the public key.
func NewKey(priv ed25519.PrivateKey) Key {
	return Key{ID: KeyID(priv.Public().(ed25519.PublicKey)), Private: priv}
}

// GenerateKey makes a new random signing key, for development and tests;
// production keys come from configuration so every node shares them.
func GenerateKey() (Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Key{}, fmt.Errorf("generate ed25519 key: %w", err)
	}
	return NewKey(priv), nil
}

// Public returns the public half of k.
func (k Key) Public() ed25519.PublicKey { return k.Private.Public().(ed25519.PublicKey) }

// KeyID is the kid of a public key: the first 16 hex digits of its SHA-256. It
// is stable, so every node derives the same kid from the same key.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Claims are what a verified access token says.
type Claims struct {
	Issuer    string   // iss
	Audience  []string // aud
	Subject   string   // sub: the user ID
	ID        string   // jti: random, unique per token
	Type      string   // typ: always TypeAccess once verified
	Role      string   // role
	Version   int64    // ver: the user's token version when the token was issued
	SessionID string   // sid: the sign-in (refresh-token family); empty for tokens made outside one
	IssuedAt  time.Time
	ExpiresAt time.Time
	NotBefore time.Time // zero when the token has no nbf
}
