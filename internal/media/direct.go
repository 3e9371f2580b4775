package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/jobs"
)

// declaredKinds are the content types a direct upload may declare. The
// declared type only signs the PUT: the completed file's type is read from its
// content, as for any upload.
var declaredKinds = map[string]Kind{
	"image/jpeg": Image, "image/png": Image, "image/gif": Image, "image/webp": Image,
	"image/heic": Image, "image/heif": Image, "image/avif": Image,
}

// UploadInput asks for a direct upload.
type UploadInput struct {
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	Visibility  string `json:"visibility"`
}

// PartRequest is one presigned part of a multipart direct upload.
type PartRequest struct {
	Number int    `json:"number"`
	Size   int64  `json:"size"`
	URL    string `json:"url"`
	ETag   string `json:"etag,omitempty"` // set when the part is already stored
}

// Direct is a direct upload as the client needs it: where to send the bytes.
type Direct struct {
	Upload  Upload
	Method  string      // single PUT: the method, URL and headers to send
	URL     string      //
	Header  http.Header //
	Parts   []PartRequest
	Expires time.Time
}

// CreateUpload starts a direct upload: it checks the declared size and type
// against the limits and the caller's quota, and signs the requests that send
// the bytes straight to storage.
func (s *Service) CreateUpload(ctx context.Context, a Actor, in UploadInput) (Direct, error) {
	vis, err := ParseVisibility(in.Visibility)
	if err != nil {
		return Direct{}, err
	}
	kind, ok := declaredKinds[in.ContentType]
	if !ok {
		return Direct{}, fault.New(ErrUnsupported, "unsupported_media_type", "content_type %q is not a type Lyo takes", in.ContentType)
	}
	if in.Size <= 0 {
		return Direct{}, fault.Invalidf("size", "must be the file's length in bytes, at least 1")
	}
	if limit := s.opts.MaxBytes[kind]; in.Size > limit {
		return Direct{}, fault.New(ErrTooLarge, "file_too_large", "an %s may have at most %d bytes", kind, limit)
	}
	if err := s.checkQuota(ctx, a, in.Size); err != nil {
		return Direct{}, err
	}
	now := s.opts.Now().UTC()
	u := Upload{ID: id.New(now), OwnerID: a.UserID, Provider: s.primary().Name, Size: in.Size, ContentType: in.ContentType,
		Visibility: vis, ExpiresAt: now.Add(s.opts.UploadExpiry), CreatedAt: now}
	u.Key = stagingKey(u.ID)
	st := s.primary().Store
	// Up to one part's size goes in one PUT; a larger file in parts (the last
	// one shorter), so a client resumes with the parts it lacks. More parts
	// than S3 allows get larger parts.
	if in.Size > s.opts.PartSize {
		u.PartSize = max(s.opts.PartSize, (in.Size+blob.MaxParts-1)/blob.MaxParts)
		if u.MultipartID, err = st.CreateMultipart(ctx, u.Key, blob.PutOptions{ContentType: in.ContentType}); err != nil {
			return Direct{}, storageErr("start upload", err)
		}
	}
	if err := s.store.CreateUpload(ctx, u); err != nil {
		if u.MultipartID != "" {
			_ = st.AbortMultipart(context.WithoutCancel(ctx), u.Key, u.MultipartID)
		}
		return Direct{}, err
	}
	return s.direct(ctx, u, nil)
}

// direct signs the requests of u; done are parts already stored, which need none.
func (s *Service) direct(ctx context.Context, u Upload, done []blob.Part) (Direct, error) {
	prov, err := s.provider(u.Provider)
	if err != nil {
		return Direct{}, err
	}
	d := Direct{Upload: u, Expires: u.ExpiresAt}
	ttl := u.ExpiresAt.Sub(s.opts.Now()).Truncate(time.Second)
	if ttl <= 0 {
		return Direct{}, fault.New(ErrConflict, "upload_expired", "this upload expired; start a new one")
	}
	if u.MultipartID == "" {
		req, err := prov.Store.PresignPut(ctx, u.Key, blob.PresignOptions{Expires: ttl, ContentType: u.ContentType, Size: u.Size})
		if err != nil {
			return Direct{}, storageErr("sign upload", err)
		}
		d.Method, d.URL, d.Header = req.Method, req.URL, req.Header
		return d, nil
	}
	n := int((u.Size + u.PartSize - 1) / u.PartSize)
	for i := 1; i <= n; i++ {
		size := min(u.PartSize, u.Size-int64(i-1)*u.PartSize)
		pr := PartRequest{Number: i, Size: size}
		if j := slices.IndexFunc(done, func(p blob.Part) bool { return p.Number == i && p.Size == size }); j >= 0 {
			pr.ETag = done[j].ETag
		} else {
			req, err := prov.Store.PresignPart(ctx, u.Key, u.MultipartID, i, blob.PresignOptions{Expires: ttl, Size: size})
			if err != nil {
				return Direct{}, storageErr("sign part", err)
			}
			pr.URL = req.URL
		}
		d.Parts = append(d.Parts, pr)
	}
	return d, nil
}

// ownUpload returns the actor's upload in progress.
func (s *Service) ownUpload(ctx context.Context, a Actor, uploadID string) (Upload, error) {
	u, err := s.store.UploadByID(ctx, uploadID)
	if err != nil {
		return Upload{}, err
	}
	if u.OwnerID != a.UserID {
		return Upload{}, ErrNotFound
	}
	return u, nil
}

// ResumeUpload answers a multipart upload's state: the parts stored, and
// fresh URLs for the parts still missing.
func (s *Service) ResumeUpload(ctx context.Context, a Actor, uploadID string) (Direct, error) {
	u, err := s.ownUpload(ctx, a, uploadID)
	if err != nil {
		return Direct{}, err
	}
	var done []blob.Part
	if u.MultipartID != "" {
		prov, err := s.provider(u.Provider)
		if err != nil {
			return Direct{}, err
		}
		if done, err = prov.Store.ListParts(ctx, u.Key, u.MultipartID); err != nil {
			return Direct{}, storageErr("list parts", err)
		}
	}
	return s.direct(ctx, u, done)
}

// CompletedPart names a part the client stored, with the ETag its PUT answered.
type CompletedPart struct {
	Number int    `json:"number"`
	ETag   string `json:"etag"`
}

// CompleteUpload checks what the client stored (its length, then its type and
// header as for any upload), moves it to its content-addressed key and writes
// the media record with its processing job. Completing again answers the same
// media. A refused upload is removed.
func (s *Service) CompleteUpload(ctx context.Context, a Actor, uploadID string, parts []CompletedPart) (Media, bool, error) {
	u, err := s.ownUpload(ctx, a, uploadID)
	if errors.Is(err, ErrNotFound) {
		// Completed before (the media has the upload's id), or never ours.
		m, merr := s.store.MediaByID(ctx, uploadID)
		if merr == nil && m.OwnerID == a.UserID {
			return m, false, nil
		}
	}
	if err != nil {
		return Media{}, false, err
	}
	prov, err := s.provider(u.Provider)
	if err != nil {
		return Media{}, false, err
	}
	st := prov.Store
	if u.MultipartID != "" {
		if len(parts) == 0 {
			return Media{}, false, fault.Invalidf("parts", "required for an upload in parts: each part's number and the ETag its PUT answered")
		}
		bp := make([]blob.Part, len(parts))
		for i, p := range parts {
			bp[i] = blob.Part{Number: p.Number, ETag: p.ETag}
		}
		if _, err := st.CompleteMultipart(ctx, u.Key, u.MultipartID, bp); err != nil {
			if errors.Is(err, blob.ErrInvalidPart) || errors.Is(err, blob.ErrInvalid) {
				return Media{}, false, fault.Invalidf("parts", "do not match the parts stored: send every part, in order, with the ETag its PUT answered")
			}
			if !errors.Is(err, blob.ErrNotFound) {
				return Media{}, false, storageErr("complete upload", err)
			}
			// Completed by an earlier call that failed later: the object is there.
		}
	}
	info, err := st.Head(ctx, u.Key)
	if errors.Is(err, blob.ErrNotFound) {
		return Media{}, false, fault.New(ErrConflict, "upload_incomplete", "nothing was uploaded yet: send the file first")
	}
	if err != nil {
		return Media{}, false, storageErr("complete upload", err)
	}
	if info.Size != u.Size {
		s.abandon(ctx, u)
		return Media{}, false, fault.New(ErrUnprocessable, "size_mismatch", "the upload has %d bytes, declared %d", info.Size, u.Size)
	}
	m, err := s.checkStored(ctx, a, u, st)
	if err != nil {
		s.abandon(ctx, u)
		return Media{}, false, err
	}
	if m, err = s.commit(ctx, a, m, st, u.Key); err != nil {
		if !errors.Is(err, ErrUnavailable) {
			s.abandon(ctx, u)
		}
		return Media{}, false, err
	}
	if err := s.store.DeleteUpload(ctx, u.ID); err != nil {
		s.opts.Logger.WarnContext(ctx, "completed upload not forgotten; the sweep will", "upload", u.ID, "error", err)
	}
	return m, true, nil
}

// checkStored reads a stored upload as a streamed one is read: its head for
// its type and header, then the whole of it for its digest.
func (s *Service) checkStored(ctx context.Context, a Actor, u Upload, st blob.Store) (Media, error) {
	obj, err := st.Get(ctx, u.Key, blob.GetOptions{})
	if err != nil {
		return Media{}, storageErr("read upload", err)
	}
	defer obj.Body.Close()
	hd, body, err := s.inspect(obj.Body)
	if err != nil {
		var fe *fault.Error
		if !errors.As(err, &fe) {
			err = storageErr("read upload", err) // the stored bytes could not be read: the store's failure
		}
		return Media{}, err
	}
	if limit := s.opts.MaxBytes[hd.kind]; u.Size > limit {
		return Media{}, fault.New(ErrTooLarge, "file_too_large", "an %s may have at most %d bytes", hd.kind, limit)
	}
	h := sha256.New()
	n, err := io.Copy(h, body)
	if err != nil {
		return Media{}, storageErr("read upload", err)
	}
	if n != u.Size {
		return Media{}, fault.New(ErrUnprocessable, "size_mismatch", "the upload has %d bytes, declared %d", n, u.Size)
	}
	now := s.opts.Now().UTC()
	return Media{ID: u.ID, OwnerID: a.UserID, Kind: hd.kind, Status: Uploaded, Visibility: u.Visibility,
		Provider: u.Provider, Format: string(hd.format), ContentType: contentTypes[string(hd.format)],
		Width: hd.info.Width, Height: hd.info.Height, Frames: hd.info.Frames, Run: 1, Bytes: n,
		SHA256: hex.EncodeToString(h.Sum(nil)), CreatedAt: now, UpdatedAt: now}, nil
}

// abandon removes an upload's bytes and forgets it. When its bytes cannot be
// removed now, it is not forgotten: the sweep tries again once it expires.
func (s *Service) abandon(ctx context.Context, u Upload) {
	ctx = context.WithoutCancel(ctx)
	if err := s.removeUpload(ctx, u); err != nil {
		s.opts.Logger.WarnContext(ctx, "upload not removed yet; the sweep retries", "upload", u.ID, "error", err)
	}
}

// removeUpload removes an upload's bytes, then its record, so that a failure
// leaves the record for another try. A provider no longer configured holds
// nothing Lyo can remove: its uploads are only forgotten.
func (s *Service) removeUpload(ctx context.Context, u Upload) error {
	if prov, err := s.provider(u.Provider); err == nil {
		if u.MultipartID != "" {
			if err := prov.Store.AbortMultipart(ctx, u.Key, u.MultipartID); err != nil && !errors.Is(err, blob.ErrNotFound) {
				return fmt.Errorf("abort upload %s: %w", u.ID, err)
			}
		}
		if err := prov.Store.Delete(ctx, u.Key); err != nil {
			return fmt.Errorf("remove upload %s: %w", u.ID, err)
		}
	}
	if err := s.store.DeleteUpload(ctx, u.ID); err != nil {
		return fmt.Errorf("forget upload %s: %w", u.ID, err)
	}
	return nil
}

// SweepArgs is the periodic job that removes direct uploads never completed.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "media.sweep_uploads" }

// SweepWorker runs media.sweep_uploads.
type SweepWorker struct {
	jobs.WorkerDefaults[SweepArgs]
	svc *Service
}

// NewSweepWorker makes the sweep's worker.
func NewSweepWorker(svc *Service) *SweepWorker { return &SweepWorker{svc: svc} }

// sweepPage is how many expired uploads the sweep reads at a time;
// maxSweepFailures is how many it may fail to remove in one run before it
// stops for the next.
const (
	sweepPage        = 100
	maxSweepFailures = 1000
)

// Work removes uploads a day past their expiry: long enough for a client that
// was sending its last bytes to complete. An upload that cannot be removed is
// skipped and kept for the next run, so it never holds up the rest; the run
// then fails, counted in the jobs' metrics, saying how many it left.
func (w *SweepWorker) Work(ctx context.Context, _ *jobs.Job[SweepArgs]) error {
	s := w.svc
	before := s.opts.Now().Add(-24 * time.Hour)
	failed := map[string]bool{}
	removed := 0
	for len(failed) < maxSweepFailures {
		// The uploads that failed stay first in line: read past them.
		limit := sweepPage + len(failed)
		ups, err := s.store.ExpiredUploads(ctx, before, limit)
		if err != nil {
			return err
		}
		for _, u := range ups {
			if failed[u.ID] {
				continue
			}
			if err := s.removeUpload(ctx, u); err != nil {
				failed[u.ID] = true
				s.opts.Logger.WarnContext(ctx, "expired upload not removed; the next sweep retries", "upload", u.ID, "error", err)
				continue
			}
			removed++
		}
		if len(ups) < limit {
			break
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("upload sweep: %d removed, %d left for the next run", removed, len(failed))
	}
	return nil
}
