package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// Sweep removes what crashes and abandoned clients leave behind: temporary
// files and multipart uploads older than age. Neither is ever visible as an
// object; this only returns their space. Run it from a periodic job (an age of
// a day or more leaves every live upload alone). S3 does the same with a
// bucket lifecycle rule (AbortIncompleteMultipartUpload).
func (s *Store) Sweep(ctx context.Context, age time.Duration) (removed int, err error) {
	cutoff := s.now().Add(-age)
	err = fs.WalkDir(s.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed meanwhile
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		old := func() bool {
			fi, err := d.Info()
			return err == nil && fi.ModTime().Before(cutoff)
		}
		switch {
		case p == uploadsDir:
			removed += s.sweepUploads(cutoff)
			return fs.SkipDir
		case !d.IsDir() && strings.HasPrefix(name, tempPrefix) && old():
			if s.root.Remove(p) == nil {
				removed++
			}
		}
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("sweep: %w", unavailable(err))
	}
	return removed, nil
}

// sweepUploads removes uploads whose record is older than cutoff, and
// directories that never got a record (a crash in CreateMultipart).
func (s *Store) sweepUploads(cutoff time.Time) (removed int) {
	uploads, err := fs.ReadDir(s.root.FS(), uploadsDir)
	if err != nil {
		return 0
	}
	for _, u := range uploads {
		dir := filepath.Join(uploadsDir, u.Name())
		fi, err := s.root.Stat(filepath.Join(dir, "upload"))
		if errors.Is(err, fs.ErrNotExist) {
			fi, err = u.Info()
		}
		if err == nil && fi.ModTime().Before(cutoff) && s.root.RemoveAll(dir) == nil {
			removed++
		}
	}
	return removed
}
