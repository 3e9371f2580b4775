package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

func errorsIs(err, kind error) bool { return errors.Is(err, kind) }

func newTestStore(t testing.TB, now func() time.Time) *Store {
	t.Helper()
	st, err := New(Options{Dir: filepath.Join(t.TempDir(), "media"), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	os.MkdirAll(dir, 0o755) // made by hand, or by an older version
	st, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Put(t.Context(), "a/b/c.jpg", strings.NewReader("x"), blob.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	id, err := st.CreateMultipart(t.Context(), "a/up", blob.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UploadPart(t.Context(), "a/up", id, 1, strings.NewReader("p"), 1); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := d.Info()
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s is %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})
}

// TestSymlinksCannotLeaveTheRoot plants links under the root that point outside
// it: no key reads or writes through them.
func TestSymlinksCannotLeaveTheRoot(t *testing.T) {
	st := newTestStore(t, nil)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret%o")
	os.WriteFile(secret, []byte("LYOBLOB1 not yours"), 0o600)
	if err := os.Symlink(outside, filepath.Join(st.Dir(), "evil")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(st.Dir(), "link%o")); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"evil/secret", "link"} {
		if _, err := st.Get(t.Context(), key, blob.GetOptions{}); err == nil {
			t.Errorf("read %q through a link out of the root", key)
		}
		if _, err := st.Copy(t.Context(), key, "copied"); err == nil {
			t.Errorf("copied %q from outside the root", key)
		}
	}
	for _, key := range []string{"evil/secret", "evil/new"} {
		if _, err := st.Put(t.Context(), key, strings.NewReader("overwritten"), blob.PutOptions{}); err == nil {
			t.Errorf("wrote %q through a link out of the root", key)
		}
	}
	// A write to "link" replaces the link itself, inside the root.
	if _, err := st.Put(t.Context(), "link", strings.NewReader("mine"), blob.PutOptions{}); err != nil {
		t.Errorf("replace the planted link: %v", err)
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 {
		t.Errorf("the directory outside the root now holds %d entries", len(entries))
	}
	if b, _ := os.ReadFile(secret); string(b) != "LYOBLOB1 not yours" {
		t.Errorf("the file outside the root changed: %q", b)
	}
}

// TestTruncatedFileIsAnError: an object file cut short (a disk fault, a hand
// edit) is reported, never served as a shorter object.
func TestTruncatedFileIsAnError(t *testing.T) {
	st := newTestStore(t, nil)
	if _, err := st.Put(t.Context(), "t/obj", strings.NewReader("0123456789"), blob.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(st.Dir(), "t", "obj%o")
	if err := os.Truncate(p, headerSize+5); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(t.Context(), "t/obj", blob.GetOptions{}); err == nil {
		t.Error("a truncated object was served")
	}
	if _, err := st.Head(t.Context(), "t/obj"); err == nil {
		t.Error("a truncated object was described")
	}
}

func TestSweepRemovesLeftovers(t *testing.T) {
	clock := time.Now()
	st := newTestStore(t, func() time.Time { return clock })
	ctx := t.Context()
	st.Put(ctx, "keep/obj", strings.NewReader("kept"), blob.PutOptions{})
	stale, _ := st.CreateMultipart(ctx, "keep/stale", blob.PutOptions{})
	st.UploadPart(ctx, "keep/stale", stale, 1, strings.NewReader("p"), 1)
	// A crash mid-write leaves a temporary file.
	tmp := filepath.Join(st.Dir(), "keep", tempPrefix+"crashed")
	os.WriteFile(tmp, []byte("half"), 0o600)
	old := clock.Add(-48 * time.Hour)
	for _, p := range []string{tmp, filepath.Join(st.Dir(), uploadsDir, stale), filepath.Join(st.Dir(), uploadsDir, stale, "upload")} {
		os.Chtimes(p, old, old)
	}
	live, _ := st.CreateMultipart(ctx, "keep/live", blob.PutOptions{})

	n, err := st.Sweep(ctx, 24*time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("sweep removed %d, %v; want the temporary file and the stale upload", n, err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the temporary file is still there")
	}
	if _, err := st.ListParts(ctx, "keep/stale", stale); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("the stale upload survived: %v", err)
	}
	if _, err := st.ListParts(ctx, "keep/live", live); err != nil {
		t.Errorf("the live upload was swept: %v", err)
	}
	if _, err := st.Head(ctx, "keep/obj"); err != nil {
		t.Errorf("an object was swept: %v", err)
	}
}

// TestKeyAndPrefixCoexist: on local disk, as on S3, "a" may be an object and the
// start of other keys; servers that keep objects as plain files cannot do this,
// so the shared contract does not ask it.
func TestKeyAndPrefixCoexist(t *testing.T) {
	st := newTestStore(t, nil)
	for _, key := range []string{"a/b", "a", "a/b/c"} {
		if _, err := st.Put(t.Context(), key, strings.NewReader(key), blob.PutOptions{}); err != nil {
			t.Fatalf("put %q: %v", key, err)
		}
	}
	page, err := st.List(t.Context(), blob.ListOptions{})
	if err != nil || len(page.Items) != 3 || page.Items[0].Key != "a" || page.Items[1].Key != "a/b" || page.Items[2].Key != "a/b/c" {
		t.Fatalf("list = %+v, %v", page.Items, err)
	}
	if err := st.Delete(t.Context(), "a/b/c"); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a", "a/b"} {
		if h, err := st.Head(t.Context(), key); err != nil || h.Size != int64(len(key)) {
			t.Errorf("head %q = %+v, %v", key, h, err)
		}
	}
}
