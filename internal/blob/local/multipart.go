package local

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

// A multipart upload lives in %uploads/<id>/ until it is completed or aborted:
// upload.json names its key and metadata, and each part is an object file named
// by its number. Completing concatenates the parts into a temporary file beside
// the final object and renames it, so nothing is visible under the key before
// the whole object is.

type upload struct {
	Key          string    `json:"key"`
	ContentType  string    `json:"content_type"`
	CacheControl string    `json:"cache_control,omitempty"`
	Created      time.Time `json:"created"`
}

func uploadDir(id string) (string, error) {
	if len(id) != 32 {
		return "", fmt.Errorf("%w: malformed upload id", blob.ErrInvalid)
	}
	if _, err := hex.DecodeString(id); err != nil || strings.ToLower(id) != id {
		return "", fmt.Errorf("%w: malformed upload id", blob.ErrInvalid)
	}
	return filepath.Join(uploadsDir, id), nil
}

func partName(n int) string { return fmt.Sprintf("part-%05d", n) }

// CreateMultipart starts an upload.
func (s *Store) CreateMultipart(ctx context.Context, key string, opts blob.PutOptions) (string, error) {
	if _, err := objectPath(key); err != nil {
		return "", fmt.Errorf("create multipart: %w", err)
	}
	id := randomHex(16)
	dir, _ := uploadDir(id)
	if err := s.root.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create multipart %q: %w", key, unavailable(err))
	}
	meta, err := json.Marshal(upload{Key: key, ContentType: opts.ContentType, CacheControl: opts.CacheControl, Created: s.now().UTC()})
	if err != nil {
		return "", err
	}
	if _, err := s.write(ctx, filepath.Join(dir, "upload"), bytes.NewReader(meta), blob.PutOptions{ContentType: "application/json"}, false); err != nil {
		s.root.RemoveAll(dir)
		return "", fmt.Errorf("create multipart %q: %w", key, err)
	}
	return id, nil
}

// upload reads an upload's record and checks that it is key's.
func (s *Store) upload(key, id string) (string, upload, error) {
	dir, err := uploadDir(id)
	if err != nil {
		return "", upload{}, err
	}
	f, h, _, err := s.open(filepath.Join(dir, "upload"))
	if err != nil {
		return "", upload{}, err
	}
	defer f.Close()
	var u upload
	if err := json.NewDecoder(io.LimitReader(f, h.Size)).Decode(&u); err != nil {
		return "", upload{}, unavailable(err)
	}
	if u.Key != key {
		return "", upload{}, fmt.Errorf("%w: upload %s is not for this key", blob.ErrNotFound, id)
	}
	return dir, u, nil
}

// UploadPart stores one part.
func (s *Store) UploadPart(ctx context.Context, key, id string, n int, body io.Reader, size int64) (blob.Part, error) {
	if err := blob.CheckPart(n); err != nil {
		return blob.Part{}, fmt.Errorf("upload part: %w", err)
	}
	if err := blob.CheckPartSize(size); err != nil {
		return blob.Part{}, fmt.Errorf("upload part: %w", err)
	}
	dir, _, err := s.upload(key, id)
	if err != nil {
		return blob.Part{}, fmt.Errorf("upload part %d of %q: %w", n, key, err)
	}
	w, err := s.write(ctx, filepath.Join(dir, partName(n)), body, blob.PutOptions{Size: size}, false)
	if err != nil {
		return blob.Part{}, fmt.Errorf("upload part %d of %q: %w", n, key, err)
	}
	return blob.Part{Number: n, ETag: w.etag(), Size: w.Size}, nil
}

// ListParts lists the parts stored so far.
func (s *Store) ListParts(ctx context.Context, key, id string) ([]blob.Part, error) {
	dir, _, err := s.upload(key, id)
	if err != nil {
		return nil, fmt.Errorf("list parts of %q: %w", key, err)
	}
	parts, err := s.parts(dir)
	if err != nil {
		return nil, fmt.Errorf("list parts of %q: %w", key, err)
	}
	return parts, nil
}

func (s *Store) parts(dir string) ([]blob.Part, error) {
	d, err := s.root.Open(dir)
	if err != nil {
		return nil, notFoundOr(err)
	}
	des, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return nil, unavailable(err)
	}
	var parts []blob.Part
	for _, de := range des {
		num, ok := strings.CutPrefix(de.Name(), "part-")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || partName(n) != de.Name() {
			continue
		}
		f, h, _, err := s.open(filepath.Join(dir, de.Name()))
		if errors.Is(err, blob.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		f.Close()
		parts = append(parts, blob.Part{Number: n, ETag: h.etag(), Size: h.Size})
	}
	slices.SortFunc(parts, func(a, b blob.Part) int { return a.Number - b.Number })
	return parts, nil
}

// CompleteMultipart checks the part list against the stored parts, joins them
// into the object and removes the upload.
func (s *Store) CompleteMultipart(ctx context.Context, key, id string, want []blob.Part) (blob.Info, error) {
	rel, err := objectPath(key)
	if err != nil {
		return blob.Info{}, fmt.Errorf("complete multipart: %w", err)
	}
	dir, u, err := s.upload(key, id)
	if err != nil {
		return blob.Info{}, fmt.Errorf("complete multipart %q: %w", key, err)
	}
	stored, err := s.parts(dir)
	if err != nil {
		return blob.Info{}, fmt.Errorf("complete multipart %q: %w", key, err)
	}
	if err := checkParts(want, stored); err != nil {
		return blob.Info{}, fmt.Errorf("complete multipart %q: %w", key, err)
	}
	// Open every part before writing: an abort meanwhile fails the
	// completion here, or the open files finish it.
	readers := make([]io.Reader, len(want))
	for i, p := range want {
		f, h, _, err := s.open(filepath.Join(dir, partName(p.Number)))
		if err != nil {
			return blob.Info{}, fmt.Errorf("complete multipart %q: part %d: %w", key, p.Number, err)
		}
		defer f.Close()
		if h.etag() != normalETag(p.ETag) {
			return blob.Info{}, fmt.Errorf("complete multipart %q: %w: part %d changed", key, blob.ErrInvalidPart, p.Number)
		}
		readers[i] = io.NewSectionReader(f, headerSize, h.Size)
	}
	w, err := s.write(ctx, rel, io.MultiReader(readers...), blob.PutOptions{ContentType: u.ContentType, CacheControl: u.CacheControl}, true)
	if err != nil {
		return blob.Info{}, fmt.Errorf("complete multipart %q: %w", key, err)
	}
	s.root.RemoveAll(dir)
	return info(key, w.header, w.modified), nil
}

// checkParts applies S3's rules: at least one part, numbers increasing, each
// stored with the ETag given, all but the last at least MinPartSize.
func checkParts(want, stored []blob.Part) error {
	if len(want) == 0 {
		return fmt.Errorf("%w: no parts", blob.ErrInvalidPart)
	}
	byNum := map[int]blob.Part{}
	for _, p := range stored {
		byNum[p.Number] = p
	}
	for i, p := range want {
		if i > 0 && p.Number <= want[i-1].Number {
			return fmt.Errorf("%w: part numbers must increase", blob.ErrInvalidPart)
		}
		got, ok := byNum[p.Number]
		if !ok || got.ETag != normalETag(p.ETag) {
			return fmt.Errorf("%w: part %d is not stored with that ETag", blob.ErrInvalidPart, p.Number)
		}
		if i < len(want)-1 && got.Size < blob.MinPartSize {
			return fmt.Errorf("%w: part %d has %d bytes; all but the last need %d", blob.ErrInvalidPart, p.Number, got.Size, blob.MinPartSize)
		}
	}
	return nil
}

// normalETag accepts an ETag with or without its quotes, as S3 does.
func normalETag(tag string) string {
	if len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"' {
		return tag
	}
	return strconv.Quote(tag)
}

// AbortMultipart removes the upload and its parts.
func (s *Store) AbortMultipart(ctx context.Context, key, id string) error {
	dir, _, err := s.upload(key, id)
	if err != nil {
		return fmt.Errorf("abort multipart %q: %w", key, err)
	}
	if err := s.root.RemoveAll(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("abort multipart %q: %w", key, unavailable(err))
	}
	return nil
}
