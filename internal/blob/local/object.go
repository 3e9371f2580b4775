package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

// Put stores body under key atomically.
func (s *Store) Put(ctx context.Context, key string, body io.Reader, opts blob.PutOptions) (blob.Info, error) {
	rel, err := objectPath(key)
	if err != nil {
		return blob.Info{}, fmt.Errorf("put: %w", err)
	}
	w, err := s.write(ctx, rel, body, opts, true)
	if err != nil {
		return blob.Info{}, fmt.Errorf("put %q: %w", key, err)
	}
	return info(key, w.header, w.modified), nil
}

func info(key string, h header, modified time.Time) blob.Info {
	return blob.Info{Key: key, Size: h.Size, ContentType: h.ContentType, CacheControl: h.CacheControl,
		ETag: h.etag(), Modified: modified.UTC(), SHA256: h.SHA256}
}

// open opens an object file and reads its header; the caller closes the file.
func (s *Store) open(rel string) (*os.File, header, os.FileInfo, error) {
	f, err := s.root.Open(rel)
	if err != nil {
		return nil, header{}, nil, notFoundOr(err)
	}
	h, err := readHeader(f)
	if err != nil {
		f.Close()
		return nil, header{}, nil, unavailable(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, header{}, nil, unavailable(err)
	}
	return f, h, st, nil
}

// Get opens the object. Its Body is also an io.ReadSeeker over the content (or
// the range asked for), so http.ServeContent can serve it.
func (s *Store) Get(ctx context.Context, key string, opts blob.GetOptions) (*blob.Object, error) {
	rel, err := objectPath(key)
	if err != nil {
		return nil, fmt.Errorf("get: %w", err)
	}
	f, h, st, err := s.open(rel)
	if err != nil {
		return nil, fmt.Errorf("get %q: %w", key, err)
	}
	obj := &blob.Object{Info: info(key, h, st.ModTime()), Length: h.Size}
	if opts.IfMatch != "" && opts.IfMatch != obj.ETag {
		f.Close()
		return nil, fmt.Errorf("get %q: %w", key, blob.ErrPreconditionFailed)
	}
	if r := opts.Range; r != nil {
		if r.Offset < 0 || r.Length == 0 || r.Length < -1 || r.Offset >= h.Size {
			f.Close()
			return nil, fmt.Errorf("get %q bytes %d+%d of %d: %w", key, r.Offset, r.Length, h.Size, blob.ErrInvalidRange)
		}
		obj.Offset = r.Offset
		obj.Length = h.Size - r.Offset
		if r.Length > 0 && r.Length < obj.Length {
			obj.Length = r.Length
		}
	}
	obj.Body = &fileBody{SectionReader: io.NewSectionReader(f, headerSize+obj.Offset, obj.Length), f: f}
	return obj, nil
}

// fileBody is an object's content read straight from its file: an io.ReadSeeker
// and io.ReaderAt that closes the file.
type fileBody struct {
	*io.SectionReader
	f *os.File
}

func (b *fileBody) Close() error { return b.f.Close() }

// Head describes the object.
func (s *Store) Head(ctx context.Context, key string) (blob.Info, error) {
	rel, err := objectPath(key)
	if err != nil {
		return blob.Info{}, fmt.Errorf("head: %w", err)
	}
	f, h, st, err := s.open(rel)
	if err != nil {
		return blob.Info{}, fmt.Errorf("head %q: %w", key, err)
	}
	f.Close()
	return info(key, h, st.ModTime()), nil
}

// Copy links dst to src's file: objects are never changed in place (a Put
// renames a new file over the old), so sharing the file is a copy. Where a link
// is impossible (another file system mounted under the root) it copies bytes.
func (s *Store) Copy(ctx context.Context, src, dst string) (blob.Info, error) {
	srel, err := objectPath(src)
	if err != nil {
		return blob.Info{}, fmt.Errorf("copy: %w", err)
	}
	drel, err := objectPath(dst)
	if err != nil {
		return blob.Info{}, fmt.Errorf("copy: %w", err)
	}
	f, h, st, err := s.open(srel)
	if err != nil {
		return blob.Info{}, fmt.Errorf("copy %q: %w", src, err)
	}
	defer f.Close()
	if err := s.link(srel, drel); err == nil {
		return info(dst, h, st.ModTime()), nil
	} else if errors.Is(err, blob.ErrNotFound) {
		return blob.Info{}, fmt.Errorf("copy %q: %w", src, err)
	}
	body := io.NewSectionReader(f, headerSize, h.Size)
	w, err := s.write(ctx, drel, body, blob.PutOptions{ContentType: h.ContentType, CacheControl: h.CacheControl}, true)
	if err != nil {
		return blob.Info{}, fmt.Errorf("copy %q to %q: %w", src, dst, err)
	}
	return info(dst, w.header, w.modified), nil
}

// link makes dst another name of src's file, through a temporary name so that
// dst changes in one rename.
func (s *Store) link(src, dst string) error {
	dir := filepath.Dir(dst)
	for attempt := 0; ; attempt++ {
		if err := s.root.MkdirAll(dir, 0o700); err != nil {
			return unavailable(err)
		}
		tmp := filepath.Join(dir, tempPrefix+randomHex(12))
		err := s.root.Link(src, tmp)
		if err == nil {
			if err := s.root.Rename(tmp, dst); err != nil {
				s.root.Remove(tmp)
				return unavailable(err)
			}
			s.syncDir(dir)
			return nil
		}
		// The source went away, or an empty directory was pruned under us.
		if _, serr := s.root.Stat(src); errors.Is(serr, fs.ErrNotExist) {
			return notFoundOr(serr)
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return unavailable(err)
		}
	}
}

// Delete removes the object, then the directories it leaves empty.
func (s *Store) Delete(ctx context.Context, key string) error {
	rel, err := objectPath(key)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if err := s.root.Remove(rel); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("delete %q: %w", key, unavailable(err))
	}
	s.syncDir(filepath.Dir(rel))
	s.prune(filepath.Dir(rel))
	return nil
}

// prune removes dir and its parents while they are empty. Remove refuses a
// directory that is not empty, so an object written meanwhile stays.
func (s *Store) prune(dir string) {
	for ; dir != "." && dir != string(filepath.Separator); dir = filepath.Dir(dir) {
		if s.root.Remove(dir) != nil {
			return
		}
	}
}
