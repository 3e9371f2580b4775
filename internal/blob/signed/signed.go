// Package signed makes and checks Lyo's own signed URLs: HMAC-SHA256 over what
// a request may do (the operation, the key, the expiry, the content type and
// length), under one of several keys so that keys rotate without breaking URLs
// already handed out. Local storage presigns with it, and Handler serves such
// URLs on any blob.Store.
//
// Rotation: configure the new key second, roll out (every node verifies both),
// swap the order (nodes sign with the new one), and drop the old key once the
// longest-lived URL signed with it has expired.
package signed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

// Op is what a signed URL allows.
type Op string

// Operations a signed URL may allow.
const (
	OpGet  Op = "get"  // GET or HEAD of the object
	OpPut  Op = "put"  // PUT of the whole object
	OpPost Op = "post" // an HTML-form POST of the object
	OpPart Op = "part" // PUT of one part of a multipart upload
)

// Claims are what a signature fixes. Zero fields are not constraints, but they
// are signed too: nobody can add one to a URL.
type Claims struct {
	Op          Op
	Key         string
	Expires     time.Time // to the second
	ContentType string    // put, post: the Content-Type the request must carry
	Size        int64     // put, part: the exact Content-Length, when positive
	MinSize     int64     // post: the file's length bounds
	MaxSize     int64
	UploadID    string // part
	Part        int    // part
}

// MinKeyBytes is the shortest secret Keys accept.
const MinKeyBytes = 32

// Keys sign with the first secret and verify with any.
type Keys struct {
	keys []key
}

type key struct {
	id     string
	secret []byte
}

// NewKeys takes one or more secrets of at least MinKeyBytes each, the signing one first.
func NewKeys(secrets ...[]byte) (*Keys, error) {
	if len(secrets) == 0 {
		return nil, errors.New("signed: no key")
	}
	k := &Keys{}
	for i, s := range secrets {
		if len(s) < MinKeyBytes {
			return nil, fmt.Errorf("signed: key %d has %d bytes, want at least %d", i+1, len(s), MinKeyBytes)
		}
		// The id names the key in URLs without revealing it.
		sum := sha256.Sum256(append([]byte("lyo signed-url key id\x00"), s...))
		k.keys = append(k.keys, key{id: hex.EncodeToString(sum[:6]), secret: s})
	}
	return k, nil
}

// Query parameter names. The signature covers every one of them.
const (
	pOp, pExp, pType, pSize, pMin, pMax, pUpload, pPart, pKid, pSig = "op", "exp", "ct", "len", "min", "max", "upload", "part", "kid", "sig"
)

// Sign returns the query parameters that carry c, signed for scope (the name of
// the store a route serves, so a URL for one store is refused by another's).
func (k *Keys) Sign(scope string, c Claims) url.Values {
	q := url.Values{}
	q.Set(pOp, string(c.Op))
	q.Set(pExp, strconv.FormatInt(c.Expires.Unix(), 10))
	text := func(name, v string) {
		if v != "" {
			q.Set(name, v)
		}
	}
	num := func(name string, n int64) {
		if n != 0 {
			q.Set(name, strconv.FormatInt(n, 10))
		}
	}
	text(pType, c.ContentType)
	num(pSize, c.Size)
	num(pMin, c.MinSize)
	num(pMax, c.MaxSize)
	text(pUpload, c.UploadID)
	num(pPart, int64(c.Part))
	q.Set(pKid, k.keys[0].id)
	q.Set(pSig, hex.EncodeToString(mac(k.keys[0].secret, scope, c)))
	return q
}

// URL is base + "/" + the escaped key + "?" + the signed query.
func (k *Keys) URL(base, scope string, c Claims) string {
	return strings.TrimRight(base, "/") + "/" + EscapeKey(c.Key) + "?" + k.Sign(scope, c).Encode()
}

// EscapeKey escapes each segment of a key for a URL path; the segments' '/'
// stay, so a route's {key...} wildcard gets the key back.
func EscapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// Verify checks that q carries a valid, unexpired signature for key under
// scope, and returns what it allows. Every refusal is blob.ErrDenied.
func (k *Keys) Verify(scope, key string, q url.Values, now time.Time) (Claims, error) {
	c := Claims{Op: Op(q.Get(pOp)), Key: key, ContentType: q.Get(pType), UploadID: q.Get(pUpload)}
	var bad bool
	num := func(name string) int64 {
		v := q.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			bad = true
		}
		return n
	}
	exp := num(pExp)
	c.Expires = time.Unix(exp, 0)
	c.Size, c.MinSize, c.MaxSize = num(pSize), num(pMin), num(pMax)
	part := num(pPart)
	c.Part = int(part)
	sig, err := hex.DecodeString(q.Get(pSig))
	if bad || err != nil || exp == 0 || int64(c.Part) != part {
		return Claims{}, fmt.Errorf("%w: malformed signed URL", blob.ErrDenied)
	}
	kid := q.Get(pKid)
	for _, kk := range k.keys {
		if kk.id != kid {
			continue
		}
		if !hmac.Equal(sig, mac(kk.secret, scope, c)) {
			return Claims{}, fmt.Errorf("%w: signature does not match", blob.ErrDenied)
		}
		if !now.Before(c.Expires) {
			return Claims{}, fmt.Errorf("%w: signed URL expired at %s", blob.ErrDenied, c.Expires.UTC().Format(time.RFC3339))
		}
		return c, nil
	}
	return Claims{}, fmt.Errorf("%w: signed with a key no longer configured", blob.ErrDenied)
}

// mac signs every claim, each prefixed by its length, so no two claim sets
// share a signed string.
func mac(secret []byte, scope string, c Claims) []byte {
	m := hmac.New(sha256.New, secret)
	for _, f := range []string{"lyo-signed-url-v1", scope, string(c.Op), c.Key, strconv.FormatInt(c.Expires.Unix(), 10),
		c.ContentType, strconv.FormatInt(c.Size, 10), strconv.FormatInt(c.MinSize, 10), strconv.FormatInt(c.MaxSize, 10),
		c.UploadID, strconv.Itoa(c.Part)} {
		fmt.Fprintf(m, "%d:%s", len(f), f)
	}
	return m.Sum(nil)
}
