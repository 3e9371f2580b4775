package media

import (
	"errors"
	"time"
)

// Kind is what a media file is.
type Kind string

// Kinds of media. Video arrives with its own processing; until then an
// upload is an image.
const (
	Image Kind = "image"
	Video Kind = "video"
)

// Status is where a media file is in its life.
type Status string

// Statuses, in order: stored, being processed, ready with its variants, or
// failed with a reason.
const (
	Uploaded   Status = "uploaded"
	Processing Status = "processing"
	Ready      Status = "ready"
	Failed     Status = "failed"
)

// Visibility says who may see a media file: its owner only (private, the
// default), or anyone (public, for avatars and published content).
type Visibility string

// Visibilities.
const (
	Private Visibility = "private"
	Public  Visibility = "public"
)

// Media is one uploaded file and what processing made of it.
type Media struct {
	ID          string
	OwnerID     string
	Kind        Kind
	Status      Status
	Reason      string // why processing failed, safe to show
	Visibility  Visibility
	Provider    string // the storage provider holding its objects
	Format      string // jpeg, png, gif, webp, heic, avif
	ContentType string
	Bytes       int64
	SHA256      string // hex
	Width       int
	Height      int
	Frames      int
	DurationMS  int64
	OriginalKey string
	Variants    []Variant // smallest first; the original is not among them
	Placeholder string    // a blurhash, when processing made one
	Dominant    string    // the dominant colour, #rrggbb
	// Run counts processing requests: a processing job acts only on the run
	// it was enqueued for.
	Run       int64
	Presets   []string // the preset names of the current run; empty: the defaults
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Upload is a direct upload in progress: the client sends its bytes to
// storage with presigned requests, then completes it. Its id becomes the
// media's.
type Upload struct {
	ID          string
	OwnerID     string
	Provider    string
	Key         string // where the bytes land (a staging key)
	MultipartID string // the storage's upload id; "" for a single PUT
	Size        int64
	PartSize    int64 // multipart: every part's size but the last's
	ContentType string
	Visibility  Visibility
	ExpiresAt   time.Time
	CreatedAt   time.Time
}

// Variant is one processed rendition of a media file.
type Variant struct {
	Name   string `json:"name"`
	Key    string `json:"key"`
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bytes  int64  `json:"bytes"`
}

// Keys lists every object key the record names: the original and each variant.
func (m Media) Keys() []string {
	keys := []string{m.OriginalKey}
	for _, v := range m.Variants {
		keys = append(keys, v.Key)
	}
	return keys
}

// Errors the service returns; Mount maps each to a status once.
var (
	ErrNotFound  = errors.New("media not found")
	ErrForbidden = errors.New("not allowed")
	// ErrUnsupported: a type Lyo does not take (or cannot decode here). [415]
	ErrUnsupported = errors.New("unsupported media type")
	// ErrUnprocessable: a file of an accepted type that cannot be taken as it
	// is: too many pixels or frames, or an unreadable header. [422]
	ErrUnprocessable = errors.New("media cannot be processed")
	// ErrTooLarge: a file over its kind's size limit, or an upload beyond the
	// owner's quota. [413]
	ErrTooLarge = errors.New("media too large")
	// ErrQuota: the upload would take its owner past their quota. [413]
	ErrQuota = errors.New("storage quota exceeded")
	// ErrUnavailable: object storage did not answer. [503]
	ErrUnavailable = errors.New("storage unavailable")
	// ErrStorage: Lyo's own object storage refused or failed a request Lyo
	// made (credentials it does not accept, a bucket that is gone, a key Lyo
	// built): the server's fault, never the client's. [503]
	ErrStorage = errors.New("media storage failed")
	// ErrIncomplete: the request's body ended before the file did. [400]
	ErrIncomplete = errors.New("the upload ended before the file did; send it again")
	// ErrConflict: the upload is not in a state that allows the request. [409]
	ErrConflict = errors.New("conflict")
	// ErrStale: a processing job of an older run; not an error to a client.
	ErrStale = errors.New("stale processing run")
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
