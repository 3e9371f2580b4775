package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/id"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media/imaging"
)

// sniffBytes is how much of a file the type is read from; probeBytes is how far
// into it the header may reach (a JPEG's EXIF and ICC segments come before its
// dimensions; an animated GIF or WebP is read to its end to count its frames).
// What the header takes is held in memory, a few kilobytes for a photo; the
// rest streams.
const (
	sniffBytes = imaging.SniffLen
	probeBytes = 16 << 20
)

// kinds are the kinds each accepted format belongs to.
var kinds = map[imaging.Format]Kind{
	"jpeg": Image, "png": Image, "gif": Image, "webp": Image, "heic": Image, "avif": Image,
}

// ParseVisibility reads the optional visibility field: private when empty.
func ParseVisibility(s string) (Visibility, error) {
	switch Visibility(s) {
	case "":
		return Private, nil
	case Private, Public:
		return Visibility(s), nil
	}
	return "", fault.Invalidf("visibility", "must be public or private")
}

// head is what the first bytes of a file say: its format, kind and header.
type head struct {
	format imaging.Format
	kind   Kind
	info   imaging.Info
}

// inspect reads a file's type from its magic bytes and its dimensions from its
// header, refusing what Lyo does not take, before anything is stored. It answers
// the head and a reader of the whole file, the bytes it read included.
func (s *Service) inspect(file io.Reader) (head, io.Reader, error) {
	var seen bytes.Buffer
	tee := io.TeeReader(io.LimitReader(file, probeBytes), &seen)
	first := make([]byte, sniffBytes)
	n, err := io.ReadFull(tee, first)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return head{}, nil, err
	}
	first = first[:n]
	if n == 0 {
		return head{}, nil, fault.New(ErrUnprocessable, "empty_file", "the file is empty")
	}
	format, err := imaging.Sniff(first)
	if err != nil {
		return head{}, nil, fault.New(ErrUnsupported, "unsupported_media_type", "%s", safeMessage(err))
	}
	kind, ok := kinds[format]
	if !ok {
		return head{}, nil, fault.New(ErrUnsupported, "unsupported_media_type", "%s files are not accepted", format)
	}
	info, err := imaging.Probe(io.MultiReader(bytes.NewReader(first), tee), imaging.Limits{MaxPixels: s.opts.MaxPixels, MaxFrames: s.opts.MaxFrames})
	switch {
	case errors.Is(err, imaging.ErrUnsupported):
		return head{}, nil, fault.New(ErrUnsupported, "unsupported_media_type", "%s", safeMessage(err))
	case errors.Is(err, imaging.ErrTooLarge):
		return head{}, nil, fault.New(ErrUnprocessable, "image_too_large", "the image has more than %d pixels", s.opts.MaxPixels)
	case errors.Is(err, imaging.ErrTooManyFrames):
		return head{}, nil, fault.New(ErrUnprocessable, "too_many_frames", "the image has more than %d frames", s.opts.MaxFrames)
	case err != nil:
		return head{}, nil, fault.New(ErrUnprocessable, "unreadable_header", "the %s header cannot be read: the file is damaged or truncated", format)
	}
	return head{format: format, kind: kind, info: info}, io.MultiReader(&seen, file), nil
}

// safeMessage is the text of an imaging error, which imaging keeps safe to show.
func safeMessage(err error) string { return err.Error() }

// Upload stores one file for the actor and enqueues its processing. The file
// streams to storage; it is never held whole in memory. On any refusal or
// failure nothing stays behind: no record, no object.
func (s *Service) Upload(ctx context.Context, a Actor, file io.Reader, vis Visibility) (Media, error) {
	if err := s.checkQuota(ctx, a, 0); err != nil {
		return Media{}, err
	}
	hd, body, err := s.inspect(file)
	if err != nil {
		return Media{}, err
	}
	now := s.opts.Now().UTC()
	m := Media{ID: id.New(now), OwnerID: a.UserID, Kind: hd.kind, Status: Uploaded, Visibility: vis,
		Provider: s.primary().Name, Format: string(hd.format), ContentType: contentTypes[string(hd.format)],
		Width: hd.info.Width, Height: hd.info.Height, Frames: hd.info.Frames, Run: 1, CreatedAt: now, UpdatedAt: now}
	st := s.primary().Store
	staging := stagingKey(m.ID)
	limit := s.opts.MaxBytes[m.Kind]
	// The store hashes the body as it writes it: its Info has the digest.
	info, err := st.Put(ctx, staging, body, blob.PutOptions{ContentType: m.ContentType, MaxSize: limit})
	if err != nil {
		s.discard(ctx, st, staging)
		if errors.Is(err, blob.ErrTooLarge) {
			return Media{}, fault.New(ErrTooLarge, "file_too_large", "an %s may have at most %d bytes", m.Kind, limit)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return Media{}, fmt.Errorf("store upload: %w (%w)", ErrIncomplete, err)
		}
		return Media{}, storageErr("store upload", err)
	}
	m.Bytes, m.SHA256 = info.Size, info.SHA256
	m, err = s.commit(ctx, a, m, st, staging)
	if errors.Is(err, ErrUnavailable) {
		s.discard(ctx, st, staging) // the body is gone: nothing can retry from it
	}
	return m, err
}

// commit moves a complete upload from its staging key to its content-addressed
// key and writes its record with the processing job. It removes both objects
// when anything fails, except the staged one on an outage (ErrUnavailable): a
// direct upload's completion may then be retried from it, and a streamed
// upload's caller discards it.
func (s *Service) commit(ctx context.Context, a Actor, m Media, st blob.Store, staging string) (_ Media, err error) {
	defer func() {
		if !errors.Is(err, ErrUnavailable) {
			s.discard(ctx, st, staging)
		}
	}()
	key, err := ObjectKey(m.ID, "original", m.SHA256, m.Format)
	if err != nil {
		return Media{}, err
	}
	m.OriginalKey = key
	if _, err := st.Copy(ctx, staging, key); err != nil {
		s.discard(ctx, st, key)
		return Media{}, storageErr("store upload", err)
	}
	err = s.store.CreateMedia(ctx, m, s.quota(a), func(ctx context.Context, tx jobs.Tx) error {
		_, err := s.queue.EnqueueTx(ctx, tx, ProcessArgs{MediaID: m.ID, Run: m.Run}, processOpts())
		return err
	})
	if err != nil {
		s.discard(ctx, st, key)
		if errors.Is(err, ErrQuota) {
			return Media{}, s.quotaError(a)
		}
		return Media{}, err
	}
	return m, nil
}

// discard removes an object left by an upload that did not finish, even when
// the request was cancelled.
func (s *Service) discard(ctx context.Context, st blob.Store, key string) {
	if err := st.Delete(context.WithoutCancel(ctx), key); err != nil {
		s.opts.Logger.WarnContext(ctx, "could not remove an unfinished upload", "key", key, "error", err)
	}
}

func (s *Service) quota(a Actor) int64 { return s.opts.Quotas[a.Role] }

func (s *Service) quotaError(a Actor) error {
	return fault.New(ErrQuota, "quota_exceeded", "your media may take at most %d bytes; delete some to upload more", s.quota(a))
}

// checkQuota refuses an upload of size bytes (0: unknown yet) that cannot fit
// in the actor's quota, before it is streamed. The final check is the store's,
// when the record is written.
func (s *Service) checkQuota(ctx context.Context, a Actor, size int64) error {
	q := s.quota(a)
	if q <= 0 {
		return nil
	}
	used, err := s.store.MediaUsage(ctx, a.UserID)
	if err != nil {
		return err
	}
	if used+max(size, 1) > q {
		return s.quotaError(a)
	}
	return nil
}
