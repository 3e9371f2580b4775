package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lyolearn/lyo/internal/blob"
)

// List walks the directory the prefix names, in key order, skipping every
// subtree that holds no key after the cursor.
func (s *Store) List(ctx context.Context, opts blob.ListOptions) (blob.Page, error) {
	limit, err := opts.Check()
	if err != nil {
		return blob.Page{}, fmt.Errorf("list: %w", err)
	}
	l := lister{s: s, ctx: ctx, prefix: opts.Prefix, after: opts.After, want: limit + 1}
	base := opts.Prefix[:strings.LastIndex(opts.Prefix, "/")+1]
	if err := l.walk(dirPath(base), base); err != nil {
		return blob.Page{}, fmt.Errorf("list %q: %w", opts.Prefix, err)
	}
	page := blob.Page{Items: l.items}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = page.Items[limit-1].Key
	}
	return page, nil
}

type lister struct {
	s      *Store
	ctx    context.Context
	prefix string
	after  string
	want   int
	items  []blob.Info
}

// entry is a directory entry as the part of a key it stands for: a file "b%o"
// is "b", a directory "b" is "b/". Sorting entries by it sorts their keys.
type entry struct {
	part string
	name string
	dir  bool
}

func (l *lister) walk(dir, keyPrefix string) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	d, err := l.s.root.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return unavailable(err)
	}
	des, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return unavailable(err)
	}
	entries := make([]entry, 0, len(des))
	for _, de := range des {
		name := de.Name()
		switch {
		case de.IsDir() && ownName(name):
			entries = append(entries, entry{part: unescape(name) + "/", name: name, dir: true})
		case de.Type().IsRegular() && strings.HasSuffix(name, objectSuffix) && ownName(strings.TrimSuffix(name, objectSuffix)):
			entries = append(entries, entry{part: unescape(strings.TrimSuffix(name, objectSuffix)), name: name})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.part, b.part) })
	for _, e := range entries {
		if len(l.items) >= l.want {
			return nil
		}
		key := keyPrefix + e.part
		if e.dir {
			if l.holdsWanted(key) {
				if err := l.walk(filepath.Join(dir, e.name), key); err != nil {
					return err
				}
			}
			continue
		}
		if !strings.HasPrefix(key, l.prefix) || key <= l.after {
			continue
		}
		f, h, st, err := l.s.open(filepath.Join(dir, e.name))
		if errors.Is(err, blob.ErrNotFound) {
			continue // deleted while listing
		}
		if err != nil {
			return err
		}
		f.Close()
		l.items = append(l.items, info(key, h, st.ModTime()))
	}
	return nil
}

// holdsWanted reports whether a directory whose keys all start with dirKey
// (ending in '/') can hold a key that matches the prefix and sorts after the
// cursor.
func (l *lister) holdsWanted(dirKey string) bool {
	if !strings.HasPrefix(dirKey, l.prefix) && !strings.HasPrefix(l.prefix, dirKey) {
		return false
	}
	// Every key under the directory is longer than dirKey and starts with it:
	// if the cursor is past dirKey without starting with it, it is past them all.
	return !(l.after >= dirKey && !strings.HasPrefix(l.after, dirKey))
}
