package blob

import "errors"

// Kinds of storage errors. Implementations wrap them with the operation and the
// key (fmt.Errorf("get %q: %w", key, ErrNotFound)); callers test with errors.Is
// and map each kind once. The status in brackets is what an HTTP route serving a
// signed request answers for it (blob/signed's handler returns these kinds).
var (
	// ErrNotFound: no object under the key, no such multipart upload, or no
	// such bucket. [404]
	ErrNotFound = errors.New("blob: not found")
	// ErrPreconditionFailed: the object no longer has the ETag the caller
	// named. [412]
	ErrPreconditionFailed = errors.New("blob: precondition failed")
	// ErrUnavailable: the store did not answer (transport error, time-out,
	// 5xx, throttling). The only kind worth retrying, or failing over. [503]
	ErrUnavailable = errors.New("blob: storage unavailable")
	// ErrInvalidKey: a key CheckKey refuses, whatever the provider. [400]
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrInvalidRange: the range starts at or past the end of the object. [416]
	ErrInvalidRange = errors.New("blob: range not satisfiable")
	// ErrTooLarge: the body is longer than the limit it was given. [413]
	ErrTooLarge = errors.New("blob: too large")
	// ErrMismatch: the body does not have the length or the SHA-256 it was
	// declared with (a truncated or altered upload). [400]
	ErrMismatch = errors.New("blob: body does not match its declared size or checksum")
	// ErrInvalidPart: CompleteMultipart named a part that is missing, has
	// another ETag, is out of order, or is too small. [400]
	ErrInvalidPart = errors.New("blob: invalid part")
	// ErrDenied: the store refused the request: credentials or a signature
	// it does not accept, an expired presigned request, or a presigned
	// request that breaks what was signed (content type, length, policy). [403]
	ErrDenied = errors.New("blob: request denied")
	// ErrInvalid: options out of range (an expiry of zero, a part number
	// past MaxParts, a malformed upload id). [400]
	ErrInvalid = errors.New("blob: invalid request")
)
