// Package local is the default blob.Store: objects as files under one directory
// (LYO_DATA_DIR/media unless configured otherwise).
//
// Every write goes to a temporary file in the object's own directory, is synced,
// and is renamed over the object, so a reader sees the old object or the new one
// and a crash leaves at most a temporary file that no listing shows (Sweep
// removes them). Files are created 0600 and directories 0700: media may be
// private. All access goes through an os.Root, so no key, and no symbolic link
// planted under the root, reaches a file outside it.
//
// Presigned requests are Lyo's own signed URLs (blob/signed) under
// Options.URLBase, which Lyo's routes serve with a signed.Handler.
package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/signed"
)

// Options configure a Store.
type Options struct {
	// Dir is the root directory; it is created (0700) when missing.
	Dir string
	// Keys sign presigned requests; without them presigning is refused.
	Keys *signed.Keys
	// URLBase is where Lyo serves this store's signed requests: a signed URL
	// is URLBase + "/" + the escaped key + "?" + the signature. Absolute
	// (https://lyo.example/…) or root-relative (/api/v1/…).
	URLBase string
	// Scope binds signed URLs to this store, so a URL signed for one
	// provider is refused by another's route. Usually the provider's name.
	Scope string
	// Now is the clock presigned requests expire by (time.Now when nil).
	Now func() time.Time
}

// Store keeps objects under one directory.
type Store struct {
	root *os.Root
	dir  string
	opts Options
	now  func() time.Time
}

var _ blob.Store = (*Store)(nil)

// New opens (creating it when missing) the directory and tightens it to 0700.
func New(opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, errors.New("local storage: no directory")
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("local storage: %w", err)
	}
	// The data directory is private; an older or hand-made media directory
	// may not be.
	if err := os.Chmod(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("local storage: %w", err)
	}
	root, err := os.OpenRoot(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("local storage: %w", err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Store{root: root, dir: opts.Dir, opts: opts, now: now}, nil
}

// Close releases the root directory.
func (s *Store) Close() error { return s.root.Close() }

// Dir is the root directory.
func (s *Store) Dir() string { return s.dir }

// Ping checks that the root directory is still there.
func (s *Store) Ping(ctx context.Context) error {
	st, err := s.root.Stat(".")
	if err != nil {
		return fmt.Errorf("local storage: %w", unavailable(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("local storage: %w: root is not a directory", blob.ErrUnavailable)
	}
	return nil
}

// written is what write leaves behind: the header and when the file changed.
type written struct {
	header
	modified time.Time
}

// write streams body into a temporary file in rel's directory and renames it to
// rel once the body has ended as opts allow. mkdir creates the directory first
// (an upload's parts go only where the upload's directory still exists).
func (s *Store) write(ctx context.Context, rel string, body io.Reader, opts blob.PutOptions, mkdir bool) (written, error) {
	if err := opts.Check(); err != nil {
		return written{}, err
	}
	h := header{ContentType: opts.ContentType, CacheControl: opts.CacheControl}
	if h.ContentType == "" {
		h.ContentType = "application/octet-stream"
	}
	if len(h.ContentType) > maxMetaText || len(h.CacheControl) > maxMetaText {
		return written{}, fmt.Errorf("%w: content type or cache control longer than %d bytes", blob.ErrInvalid, maxMetaText)
	}
	tmp, f, err := s.createTemp(filepath.Dir(rel), mkdir)
	if err != nil {
		return written{}, err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			s.root.Remove(tmp)
		}
	}()
	if _, err := f.Write(make([]byte, headerSize)); err != nil {
		return written{}, unavailable(err)
	}
	cb := blob.NewCheckedBody(ctxReader{ctx, body}, opts)
	if _, err := io.CopyBuffer(fileWriter{f}, cb, make([]byte, 256<<10)); err != nil {
		return written{}, readOrWrite(err)
	}
	h.SHA256, h.Size = hex.EncodeToString(cb.Sum()), cb.N()
	hb, err := h.encode()
	if err != nil {
		return written{}, err
	}
	if _, err := f.WriteAt(hb, 0); err != nil {
		return written{}, unavailable(err)
	}
	if err := f.Sync(); err != nil {
		return written{}, unavailable(err)
	}
	st, err := f.Stat()
	if err != nil {
		return written{}, unavailable(err)
	}
	if err := f.Close(); err != nil {
		return written{}, unavailable(err)
	}
	if err := s.root.Rename(tmp, rel); err != nil {
		return written{}, notFoundOr(err)
	}
	done = true
	s.syncDir(filepath.Dir(rel))
	return written{header: h, modified: st.ModTime()}, nil
}

// createTemp makes a new private file in dir. A concurrent Delete may remove an
// empty directory between MkdirAll and the create: try again.
func (s *Store) createTemp(dir string, mkdir bool) (string, *os.File, error) {
	for attempt := 0; ; attempt++ {
		if mkdir {
			if err := s.root.MkdirAll(dir, 0o700); err != nil {
				return "", nil, unavailable(err)
			}
		}
		name := filepath.Join(dir, tempPrefix+randomHex(12))
		f, err := s.root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			return name, f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) || !mkdir || attempt == 3 {
			return "", nil, notFoundOr(err)
		}
	}
}

// syncDir makes a rename durable. Failing it loses nothing already visible, so
// its error is not the caller's.
func (s *Store) syncDir(dir string) {
	if d, err := s.root.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// fileWriter tags the file's own errors for readOrWrite.
type fileWriter struct{ f *os.File }

func (w fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		return n, writeError{err}
	}
	return n, nil
}

// ctxReader stops a long copy when the caller gives up.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
