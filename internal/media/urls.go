package media

import (
	"context"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/signed"
)

// FilesPath is where Lyo serves public media objects itself, for providers
// without a CDN in front: FilesPath + "/" + key, no token.
const FilesPath = "/api/v1/media/files"

// Signer builds every URL of a media object. A public object's URL is its
// provider's CDN base (LYO_STORAGE_<NAME>_PUBLIC_BASE_URL) + key when one is
// set, else Lyo's own FilesPath under LYO_PUBLIC_BASE_URL (root-relative when
// that is empty: Lyo never guesses its host). A private object's URL is the
// provider's presigned GET, which expires: Lyo's own HMAC-signed URL on local
// disk (several keys may verify it, for rotation), a SigV4 URL on S3.
type Signer struct {
	base   string // LYO_PUBLIC_BASE_URL without a trailing '/'
	expiry time.Duration
	now    func() time.Time
}

// NewSigner makes the signer; base is LYO_PUBLIC_BASE_URL.
func NewSigner(base string, expiry time.Duration, now func() time.Time) *Signer {
	if expiry <= 0 {
		expiry = DefaultURLExpiry
	}
	if now == nil {
		now = time.Now
	}
	return &Signer{base: strings.TrimRight(base, "/"), expiry: expiry, now: now}
}

// URL is the URL of key, an object of media with visibility vis on prov.
func (s *Signer) URL(ctx context.Context, prov blob.Provider, vis Visibility, key string) (string, error) {
	if vis == Public {
		if prov.PublicBaseURL != "" {
			return strings.TrimRight(prov.PublicBaseURL, "/") + "/" + signed.EscapeKey(key), nil
		}
		return s.base + FilesPath + "/" + signed.EscapeKey(key), nil
	}
	req, err := prov.Store.PresignGet(ctx, key, blob.PresignOptions{Expires: s.expiry})
	if err != nil {
		return "", err
	}
	return req.URL, nil
}
