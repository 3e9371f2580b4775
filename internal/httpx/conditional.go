package httpx

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// Single resources carry a strong ETag derived from what identifies their
// current version (an ID and an update time or version number). A client may
// send If-Match on a write, which then succeeds only on that version, and
// If-None-Match on a read, which answers 304 while the version is unchanged.

// ETag is a strong entity tag over parts: the same parts, the same tag.
func ETag(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// HasIfMatch reports whether the request makes its write conditional.
func HasIfMatch(r *http.Request) bool { return r.Header.Get("If-Match") != "" }

// IfMatch checks the request's If-Match against the resource's current tag: nil
// when the header is absent, is "*", or lists current (strong comparison, RFC 9110
// §13.1.1); otherwise a 412 the client answers by reading the resource again.
func IfMatch(r *http.Request, current string) error {
	h := r.Header.Values("If-Match")
	if len(h) == 0 {
		return nil
	}
	for _, tag := range tagList(h) {
		if tag == "*" || tag == current {
			return nil
		}
	}
	return PreconditionFailed()
}

// PreconditionFailed is the answer to a write whose If-Match no longer holds,
// also when a store finds the version changed between the check and the write.
func PreconditionFailed() *Error {
	return Errorf(http.StatusPreconditionFailed, "precondition_failed",
		"the resource has changed since the version named in If-Match; read it again and retry")
}

// noneMatch reports whether If-None-Match names tag (weak comparison, §13.1.2).
func noneMatch(r *http.Request, tag string) bool {
	for _, t := range tagList(r.Header.Values("If-None-Match")) {
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(tag, "W/") {
			return true
		}
	}
	return false
}

func tagList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// WriteResource answers one user-specific resource with its tag: ETag,
// Cache-Control: private and Vary: Authorization, and a bodiless 304 when a GET
// or HEAD names the same tag in If-None-Match.
func WriteResource(w http.ResponseWriter, r *http.Request, status int, tag string, v any) error {
	h := w.Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-cache")
	h.Add("Vary", "Authorization")
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && status == http.StatusOK && noneMatch(r, tag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return WriteJSON(w, status, v)
}
