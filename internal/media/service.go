package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media/imaging"
)

// Actor is who calls the service.
type Actor = access.Caller

// Options are the limits and settings of the service; zero fields take the
// defaults below.
type Options struct {
	// MaxBytes is the largest file of each kind.
	MaxBytes map[Kind]int64
	// Quotas are the bytes of originals a user of each role may hold; a role
	// without an entry (or with 0) has no quota.
	Quotas map[access.Role]int64
	// MaxPixels and MaxFrames bound what an image's header may claim.
	MaxPixels int64
	MaxFrames int
	// Presets are the variants processing makes by default; optimize may
	// choose among them by name.
	Presets []imaging.Preset
	// URLExpiry is how long a private media's URLs stay valid.
	URLExpiry time.Duration
	// UploadExpiry is how long a direct upload's presigned requests stay valid.
	UploadExpiry time.Duration
	// PartSize is the size of a direct upload's parts; a file no larger goes
	// in one PUT.
	PartSize int64
	// TempDir holds processing's working files; "" is the system's.
	TempDir string
	Now     func() time.Time
	Logger  *slog.Logger
}

// Defaults.
const (
	DefaultMaxImageBytes = 50 << 20
	DefaultMaxVideoBytes = 2 << 30
	DefaultMaxPixels     = 50_000_000
	DefaultMaxFrames     = 100
	DefaultURLExpiry     = time.Hour
	DefaultUploadExpiry  = time.Hour
	DefaultPartSize      = 16 << 20
)

func (o Options) withDefaults() Options {
	if o.MaxBytes == nil {
		o.MaxBytes = map[Kind]int64{}
	}
	if o.MaxBytes[Image] <= 0 {
		o.MaxBytes[Image] = DefaultMaxImageBytes
	}
	if o.MaxBytes[Video] <= 0 {
		o.MaxBytes[Video] = DefaultMaxVideoBytes
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.MaxFrames <= 0 {
		o.MaxFrames = DefaultMaxFrames
	}
	if len(o.Presets) == 0 {
		o.Presets = imaging.DefaultPresets()
	}
	if o.URLExpiry <= 0 {
		o.URLExpiry = DefaultURLExpiry
	}
	if o.UploadExpiry <= 0 {
		o.UploadExpiry = DefaultUploadExpiry
	}
	if o.PartSize < blob.MinPartSize {
		o.PartSize = DefaultPartSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Service is the media domain.
type Service struct {
	store     Store
	providers []blob.Provider // the first is where new media go
	queue     *jobs.Queue
	proc      imaging.Processor
	urls      *Signer
	opts      Options
}

// NewService wires the domain. providers must not be empty.
func NewService(store Store, providers []blob.Provider, queue *jobs.Queue, proc imaging.Processor, urls *Signer, opts Options) *Service {
	return &Service{store: store, providers: providers, queue: queue, proc: proc, urls: urls, opts: opts.withDefaults()}
}

// MaxUploadBytes is the largest file any kind allows: what an upload route's
// body may carry, before the kind is known.
func (s *Service) MaxUploadBytes() int64 {
	var n int64
	for _, v := range s.opts.MaxBytes {
		n = max(n, v)
	}
	return n
}

func (s *Service) primary() blob.Provider { return s.providers[0] }

func (s *Service) provider(name string) (blob.Provider, error) {
	for _, p := range s.providers {
		if p.Name == name {
			return p, nil
		}
	}
	return blob.Provider{}, fmt.Errorf("media storage provider %q is not configured", name)
}

// Get returns a media record the actor may see: their own, or public media.
// Someone else's private media is not found, as if it did not exist.
func (s *Service) Get(ctx context.Context, a Actor, id string) (Media, error) {
	m, err := s.store.MediaByID(ctx, id)
	if err != nil {
		return Media{}, err
	}
	if m.OwnerID != a.UserID && m.Visibility != Public && !a.Is(access.Moderator) {
		return Media{}, ErrNotFound
	}
	return m, nil
}

// Delete removes a media file: its record, at once, then its original, every
// variant and every copy on every provider. The removal of the objects is a job
// enqueued with the record's deletion, and it also runs here: when storage
// fails now, the job finishes it later.
func (s *Service) Delete(ctx context.Context, a Actor, id string) error {
	m, err := s.store.MediaByID(ctx, id)
	if err != nil {
		return err
	}
	if m.OwnerID != a.UserID {
		if !a.Is(access.Moderator) {
			if m.Visibility == Public {
				return fault.New(ErrForbidden, "forbidden", "only its owner or a moderator may delete this media")
			}
			return ErrNotFound
		}
	}
	return s.remove(ctx, m.ID)
}

func (s *Service) remove(ctx context.Context, id string) error {
	err := s.store.DeleteMedia(ctx, id, func(ctx context.Context, tx jobs.Tx) error {
		_, err := s.queue.EnqueueTx(ctx, tx, PurgeArgs{MediaID: id}, purgeOpts())
		return err
	})
	if err != nil {
		return err
	}
	if err := s.purge(ctx, id); err != nil {
		s.opts.Logger.WarnContext(ctx, "media objects not removed yet; the purge job retries", "media", id, "error", err)
	}
	return nil
}

// purge removes every object under the media's prefix on every provider.
func (s *Service) purge(ctx context.Context, id string) error {
	var errs []error
	for _, p := range s.providers {
		errs = append(errs, deletePrefix(ctx, p.Store, id+"/", nil))
	}
	return errors.Join(errs...)
}

// deletePrefix deletes every object under prefix but those keep names.
func deletePrefix(ctx context.Context, st blob.Store, prefix string, keep map[string]bool) error {
	after := ""
	for {
		page, err := st.List(ctx, blob.ListOptions{Prefix: prefix, After: after})
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			if keep[it.Key] {
				continue
			}
			if err := st.Delete(ctx, it.Key); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		after = page.Next
	}
}

// storageErr turns a failure of a request Lyo made to its own storage into the
// domain's kinds. Whatever blob kind the store answers (a 403 for Lyo's
// credentials, a 404 for its bucket) is about Lyo's request, not the client's:
// the client gets a 503, the log the cause. Errors of no blob kind (the
// client's body cut short or over its limit, a client gone) stay themselves.
func storageErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, blob.ErrUnavailable):
		return fmt.Errorf("%s: %w (%w)", op, ErrUnavailable, err)
	case isBlobKind(err):
		return fmt.Errorf("%s: %w (%w)", op, ErrStorage, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// StorageError is storageErr for code that reads media objects on the
// domain's behalf (the tutor reading a learner's photo): a failure of Lyo's
// own storage answers as media's ErrUnavailable or ErrStorage.
func StorageError(op string, err error) error { return storageErr(op, err) }

// blobKinds are the kinds a store answers, ErrUnavailable aside.
var blobKinds = []error{blob.ErrNotFound, blob.ErrPreconditionFailed, blob.ErrInvalidKey, blob.ErrInvalidRange,
	blob.ErrTooLarge, blob.ErrMismatch, blob.ErrInvalidPart, blob.ErrDenied, blob.ErrInvalid}

func isBlobKind(err error) bool {
	for _, k := range blobKinds {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// OpenPublic opens an object of public media for Lyo to serve. Only the keys a
// public record names are served; anything else is not found.
func (s *Service) OpenPublic(ctx context.Context, key string) (blob.Info, io.ReadSeekCloser, error) {
	m, err := s.store.MediaByID(ctx, MediaIDOfKey(key))
	if err != nil && !isNotFound(err) {
		return blob.Info{}, nil, err // an outage, not a 404 a cache would keep
	}
	if err != nil || m.Visibility != Public {
		return blob.Info{}, nil, ErrNotFound
	}
	found := false
	for _, k := range m.Keys() {
		found = found || k == key
	}
	if !found {
		return blob.Info{}, nil, ErrNotFound
	}
	prov, err := s.provider(m.Provider)
	if err != nil {
		return blob.Info{}, nil, err
	}
	obj, err := prov.Store.Get(ctx, key, blob.GetOptions{})
	if errors.Is(err, blob.ErrNotFound) {
		return blob.Info{}, nil, ErrNotFound
	}
	if err != nil {
		return blob.Info{}, nil, storageErr("open "+key, err)
	}
	return obj.Info, seekable(ctx, prov.Store, obj), nil
}
