package blobtest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"github.com/lyolearn/lyo/internal/blob"
)

func (s suite) putGetHead(t *testing.T) {
	st := s.store(t)
	must(t, st.Ping(ctx(t)), "ping")
	body := "a lesson about fractions"
	info, err := st.Put(ctx(t), "media/m1/original.txt", strings.NewReader(body),
		blob.PutOptions{ContentType: "text/plain", CacheControl: "public, max-age=60", Size: int64(len(body))})
	must(t, err, "put")
	if info.Key != "media/m1/original.txt" || info.Size != int64(len(body)) || info.ETag == "" {
		t.Errorf("put answered %+v", info)
	}
	// sha256sum of the body.
	if info.SHA256 != "2116f5235e61a55e934c75b12b278335248ab4a8d46ed1013d0d43fcc0ef0f23" {
		t.Errorf("put answered SHA-256 %q", info.SHA256)
	}
	head, err := st.Head(ctx(t), "media/m1/original.txt")
	must(t, err, "head")
	if head.Size != int64(len(body)) || head.ContentType != "text/plain" || head.CacheControl != "public, max-age=60" ||
		head.ETag != info.ETag || head.Modified.IsZero() {
		t.Errorf("head = %+v, put answered %+v", head, info)
	}
	obj, got := read(t, st, "media/m1/original.txt", blob.GetOptions{})
	if got != body || obj.ETag != info.ETag || obj.ContentType != "text/plain" || obj.Size != int64(len(body)) ||
		obj.Offset != 0 || obj.Length != int64(len(body)) {
		t.Errorf("get = %+v %q", obj.Info, got)
	}

	put(t, st, "media/m2", "no type given", "")
	if h, _ := st.Head(ctx(t), "media/m2"); h.ContentType != "application/octet-stream" {
		t.Errorf("default content type %q", h.ContentType)
	}

	// Overwriting changes the content and the ETag; an empty object is an object.
	again := put(t, st, "media/m1/original.txt", "", "text/plain")
	if again.ETag == info.ETag {
		t.Error("ETag unchanged by new content")
	}
	holds(t, st, "media/m1/original.txt", "")

	// Keys are text: spaces, '%', '+', non-ASCII letters survive the trip.
	for _, key := range []string{"odd/100% sure+ça marche ✓.txt", "odd/%25", "odd/a%o", "odd/..."} {
		put(t, st, key, key, "text/plain")
		holds(t, st, key, key)
	}
}

func (s suite) ranges(t *testing.T) {
	st := s.store(t)
	body := "0123456789abcdef"
	info := put(t, st, "r/obj", body, "application/octet-stream")
	for _, tc := range []struct {
		rng          blob.Range
		want         string
		offset, size int64
	}{
		{blob.Range{Offset: 0, Length: 4}, "0123", 0, 4},
		{blob.Range{Offset: 10, Length: -1}, "abcdef", 10, 6},
		{blob.Range{Offset: 12, Length: 100}, "cdef", 12, 4}, // cut at the end
		{blob.Range{Offset: 15, Length: 1}, "f", 15, 1},
	} {
		obj, got := read(t, st, "r/obj", blob.GetOptions{Range: &tc.rng})
		if got != tc.want || obj.Offset != tc.offset || obj.Length != tc.size || obj.Size != int64(len(body)) {
			t.Errorf("range %+v: got %q at %d+%d of %d, want %q", tc.rng, got, obj.Offset, obj.Length, obj.Size, tc.want)
		}
	}
	_, err := st.Get(ctx(t), "r/obj", blob.GetOptions{Range: &blob.Range{Offset: 16, Length: 1}})
	wantKind(t, "range past the end", err, blob.ErrInvalidRange)

	// A resumed download names the version it started on.
	_, got := read(t, st, "r/obj", blob.GetOptions{IfMatch: info.ETag, Range: &blob.Range{Offset: 8, Length: 2}})
	if got != "89" {
		t.Errorf("if-match range read %q", got)
	}
	put(t, st, "r/obj", "new content", "text/plain")
	_, err = st.Get(ctx(t), "r/obj", blob.GetOptions{IfMatch: info.ETag})
	wantKind(t, "if-match on a replaced object", err, blob.ErrPreconditionFailed)
}

func (s suite) copyAndDelete(t *testing.T) {
	st := s.store(t)
	src := put(t, st, "c/src", "original bytes", "image/webp")
	cp, err := st.Copy(ctx(t), "c/src", "c/dir/dst")
	must(t, err, "copy")
	if cp.Key != "c/dir/dst" || cp.Size != src.Size {
		t.Errorf("copy answered %+v", cp)
	}
	h, err := st.Head(ctx(t), "c/dir/dst")
	must(t, err, "head copy")
	if h.ContentType != "image/webp" || h.Size != src.Size {
		t.Errorf("copy lost its metadata: %+v", h)
	}
	// The copy is independent of its source.
	put(t, st, "c/src", "changed", "text/plain")
	holds(t, st, "c/dir/dst", "original bytes")
	must(t, st.Delete(ctx(t), "c/src"), "delete")
	holds(t, st, "c/dir/dst", "original bytes")
	absent(t, st, "c/src")
	must(t, st.Delete(ctx(t), "c/src"), "deleting twice")
	must(t, st.Delete(ctx(t), "c/dir/dst"), "delete copy")
	page, err := st.List(ctx(t), blob.ListOptions{Prefix: "c/"})
	must(t, err, "list")
	if len(page.Items) != 0 {
		t.Errorf("deleted objects still listed: %+v", page.Items)
	}
	// A key whose directory was removed with its last object is writable.
	put(t, st, "c/dir/dst", "back", "")
	holds(t, st, "c/dir/dst", "back")
}

func (s suite) notFound(t *testing.T) {
	st := s.store(t)
	_, err := st.Get(ctx(t), "missing/key", blob.GetOptions{})
	wantKind(t, "get", err, blob.ErrNotFound)
	_, err = st.Head(ctx(t), "missing/key")
	wantKind(t, "head", err, blob.ErrNotFound)
	_, err = st.Copy(ctx(t), "missing/key", "other/key")
	wantKind(t, "copy", err, blob.ErrNotFound)
	absent(t, st, "other/key")
	// A key that is only the start of other keys holds nothing itself.
	put(t, st, "dir/child", "x", "")
	_, err = st.Get(ctx(t), "dir", blob.GetOptions{})
	wantKind(t, "get of a prefix", err, blob.ErrNotFound)

	unknown := strings.Repeat("0", 32) // well formed, never issued
	_, err = st.ListParts(ctx(t), "dir/up", unknown)
	wantKind(t, "list parts", err, blob.ErrNotFound)
	_, err = st.UploadPart(ctx(t), "dir/up", unknown, 1, strings.NewReader("x"), 1)
	wantKind(t, "upload part", err, blob.ErrNotFound)
	_, err = st.CompleteMultipart(ctx(t), "dir/up", unknown, []blob.Part{{Number: 1, ETag: `"x"`}})
	wantKind(t, "complete", err, blob.ErrNotFound)
	wantKind(t, "abort", st.AbortMultipart(ctx(t), "dir/up", unknown), blob.ErrNotFound)
	absent(t, st, "dir/up")
}

func (s suite) listPages(t *testing.T) {
	st := s.store(t)
	// Keys whose byte order differs from a naive directory walk: '-' and '.'
	// sort before '/', '0' after it. (No key is also the start of another:
	// "a" and "a/b" cannot both exist on S3 servers that keep files.)
	keys := []string{"a-b", "a.txt", "a/b-", "a/b/c", "a/c", "a0", "ab", "b/z/z/z", "é", "%d", "a/é"}
	for _, k := range keys {
		put(t, st, k, "v:"+k, "")
	}
	want := slices.Clone(keys)
	slices.Sort(want)

	var got []string
	after := ""
	for pages := 0; ; pages++ {
		page, err := st.List(ctx(t), blob.ListOptions{After: after, Limit: 3})
		must(t, err, "list after %q", after)
		if len(page.Items) > 3 {
			t.Fatalf("page of %d items, limit 3", len(page.Items))
		}
		for _, it := range page.Items {
			got = append(got, it.Key)
			if it.Size != int64(len("v:"+it.Key)) || it.ETag == "" {
				t.Errorf("listed %+v", it)
			}
		}
		if page.Next == "" {
			break
		}
		if pages > len(keys) {
			t.Fatal("pagination does not end")
		}
		after = page.Next
	}
	if !slices.Equal(got, want) {
		t.Errorf("listed %q\nwant   %q", got, want)
	}

	for _, tc := range []struct {
		prefix, after string
		want          []string
	}{
		{"a/", "", []string{"a/b-", "a/b/c", "a/c", "a/é"}},
		{"a/b", "", []string{"a/b-", "a/b/c"}},
		{"a/b/", "", []string{"a/b/c"}},
		{"a", "a/b/c", []string{"a/c", "a/é", "a0", "ab"}},
		{"b/z/", "", []string{"b/z/z/z"}},
		{"nothing/", "", nil},
		{"", "b/z/z/z", []string{"é"}},
	} {
		page, err := st.List(ctx(t), blob.ListOptions{Prefix: tc.prefix, After: tc.after, Limit: 100})
		must(t, err, "list %q", tc.prefix)
		var keys []string
		for _, it := range page.Items {
			keys = append(keys, it.Key)
		}
		if !slices.Equal(keys, tc.want) || page.Next != "" {
			t.Errorf("prefix %q after %q: %q next %q, want %q", tc.prefix, tc.after, keys, page.Next, tc.want)
		}
	}
	_, err := st.List(ctx(t), blob.ListOptions{Limit: blob.MaxListLimit + 1})
	wantKind(t, "limit over the maximum", err, blob.ErrInvalid)
}

func (s suite) putLimits(t *testing.T) {
	st := s.store(t)
	put(t, st, "l/obj", "the old content", "text/plain")
	body := "twelve bytes"
	sum := sha256.Sum256([]byte(body))
	for _, tc := range []struct {
		name string
		opts blob.PutOptions
		kind error
	}{
		{"shorter than declared", blob.PutOptions{Size: 13}, blob.ErrMismatch},
		{"longer than declared", blob.PutOptions{Size: 11}, blob.ErrMismatch},
		{"over the limit", blob.PutOptions{MaxSize: 11}, blob.ErrTooLarge},
		{"over the limit, size declared", blob.PutOptions{Size: 12, MaxSize: 11}, blob.ErrTooLarge},
		{"another digest", blob.PutOptions{SHA256: make([]byte, 32)}, blob.ErrMismatch},
		{"another digest, size declared", blob.PutOptions{Size: 12, SHA256: make([]byte, 32)}, blob.ErrMismatch},
		{"reader fails", blob.PutOptions{}, errBroken},
		{"reader fails, size declared", blob.PutOptions{Size: 12}, errBroken},
	} {
		newBody := func() io.Reader {
			if tc.kind == errBroken {
				return io.MultiReader(strings.NewReader(body[:4]), iotest.ErrReader(errBroken))
			}
			return strings.NewReader(body)
		}
		_, err := st.Put(ctx(t), "l/obj", newBody(), tc.opts)
		wantKind(t, tc.name, err, tc.kind)
		_, err = st.Put(ctx(t), "l/new", newBody(), tc.opts)
		wantKind(t, tc.name+" (new key)", err, tc.kind)
		holds(t, st, "l/obj", "the old content")
		absent(t, st, "l/new")
	}
	info, err := st.Put(ctx(t), "l/obj", strings.NewReader(body),
		blob.PutOptions{Size: 12, MaxSize: 12, SHA256: sum[:], ContentType: "text/plain"})
	must(t, err, "put with every check satisfied")
	if info.Size != 12 {
		t.Errorf("put answered %+v", info)
	}
	holds(t, st, "l/obj", body)
}

var errBroken = errors.New("client went away")

// overwriteIsAtomic replaces an object again and again while readers read it:
// every read sees one whole version, never a mix or a prefix.
func (s suite) overwriteIsAtomic(t *testing.T) {
	st := s.store(t)
	const size = 256 << 10
	versions := []string{fill('a', size), fill('b', size/2), fill('c', size+17)}
	put(t, st, "atomic/obj", versions[0], "")
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for !stop.Load() {
				obj, err := st.Get(ctx(t), "atomic/obj", blob.GetOptions{})
				if err != nil {
					t.Errorf("read during overwrite: %v", err)
					return
				}
				b, err := io.ReadAll(obj.Body)
				obj.Body.Close()
				if err != nil {
					t.Errorf("read during overwrite: %v", err)
					return
				}
				if !slices.Contains(versions, string(b)) {
					t.Errorf("a reader saw %d bytes that are no whole version", len(b))
					return
				}
			}
		})
	}
	for i := range 30 {
		v := versions[i%len(versions)]
		// One byte at a time at first: a write in progress lasts long
		// enough for readers to look at it.
		body := io.MultiReader(iotest.OneByteReader(strings.NewReader(v[:64])), strings.NewReader(v[64:]))
		if _, err := st.Put(ctx(t), "atomic/obj", body, blob.PutOptions{}); err != nil {
			t.Errorf("overwrite %d: %v", i, err)
		}
		// A write that fails half-way changes nothing.
		broken := io.MultiReader(strings.NewReader(v[:size/4]), iotest.ErrReader(errBroken))
		if _, err := st.Put(ctx(t), "atomic/obj", broken, blob.PutOptions{}); err == nil {
			t.Error("a broken body was stored")
		}
	}
	stop.Store(true)
	wg.Wait()
	holds(t, st, "atomic/obj", versions[29%len(versions)])
}

func (s suite) keysRefused(t *testing.T) {
	st := s.store(t)
	for _, key := range badKeys {
		_, err := st.Put(ctx(t), key, strings.NewReader("x"), blob.PutOptions{})
		wantKind(t, "put "+quote(key), err, blob.ErrInvalidKey)
		_, err = st.Get(ctx(t), key, blob.GetOptions{})
		wantKind(t, "get "+quote(key), err, blob.ErrInvalidKey)
		_, err = st.Head(ctx(t), key)
		wantKind(t, "head "+quote(key), err, blob.ErrInvalidKey)
		wantKind(t, "delete "+quote(key), st.Delete(ctx(t), key), blob.ErrInvalidKey)
		_, err = st.Copy(ctx(t), "x", key)
		wantKind(t, "copy to "+quote(key), err, blob.ErrInvalidKey)
		_, err = st.PresignPut(ctx(t), key, blob.PresignOptions{Expires: 60e9})
		wantKind(t, "presign "+quote(key), err, blob.ErrInvalidKey)
		_, err = st.CreateMultipart(ctx(t), key, blob.PutOptions{})
		wantKind(t, "multipart "+quote(key), err, blob.ErrInvalidKey)
	}
	page, err := st.List(ctx(t), blob.ListOptions{})
	must(t, err, "list")
	if len(page.Items) != 0 {
		t.Errorf("refused keys left objects: %+v", page.Items)
	}
}

// badKeys are keys every provider refuses.
var badKeys = []string{
	"", "/etc/passwd", "../escape", "a/../../b", "a/./b", "..", ".", "a//b", "trailing/",
	`back\slash`, "nul\x00byte", "line\nbreak", "\xff\xfe", strings.Repeat("k", blob.MaxKeyBytes+1),
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "key " + strings.ReplaceAll(s, "\x00", `\0`)
}

// putLarge streams bodies of unknown size longer than a part: S3 sends them
// as a multipart upload, local disk as one file; both end up whole, and one
// over its limit ends up nowhere.
func (s suite) putLarge(t *testing.T) {
	st := s.store(t)
	body := fill('x', 2*blob.MinPartSize) + "the tail"
	info, err := st.Put(ctx(t), "big/obj", io.MultiReader(strings.NewReader(body)), blob.PutOptions{ContentType: "video/mp4"})
	must(t, err, "put")
	if sum := sha256.Sum256([]byte(body)); info.Size != int64(len(body)) || info.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("put answered %+v", info)
	}
	h, err := st.Head(ctx(t), "big/obj")
	must(t, err, "head")
	if h.Size != int64(len(body)) || h.ContentType != "video/mp4" {
		t.Errorf("stored %+v", h)
	}
	holds(t, st, "big/obj", body)

	_, err = st.Put(ctx(t), "big/over", io.MultiReader(strings.NewReader(body)), blob.PutOptions{MaxSize: int64(len(body) - 1)})
	wantKind(t, "over the limit after several parts", err, blob.ErrTooLarge)
	absent(t, st, "big/over")
	sum := sha256.Sum256([]byte(body + "!"))
	_, err = st.Put(ctx(t), "big/bad", io.MultiReader(strings.NewReader(body)), blob.PutOptions{SHA256: sum[:]})
	wantKind(t, "another digest after several parts", err, blob.ErrMismatch)
	absent(t, st, "big/bad")
}
