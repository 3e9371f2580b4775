// Package blob is Lyo's object storage: one small interface, Store, with two
// implementations, blob/local (files under the data directory, the default) and
// blob/s3 (AWS S3, Cloudflare R2 or any S3-compatible server).
//
// Callers see objects by key. A key is UTF-8 text of at most 1024 bytes made of
// segments separated by '/'; CheckKey says which keys every implementation accepts,
// so an object can move from one provider to another unchanged.
//
// Errors are kinds from this package (ErrNotFound, ErrPreconditionFailed,
// ErrUnavailable, ErrInvalidKey, …), wrapped with the operation and key, so a
// domain maps them once with errors.Is. ErrUnavailable alone means "the store
// did not answer": retrying later, or another provider, may succeed.
//
// Failover across providers is a Store over Stores: nothing here is tied to
// one provider but upload ids (opaque strings a wrapper can prefix with its
// provider's name) and presigned URLs. List cursors are plain keys, so a page
// begun on one provider continues on another.
//
// Uploads that bypass Lyo go through presigned requests: PresignPut (one PUT with
// the content type and length signed in), PresignPost (an HTML-form POST whose
// policy bounds the length and fixes the content type) and multipart uploads
// (CreateMultipart, PresignPart for each part, ListParts to resume, then
// CompleteMultipart or AbortMultipart). On S3 those URLs point at the bucket; on
// local disk they point at Lyo itself and are served by blob/signed.
package blob

import (
	"context"
	"io"
)

// Store is one object storage provider. Every method is safe for concurrent use.
type Store interface {
	// Put stores the body under key, replacing what was there. Readers see the
	// old object or the new one, never part of either; a failed or cancelled
	// Put leaves nothing behind under key. Its Info has the body's length and
	// SHA-256, as the store read them.
	Put(ctx context.Context, key string, body io.Reader, opts PutOptions) (Info, error)
	// Get opens the object, or the range of it that opts names. The caller
	// closes Body.
	Get(ctx context.Context, key string, opts GetOptions) (*Object, error)
	// Head describes the object without reading it.
	Head(ctx context.Context, key string) (Info, error)
	// Copy makes dst a copy of src, content type and cache control included.
	Copy(ctx context.Context, src, dst string) (Info, error)
	// Delete removes the object. Removing a key that holds nothing is not an
	// error, so a retried delete succeeds.
	Delete(ctx context.Context, key string) error
	// List returns objects whose keys start with opts.Prefix, in byte order of
	// their keys, a page at a time.
	List(ctx context.Context, opts ListOptions) (Page, error)

	// PresignPut signs a PUT of one object that a client sends directly.
	PresignPut(ctx context.Context, key string, opts PresignOptions) (Request, error)
	// PresignGet signs a GET of one object (ranges allowed).
	PresignGet(ctx context.Context, key string, opts PresignOptions) (Request, error)
	// PresignPost signs an HTML-form upload whose policy fixes the key and the
	// content type and bounds the length.
	PresignPost(ctx context.Context, key string, opts PostOptions) (Form, error)

	// CreateMultipart starts an upload in parts and returns its id. Nothing is
	// visible under key until CompleteMultipart.
	CreateMultipart(ctx context.Context, key string, opts PutOptions) (uploadID string, err error)
	// UploadPart stores part number n (1 to MaxParts) of the upload; size is
	// its exact length (1 to MaxPartSize). Uploading a number again replaces
	// that part.
	UploadPart(ctx context.Context, key, uploadID string, n int, body io.Reader, size int64) (Part, error)
	// PresignPart signs a PUT of part n that a client sends directly;
	// opts.Size, when positive, is signed in as its exact length.
	PresignPart(ctx context.Context, key, uploadID string, n int, opts PresignOptions) (Request, error)
	// ListParts lists the parts stored so far, by number, so that an
	// interrupted upload resumes with the parts it lacks.
	ListParts(ctx context.Context, key, uploadID string) ([]Part, error)
	// CompleteMultipart joins the listed parts, in order, into the object.
	// Every part but the last must hold at least MinPartSize bytes, and each
	// ETag must be the one UploadPart or the part's PUT answered.
	CompleteMultipart(ctx context.Context, key, uploadID string, parts []Part) (Info, error)
	// AbortMultipart discards the upload and its parts.
	AbortMultipart(ctx context.Context, key, uploadID string) error

	// Ping is a cheap readiness probe: the root directory or the bucket answers.
	Ping(ctx context.Context) error
}

// Provider is one configured Store with the name operators gave it
// (LYO_STORAGE_PROVIDERS) and, when a CDN serves its public objects, the base URL
// they are served under (an object's URL is PublicBaseURL + "/" + key).
type Provider struct {
	Name          string
	Type          string // local | s3
	Store         Store
	PublicBaseURL string
}
