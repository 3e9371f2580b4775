package s3

import (
	"context"
	"errors"
	"fmt"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/lyolearn/lyo/internal/blob"
)

// bodyError carries a body's own error (a limit CheckedBody enforced, a client
// gone) through the SDK, so it is reported as itself and not as the server's.
type bodyError struct{ err error }

func (e bodyError) Error() string { return e.err.Error() }
func (e bodyError) Unwrap() error { return e.err }

// codes maps S3 error codes to kinds. Codes beat statuses: a 400 may be a bad
// digest or a part too small, a 403 an expired request or a bad signature.
var codes = map[string]error{
	"NoSuchKey": blob.ErrNotFound, "NotFound": blob.ErrNotFound, "NoSuchUpload": blob.ErrNotFound, "NoSuchBucket": blob.ErrNotFound,
	"PreconditionFailed": blob.ErrPreconditionFailed,
	"InvalidRange":       blob.ErrInvalidRange,
	"EntityTooLarge":     blob.ErrTooLarge,
	"BadDigest":          blob.ErrMismatch, "InvalidDigest": blob.ErrMismatch, "XAmzContentSHA256Mismatch": blob.ErrMismatch,
	"IncompleteBody": blob.ErrMismatch, "InvalidChecksum": blob.ErrMismatch,
	"InvalidPart": blob.ErrInvalidPart, "InvalidPartOrder": blob.ErrInvalidPart, "EntityTooSmall": blob.ErrInvalidPart,
	"AccessDenied": blob.ErrDenied, "SignatureDoesNotMatch": blob.ErrDenied, "InvalidAccessKeyId": blob.ErrDenied,
	"ExpiredToken": blob.ErrDenied, "InvalidToken": blob.ErrDenied, "AllAccessDisabled": blob.ErrDenied,
	"SlowDown": blob.ErrUnavailable, "ServiceUnavailable": blob.ErrUnavailable, "InternalError": blob.ErrUnavailable,
	"RequestTimeout": blob.ErrUnavailable,
	// Servers that keep objects as files (versitygw's posix backend) cannot
	// hold "a" and "a/b" at once.
	"ExistingObjectIsDirectory": blob.ErrInvalidKey, "ObjectParentIsFile": blob.ErrInvalidKey,
}

// classify turns an SDK error into a blob kind, keeping the SDK's text (request
// ids help the provider's support) for the log.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var be bodyError
	if errors.As(err, &be) {
		return be.err
	}
	var kind error
	var ae smithy.APIError
	if errors.As(err, &ae) {
		kind = codes[ae.ErrorCode()]
	}
	var re *awshttp.ResponseError
	if kind == nil && errors.As(err, &re) {
		switch st := re.HTTPStatusCode(); {
		case st == 404:
			kind = blob.ErrNotFound
		case st == 412:
			kind = blob.ErrPreconditionFailed
		case st == 416:
			kind = blob.ErrInvalidRange
		case st == 403 || st == 401:
			kind = blob.ErrDenied
		case st == 429 || st >= 500:
			kind = blob.ErrUnavailable
		case st >= 400:
			kind = blob.ErrInvalid
		} // 0: no response at all, below
	}
	switch {
	case kind != nil:
	case errors.Is(err, context.Canceled):
		return err // the caller gave up; nothing is wrong with the store
	default:
		// No answer: connection refused or reset, DNS, TLS, a time-out.
		kind = blob.ErrUnavailable
	}
	return fmt.Errorf("%w: %w", kind, err)
}
