package local

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/blob"
)

func TestObjectPaths(t *testing.T) {
	for key, want := range map[string]string{
		"a":                    "a%o",
		"media/m1/480-ab.webp": "media/m1/480-ab.webp%o",
		"100%/x%o":             "100%25/x%25o%o",
		"..../...":             "..../...%o",
		"%uploads/x":           "%25uploads/x%o",
	} {
		got, err := objectPath(key)
		if err != nil || got != want {
			t.Errorf("objectPath(%q) = %q, %v; want %q", key, got, err, want)
		}
		if back, ok := keyOf(got); !ok || back != key {
			t.Errorf("keyOf(%q) = %q, %v; want %q", got, back, ok, key)
		}
	}
	for _, rel := range []string{"a", "%tabc", "%uploads/x/upload%o", "a/%t1", "x%2o"} {
		if k, ok := keyOf(rel); ok {
			t.Errorf("keyOf(%q) = %q: a name the store keeps for itself became a key", rel, k)
		}
	}
	if _, err := objectPath(strings.Repeat("%", 100)); err == nil {
		t.Error("a segment longer than a file name once escaped was accepted")
	}
}

// FuzzObjectPath: whatever the key, the path is local to the root, clean, free
// of the names the store keeps for itself, and maps back to the same key; or
// the key is refused as ErrInvalidKey. Never a panic.
func FuzzObjectPath(f *testing.F) {
	for _, s := range []string{"a", "a/b", "../x", "/abs", `a\b`, "a/../b", "%t1", "%uploads/1", "a\x00b", "\xff", "é/ü", "a/./b", "a//b", "./a", "~/x", "C:/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		rel, err := objectPath(key)
		if err != nil {
			if !errorsIs(err, blob.ErrInvalidKey) {
				t.Fatalf("objectPath(%q): %v is not ErrInvalidKey", key, err)
			}
			return
		}
		if !filepath.IsLocal(rel) || filepath.Clean(rel) != rel || strings.Contains(rel, "\\") {
			t.Fatalf("objectPath(%q) = %q leaves the root or is not clean", key, rel)
		}
		for _, seg := range strings.Split(rel, "/") {
			if seg == ".." || seg == "." || len(seg) > maxName || strings.HasPrefix(seg, tempPrefix) || seg == uploadsDir {
				t.Fatalf("objectPath(%q) = %q has segment %q", key, rel, seg)
			}
		}
		back, ok := keyOf(rel)
		if !ok || back != key {
			t.Fatalf("objectPath(%q) = %q maps back to %q, %v", key, rel, back, ok)
		}
	})
}

// FuzzPutStaysUnderRoot writes whatever key the fuzzer makes into a real root
// beside a directory it must never touch, with a planted link out of the root:
// either the key is refused, or the object reads back under that key, and the
// directory outside stays empty.
func FuzzPutStaysUnderRoot(f *testing.F) {
	for _, s := range []string{"a", "out/x", "../outside/x", "a/../../outside/x", "%t1", "%uploads/x/upload", "out", "..%o", "a/b%o"} {
		f.Add(s)
	}
	base := f.TempDir()
	outside := filepath.Join(base, "outside")
	os.Mkdir(outside, 0o700)
	st, err := New(Options{Dir: filepath.Join(base, "root")})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	if err := os.Symlink(outside, filepath.Join(st.Dir(), "out")); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key string) {
		_, err := st.Put(t.Context(), key, strings.NewReader(key), blob.PutOptions{})
		if err == nil {
			obj, err := st.Get(t.Context(), key, blob.GetOptions{})
			if err != nil {
				t.Fatalf("put %q, then get: %v", key, err)
			}
			b, _ := io.ReadAll(obj.Body)
			obj.Body.Close()
			if string(b) != key {
				t.Fatalf("put %q, read back %q", key, b)
			}
			st.Delete(t.Context(), key)
		}
		if entries, _ := os.ReadDir(outside); len(entries) != 0 {
			t.Fatalf("key %q wrote outside the root: %v", key, entries)
		}
	})
}
