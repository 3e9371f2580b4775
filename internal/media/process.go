package media

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media/imaging"
)

// ProcessArgs is the job that makes a media file's variants for one run.
type ProcessArgs struct {
	MediaID string `json:"media_id"`
	Run     int64  `json:"run"`
}

// Kind names the job.
func (ProcessArgs) Kind() string { return "media.process" }

// PurgeArgs is the job that removes a deleted media file's objects.
type PurgeArgs struct {
	MediaID string `json:"media_id"`
}

// Kind names the job.
func (PurgeArgs) Kind() string { return "media.purge" }

// processAttempts bounds the attempts at one run: a file that keeps failing for
// a reason only storage knows ends failed rather than retried for weeks.
const processAttempts = 5

func processOpts() *jobs.InsertOpts {
	return &jobs.InsertOpts{MaxAttempts: processAttempts, UniqueOpts: jobs.UniqueOpts{ByArgs: true}}
}

func purgeOpts() *jobs.InsertOpts { return &jobs.InsertOpts{UniqueOpts: jobs.UniqueOpts{ByArgs: true}} }

// ProcessWorker runs media.process jobs.
type ProcessWorker struct {
	jobs.WorkerDefaults[ProcessArgs]
	svc *Service
}

// NewProcessWorker makes the worker for the service's jobs.
func NewProcessWorker(svc *Service) *ProcessWorker { return &ProcessWorker{svc: svc} }

// Timeout leaves room for a large image on a slow store.
func (w *ProcessWorker) Timeout(*jobs.Job[ProcessArgs]) time.Duration { return 10 * time.Minute }

// Work processes the run. An error only a decoder finds ends the media failed,
// with the reason; any other error is retried, and the last attempt's ends it
// failed too.
func (w *ProcessWorker) Work(ctx context.Context, job *jobs.Job[ProcessArgs]) error {
	err := w.svc.process(ctx, job.Args)
	switch {
	case err == nil, errors.Is(err, ErrStale), errors.Is(err, ErrNotFound):
		return nil
	case permanent(err) || job.Attempt >= job.MaxAttempts:
		return w.svc.fail(ctx, job.Args, err)
	}
	return err
}

func permanent(err error) bool {
	return errors.Is(err, imaging.ErrCorrupt) || errors.Is(err, imaging.ErrUnsupported) ||
		errors.Is(err, imaging.ErrTooLarge) || errors.Is(err, imaging.ErrTooManyFrames)
}

// fail records why a run failed. The reason a client reads is imaging's own
// (safe to show) or a generic one.
func (s *Service) fail(ctx context.Context, a ProcessArgs, cause error) error {
	m, err := s.store.MediaByID(ctx, a.MediaID)
	if err != nil {
		return ignoreGone(err)
	}
	reason := "processing failed; try optimizing it again later"
	if permanent(cause) {
		reason = safeMessage(cause)
	}
	s.opts.Logger.WarnContext(ctx, "media processing failed", "media", a.MediaID, "run", a.Run, "error", cause)
	m.Run, m.Status, m.Reason, m.UpdatedAt = a.Run, Failed, reason, s.opts.Now().UTC()
	return ignoreGone(s.store.FinishProcessing(ctx, m))
}

func ignoreGone(err error) error {
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrStale) {
		return nil
	}
	return err
}

// process makes the run's variants and stores them, then makes the record
// ready. Each step can be done again: variants are content-addressed, so a
// retry after a crash writes the same keys.
func (s *Service) process(ctx context.Context, a ProcessArgs) error {
	m, err := s.store.MediaByID(ctx, a.MediaID)
	if err != nil {
		return err
	}
	if m.Run != a.Run {
		return ErrStale
	}
	if m.Status == Ready || m.Status == Failed {
		return nil // this run is done; the job ran again
	}
	if err := s.store.SetProcessing(ctx, m.ID, m.Run, s.opts.Now().UTC()); err != nil {
		return err
	}
	prov, err := s.provider(m.Provider)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(s.opts.TempDir, "lyo-media-")
	if err != nil {
		return fmt.Errorf("process %s: %w", m.ID, err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "original")
	if err := download(ctx, prov.Store, m.OriginalKey, src); err != nil {
		return fmt.Errorf("process %s: %w", m.ID, err)
	}
	presets, err := s.presets(m.Presets)
	if err != nil {
		return err
	}
	res, err := s.proc.Process(ctx, src, presets, dir)
	if err != nil {
		return fmt.Errorf("process %s: %w", m.ID, err)
	}
	var variants []Variant
	for _, out := range res.Variants {
		v, err := s.storeVariant(ctx, prov.Store, m, out)
		if err != nil {
			return fmt.Errorf("process %s: %w", m.ID, err)
		}
		variants = append(variants, v)
	}
	slices.SortStableFunc(variants, func(x, y Variant) int {
		return cmp.Or(cmp.Compare(x.Width*x.Height, y.Width*y.Height), cmp.Compare(x.Bytes, y.Bytes))
	})
	m.Status, m.Reason, m.Variants, m.Placeholder, m.Dominant = Ready, "", variants, res.Placeholder, res.Dominant
	m.UpdatedAt = s.opts.Now().UTC()
	if err := s.store.FinishProcessing(ctx, m); err != nil {
		return err
	}
	// Variants of earlier runs are no longer named: remove them.
	keep := map[string]bool{}
	for _, k := range m.Keys() {
		keep[k] = true
	}
	if err := deletePrefix(ctx, prov.Store, m.ID+"/", keep); err != nil {
		s.opts.Logger.WarnContext(ctx, "old variants not removed", "media", m.ID, "error", err)
	}
	return nil
}

// presets resolves preset names; none means the defaults.
func (s *Service) presets(names []string) ([]imaging.Preset, error) {
	if len(names) == 0 {
		return s.opts.Presets, nil
	}
	var out []imaging.Preset
	for _, n := range names {
		i := slices.IndexFunc(s.opts.Presets, func(p imaging.Preset) bool { return p.Name == n })
		if i < 0 {
			return nil, fault.Invalidf("presets", "unknown preset %q; known: %s", n, s.presetNames())
		}
		out = append(out, s.opts.Presets[i])
	}
	return out, nil
}

func (s *Service) presetNames() string {
	var out string
	for i, p := range s.opts.Presets {
		if i > 0 {
			out += ", "
		}
		out += p.Name
	}
	return out
}

func download(ctx context.Context, st blob.Store, key, path string) error {
	obj, err := st.Get(ctx, key, blob.GetOptions{})
	if err != nil {
		return err
	}
	defer obj.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, obj.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// storeVariant stores one processed file under its content-addressed key.
func (s *Service) storeVariant(ctx context.Context, st blob.Store, m Media, out imaging.Output) (Variant, error) {
	f, err := os.Open(out.Path)
	if err != nil {
		return Variant{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Variant{}, err
	}
	format := string(out.Format)
	key, err := ObjectKey(m.ID, out.Preset.Name, hex.EncodeToString(h.Sum(nil)), format)
	if err != nil {
		return Variant{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Variant{}, err
	}
	if _, err := st.Put(ctx, key, f, blob.PutOptions{ContentType: contentTypes[format], CacheControl: cacheControl(m.Visibility), Size: n}); err != nil {
		return Variant{}, err
	}
	return Variant{Name: out.Preset.Name, Key: key, Format: format, Width: out.Width, Height: out.Height, Bytes: n}, nil
}

// ImmutableCacheControl is how public objects are cached: their keys change
// whenever their content does, so a copy never goes stale.
const ImmutableCacheControl = "public, max-age=31536000, immutable"

func cacheControl(v Visibility) string {
	if v == Public {
		return ImmutableCacheControl
	}
	return "private, no-store"
}

// PurgeWorker runs media.purge jobs.
type PurgeWorker struct {
	jobs.WorkerDefaults[PurgeArgs]
	svc *Service
}

// NewPurgeWorker makes the worker for the service's purge jobs.
func NewPurgeWorker(svc *Service) *PurgeWorker { return &PurgeWorker{svc: svc} }

// Work removes the objects; listing and deleting again is harmless.
func (w *PurgeWorker) Work(ctx context.Context, job *jobs.Job[PurgeArgs]) error {
	return w.svc.purge(ctx, job.Args.MediaID)
}

// Optimize starts a new processing run with the named presets (none: the
// defaults). The record answers at once, status uploaded; the job follows.
func (s *Service) Optimize(ctx context.Context, a Actor, id string, presets []string) (Media, error) {
	m, err := s.Get(ctx, a, id)
	if err != nil {
		return Media{}, err
	}
	if m.OwnerID != a.UserID && !a.Is("moderator") {
		return Media{}, fault.New(ErrForbidden, "forbidden", "only its owner or a moderator may optimize this media")
	}
	if _, err := s.presets(presets); err != nil {
		return Media{}, err
	}
	return s.store.Reprocess(ctx, id, presets, s.opts.Now().UTC(), func(ctx context.Context, tx jobs.Tx, m Media) error {
		_, err := s.queue.EnqueueTx(ctx, tx, ProcessArgs{MediaID: m.ID, Run: m.Run}, processOpts())
		return err
	})
}
