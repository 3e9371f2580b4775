package media

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/lyolearn/lyo/internal/id"
)

// hashChars is how much of the SHA-256 a key carries: 128 bits, enough that
// two different contents never share a key.
const hashChars = 32

// extensions are the file extensions of the formats Lyo stores.
var extensions = map[string]string{
	"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp", "heic": "heic", "avif": "avif",
}

// contentTypes are the formats' media types.
var contentTypes = map[string]string{
	"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
	"heic": "image/heic", "avif": "image/avif",
}

// ObjectKey is the storage key of one object of media id: the original or a
// variant, named by the SHA-256 of its content (hex) and its format. Every part
// is checked, so a key never holds anything a client chose.
func ObjectKey(mediaID, variant, sha256Hex, format string) (string, error) {
	if !id.Valid(mediaID) {
		return "", fmt.Errorf("object key: media id %q is malformed", mediaID)
	}
	if !validName(variant) {
		return "", fmt.Errorf("object key: variant name %q is malformed", variant)
	}
	if len(sha256Hex) < hashChars {
		return "", fmt.Errorf("object key: the digest is shorter than %d hex digits", hashChars)
	}
	sum := strings.ToLower(sha256Hex[:hashChars])
	if _, err := hex.DecodeString(sum); err != nil {
		return "", fmt.Errorf("object key: the digest is not hex")
	}
	ext, ok := extensions[format]
	if !ok {
		return "", fmt.Errorf("object key: unknown format %q", format)
	}
	return mediaID + "/" + variant + "-" + sum + "." + ext, nil
}

// stagingKey is where an upload streams before it is complete: never named by
// a record, and removed once the upload is stored or refused.
func stagingKey(mediaID string) string { return mediaID + "/upload" }

// MediaIDOfKey is the media id a key belongs to (its first segment).
func MediaIDOfKey(key string) string {
	first, _, _ := strings.Cut(key, "/")
	return first
}

// validName is a preset or variant name: 1 to 32 of a-z, 0-9, '_' and '-',
// starting with a letter or digit.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 32 || s[0] == '_' || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
