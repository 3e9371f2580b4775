package token

import (
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// Reasons Verify wraps under ErrInvalid, besides the jwt package's own errors.
var (
	errTooLong    = fmt.Errorf("token longer than %d bytes", MaxLen)
	errCharset    = errors.New("token holds a byte outside base64url and '.'")
	errNoKeyID    = errors.New("token header has no string kid")
	errUnknownKey = errors.New("token kid names no known key")
	errHeaderType = errors.New("token header typ is not JWT")
	errCritical   = errors.New("token header has crit extensions")
	errWrongType  = fmt.Errorf("token typ is not %q", TypeAccess)
)

// Verify checks an access token and returns its claims. Any failure wraps
// ErrInvalid. The caller still compares Claims.Version with the user's current
// token version.
func (i *Issuer) Verify(token string) (*Claims, error) {
	if len(token) > MaxLen {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, errTooLong)
	}
	// The base64 decoder skips CR and LF; refusing every stray byte here keeps
	// one spelling per token and spares the parser obvious garbage.
	for n := 0; n < len(token); n++ {
		if c := token[n]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return nil, fmt.Errorf("%w: %w", ErrInvalid, errCharset)
		}
	}
	var c wireClaims
	if _, err := i.parser.ParseWithClaims(token, &c, i.key); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c.claims(), nil
}

// key picks the verification key by kid from the fixed set, after checking the
// rest of the header. The alg was already pinned to EdDSA by the parser.
func (i *Issuer) key(t *jwt.Token) (any, error) {
	if _, ok := t.Header["crit"]; ok {
		return nil, errCritical
	}
	if typ, ok := t.Header["typ"].(string); !ok || typ != "JWT" {
		return nil, errHeaderType
	}
	kid, ok := t.Header["kid"].(string)
	if !ok {
		return nil, errNoKeyID
	}
	pub, ok := i.keys[kid]
	if !ok {
		return nil, errUnknownKey
	}
	return pub, nil
}

// wireClaims is the JSON payload. Version is a pointer so that a token without
// ver fails instead of reading as version 0.
type wireClaims struct {
	jwt.RegisteredClaims
	Type      string `json:"typ"`
	Role      string `json:"role"`
	Version   *int64 `json:"ver"`
	SessionID string `json:"sid,omitempty"`
}

// Validate adds the checks jwt.Validator does not make; the parser calls it
// after the signature is verified.
func (c *wireClaims) Validate() error {
	switch {
	case c.IssuedAt == nil:
		return fmt.Errorf("%w: iat", jwt.ErrTokenRequiredClaimMissing)
	case c.Subject == "":
		return fmt.Errorf("%w: sub", jwt.ErrTokenRequiredClaimMissing)
	case c.ID == "":
		return fmt.Errorf("%w: jti", jwt.ErrTokenRequiredClaimMissing)
	case c.Role == "":
		return fmt.Errorf("%w: role", jwt.ErrTokenRequiredClaimMissing)
	case c.Version == nil:
		return fmt.Errorf("%w: ver", jwt.ErrTokenRequiredClaimMissing)
	case c.Type != TypeAccess:
		return errWrongType
	}
	return nil
}

func (c *wireClaims) claims() *Claims {
	out := &Claims{
		Issuer:    c.Issuer,
		Audience:  c.Audience,
		Subject:   c.Subject,
		ID:        c.ID,
		Type:      c.Type,
		Role:      c.Role,
		Version:   *c.Version,
		SessionID: c.SessionID,
		IssuedAt:  c.IssuedAt.Time,
		ExpiresAt: c.ExpiresAt.Time,
	}
	if c.NotBefore != nil {
		out.NotBefore = c.NotBefore.Time
	}
	return out
}
