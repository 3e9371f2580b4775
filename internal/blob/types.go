package blob

import (
	"io"
	"net/http"
	"time"
)

// Limits every provider shares. S3 refuses parts below 5 MiB (except the last)
// and more than 10,000 parts; local disk applies the same rules so that code
// tested on one works on the other.
const (
	MaxKeyBytes  = 1024
	MinPartSize  = 5 << 20
	MaxPartSize  = 5 << 30
	MaxParts     = 10000
	MaxListLimit = 1000
	// MaxPresignExpiry is the longest lifetime a presigned request may have
	// (SigV4's limit).
	MaxPresignExpiry = 7 * 24 * time.Hour
)

// Info describes a stored object.
type Info struct {
	Key          string
	Size         int64
	ContentType  string // empty in List results: S3 does not list it
	CacheControl string // empty in List results
	// ETag is the HTTP entity tag, quotes included. It changes whenever the
	// content does. Local disk uses the SHA-256 of the content; S3 its own tag
	// (an MD5 for a single PUT, another digest after a multipart upload).
	ETag     string
	Modified time.Time
	// SHA256 is the content's SHA-256 in hex, from the store's own reading
	// of the body: Put always sets it; other calls may leave it empty.
	SHA256 string
}

// PutOptions describe the object Put (or a multipart upload) stores.
type PutOptions struct {
	ContentType  string // default application/octet-stream
	CacheControl string // sent back on every GET, by the store or a CDN in front of it
	// Size, when positive, is the body's exact length: a body shorter or
	// longer is refused with ErrMismatch. Zero means unknown (read to EOF).
	Size int64
	// MaxSize, when positive, refuses a body longer than this with
	// ErrTooLarge; nothing is stored.
	MaxSize int64
	// SHA256, when set, is the SHA-256 digest (32 bytes) the body must have;
	// another body is refused with ErrMismatch and nothing is stored.
	SHA256 []byte
}

// GetOptions choose what Get reads.
type GetOptions struct {
	// Range, when set, reads only these bytes; Get answers ErrInvalidRange
	// when Offset is at or past the end of the object.
	Range *Range
	// IfMatch, when set, is an ETag the object must still have
	// (ErrPreconditionFailed otherwise): a download resumed with a range
	// cannot mix two versions of an object.
	IfMatch string
}

// Range is a span of bytes. Length -1 reads to the end.
type Range struct {
	Offset int64
	Length int64
}

// Object is an open object. Offset and Length are the span Body holds: the whole
// object unless a range was asked for (a range running past the end is cut at
// the end, as HTTP does).
type Object struct {
	Info
	Body   io.ReadCloser
	Offset int64
	Length int64
}

// ListOptions choose a page of List.
type ListOptions struct {
	Prefix string
	// After is the cursor: only keys strictly after it are listed. Pass the
	// previous page's Next.
	After string
	// Limit is the most items a page holds: 1 to MaxListLimit, 0 meaning
	// MaxListLimit.
	Limit int
}

// Page is one page of List. Next is empty on the last page.
type Page struct {
	Items []Info
	Next  string
}

// PresignOptions describe a presigned PUT, GET or part upload.
type PresignOptions struct {
	// Expires is how long the request stays valid: more than zero, at most
	// MaxPresignExpiry.
	Expires time.Duration
	// ContentType (PUT) is signed in: a PUT with another Content-Type header
	// is refused.
	ContentType string
	// Size (PUT and parts), when positive, is signed in as the exact
	// Content-Length: a PUT of any other length is refused.
	Size int64
}

// Request is a presigned HTTP request: send Method to URL with every header in
// Header (and, for a PUT, exactly the signed Content-Length).
type Request struct {
	Method  string
	URL     string
	Header  http.Header
	Expires time.Time
}

// PostOptions describe a presigned HTML-form upload.
type PostOptions struct {
	Expires     time.Duration // as in PresignOptions
	ContentType string        // the form's Content-Type field must equal it
	// MinSize and MaxSize bound the file's length (the policy's
	// content-length-range); MaxSize is required.
	MinSize int64
	MaxSize int64
}

// Form is a presigned HTML-form upload: POST multipart/form-data to URL with
// every field of Fields, then the file in a field named "file", last.
type Form struct {
	URL     string
	Fields  map[string]string
	Expires time.Time
}

// Part is one stored part of a multipart upload.
type Part struct {
	Number int
	ETag   string
	Size   int64
}
