package token

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer signs access tokens with one key and verifies them against a fixed set
// of keys. It is safe for concurrent use.
type Issuer struct {
	signing  Key
	keys     map[string]ed25519.PublicKey // by kid
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
	parser   *jwt.Parser
}

// NewIssuer returns an Issuer that signs with signing and accepts tokens signed
// by signing or by any of verify (only their public halves are kept; verify may
// include signing). Tokens name issuer as iss and audience as aud, and live for
// ttl. now is the clock (time.Now if nil).
//
// A Key's ID may be empty; if set it must be KeyID of its public key, since
// verifiers know a key only by that fingerprint.
func NewIssuer(signing Key, verify []Key, issuer, audience string, ttl time.Duration, now func() time.Time) (*Issuer, error) {
	signing, err := checkKey(signing)
	if err != nil {
		return nil, fmt.Errorf("token: signing key: %w", err)
	}
	switch {
	case issuer == "":
		return nil, errors.New("token: empty issuer")
	case audience == "":
		return nil, errors.New("token: empty audience")
	case ttl <= 0:
		return nil, fmt.Errorf("token: ttl %v is not positive", ttl)
	}
	if now == nil {
		now = time.Now
	}
	keys := map[string]ed25519.PublicKey{signing.ID: signing.Public()}
	for n, k := range verify {
		k, err := checkKey(k)
		if err != nil {
			return nil, fmt.Errorf("token: verify key %d: %w", n, err)
		}
		keys[k.ID] = k.Public()
	}
	i := &Issuer{
		signing:  signing,
		keys:     keys,
		issuer:   issuer,
		audience: audience,
		ttl:      ttl,
		now:      now,
	}
	i.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithStrictDecoding(),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(now),
	)
	return i, nil
}

// checkKey returns k with its ID filled in, or why k cannot be used.
func checkKey(k Key) (Key, error) {
	if len(k.Private) != ed25519.PrivateKeySize {
		return Key{}, fmt.Errorf("%d bytes, want %d", len(k.Private), ed25519.PrivateKeySize)
	}
	pub := k.Public()
	// A private key is seed‖public; a mismatched pair would sign tokens nobody verifies.
	if !bytes.Equal(ed25519.NewKeyFromSeed(k.Private.Seed()).Public().(ed25519.PublicKey), pub) {
		return Key{}, errors.New("public half does not match the seed")
	}
	switch kid := KeyID(pub); k.ID {
	case "":
		k.ID = kid
	case kid:
	default:
		return Key{}, fmt.Errorf("ID %q is not its KeyID %q", k.ID, kid)
	}
	return k, nil
}

// KeyID returns the kid of the key the Issuer signs with.
func (i *Issuer) KeyID() string { return i.signing.ID }

// TTL returns how long issued tokens live.
func (i *Issuer) TTL() time.Duration { return i.ttl }

// Issue signs an access token for userID with role, the user's current token
// version and the sign-in session it belongs to (empty for none), and returns it
// with its expiry (whole seconds, as in the token).
func (i *Issuer) Issue(userID, role string, version int64, sessionID string) (token string, expiresAt time.Time, err error) {
	if userID == "" {
		return "", time.Time{}, errors.New("token: issue: empty user id")
	}
	if role == "" {
		return "", time.Time{}, errors.New("token: issue: empty role")
	}
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("token: issue: read jti: %w", err)
	}
	now := i.now().Truncate(time.Second)
	exp := now.Add(i.ttl).Truncate(time.Second)
	c := wireClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    i.issuer,
			Subject:   userID,
			Audience:  jwt.ClaimStrings{i.audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        base64.RawURLEncoding.EncodeToString(jti[:]),
		},
		Type:      TypeAccess,
		Role:      role,
		Version:   &version,
		SessionID: sessionID,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = i.signing.ID
	s, err := t.SignedString(i.signing.Private)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("token: issue: sign: %w", err)
	}
	return s, exp, nil
}
