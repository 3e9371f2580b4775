// Package cursor makes pagination cursors that clients carry but cannot forge: a
// small JSON position, base64url-encoded, with an HMAC tag. A tampered or foreign
// cursor is ErrInvalid, which the HTTP layer answers with 400.
package cursor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is returned for any cursor this server did not make.
var ErrInvalid = errors.New("invalid cursor")

// maxLen bounds what Decode will look at.
const maxLen = 1024

// Codec signs and checks cursors with one key. Every node of a deployment must
// share the key (it is stored in the database).
type Codec struct{ key []byte }

// New makes a codec; key should be at least 32 random bytes.
func New(key []byte) *Codec { return &Codec{key: key} }

// Encode turns a position (any JSON-encodable value) into a cursor. kind separates
// cursors of different lists, so one list's cursor is invalid in another.
func (c *Codec) Encode(kind string, pos any) (string, error) {
	b, err := json.Marshal(pos)
	if err != nil {
		return "", fmt.Errorf("encode cursor: %w", err)
	}
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + c.tag(kind, payload), nil
}

// Decode checks a cursor and fills pos.
func (c *Codec) Decode(kind, s string, pos any) error {
	if len(s) > maxLen {
		return ErrInvalid
	}
	payload, tag, ok := strings.Cut(s, ".")
	if !ok || !hmac.Equal([]byte(tag), []byte(c.tag(kind, payload))) {
		return ErrInvalid
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return ErrInvalid
	}
	if err := json.Unmarshal(b, pos); err != nil {
		return ErrInvalid
	}
	return nil
}

func (c *Codec) tag(kind, payload string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
