package app

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/media"
)

// photo12MP is a 4000×3000 JPEG, as a phone takes: made once per test binary.
var photo12MP = sync.OnceValue(func() []byte { return jpegOf(4000, 3000) })

func jpegOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*255/w), uint8(y*255/h), uint8((x^y)&0xff), 0xff
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func pngOf(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 128})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// formFile is one part of a multipart upload.
type formFile struct {
	field, name, contentType string
	body                     []byte
}

func multipartBody(t testing.TB, parts []formFile) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disp := fmt.Sprintf(`form-data; name=%q`, p.field)
		if p.name != "" {
			disp += fmt.Sprintf(`; filename=%q`, p.name)
		}
		h.Set("Content-Disposition", disp)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.body)
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// upload sends a multipart form through the real router, checking the answer
// against the OpenAPI document.
func (c *client) upload(path string, parts ...formFile) *httptest.ResponseRecorder {
	c.t.Helper()
	ct, body := multipartBody(c.t, parts)
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.RemoteAddr = c.ip + ":4000"
	req.Header.Set("Content-Type", ct)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	w := httptest.NewRecorder()
	c.s.handler.ServeHTTP(w, req)
	if c.spec != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
		c.spec.check(c.t, req, w)
	}
	return w
}

// fetch GETs a URL the server handed out, as a browser would: no token.
func (c *client) fetch(url string, header map[string]string) *httptest.ResponseRecorder {
	c.t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	req.RemoteAddr = c.ip + ":4000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	c.s.handler.ServeHTTP(w, req)
	return w
}

func photoPart(name string, b []byte) formFile {
	return formFile{field: "file", name: name, contentType: "image/jpeg", body: b}
}

type mediaView struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	Bytes      int64  `json:"bytes"`
	SHA256     string `json:"sha256"`
	Format     string `json:"format"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Visibility string `json:"visibility"`
	Original   struct {
		URL   string `json:"url"`
		Bytes int64  `json:"bytes"`
	} `json:"original"`
	Variants []struct {
		Name   string `json:"name"`
		URL    string `json:"url"`
		Width  int    `json:"width"`
		Height int    `json:"height"`
		Format string `json:"format"`
		Bytes  int64  `json:"bytes"`
	} `json:"variants"`
}

// newMediaServer is a node that works its jobs, as serve does.
func newMediaServer(t *testing.T, dbURL string, overrides map[string]string) *server {
	t.Helper()
	env := map[string]string{"LYO_JOBS_POLL_INTERVAL": "50ms"}
	for k, v := range overrides {
		env[k] = v
	}
	getenv := testEnv(t, dbURL, env)
	s := newTestServer(t, getenv)
	if err := s.jobs.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitProcessed polls the record until processing has ended. The limit only
// keeps a broken test from hanging: the pure-Go processor under the race
// detector takes minutes over a 12 MP photo.
func waitProcessed(t *testing.T, c *client, id string) mediaView {
	t.Helper()
	var m mediaView
	deadline := time.Now().Add(10 * time.Minute)
	for {
		want(t, c.do("GET", "/api/v1/media/"+id, nil), 200, &m)
		if m.Status == "ready" || m.Status == "failed" {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for media %s to be processed (status %s)", id, m.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// storedFiles lists the files under the data directory's media store.
func storedFiles(t *testing.T, s *server) []string {
	t.Helper()
	var out []string
	root := s.cfg.Storage[0].Dir
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

func checkVariants(t *testing.T, m mediaView) {
	t.Helper()
	if m.Status != "ready" {
		t.Fatalf("status %s (%s), want ready", m.Status, m.Reason)
	}
	if len(m.Variants) < 2 {
		t.Fatalf("%d variants, want at least 2", len(m.Variants))
	}
	for i, v := range m.Variants {
		if v.URL == "" || v.Width <= 0 || v.Height <= 0 || v.Bytes <= 0 {
			t.Errorf("variant %d is incomplete: %+v", i, v)
		}
		if v.URL == m.Original.URL {
			t.Errorf("variant %s is the original", v.Name)
		}
		if i > 0 && v.Width*v.Height < m.Variants[i-1].Width*m.Variants[i-1].Height {
			t.Errorf("variants not smallest first: %+v", m.Variants)
		}
		if v.Width > m.Width {
			t.Errorf("variant %s is wider (%d) than the original (%d)", v.Name, v.Width, m.Width)
		}
	}
}

func TestUploadAPhotoToReadyVariants(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := newMediaServer(t, dbURL, nil)
		c := newClient(t, s, loadSpec(t))
		tk := c.register("ada@example.com", "correct horse battery staple")
		ada := c.as(tk.AccessToken)
		photo := photo12MP()

		w := ada.upload("/api/v1/storage/upload", photoPart("IMG_0001.jpg", photo))
		var m mediaView
		want(t, w, 201, &m)
		if m.Status != "uploaded" || m.Kind != "image" || m.Format != "jpeg" || m.Width != 4000 || m.Height != 3000 ||
			m.Bytes != int64(len(photo)) || m.Visibility != "private" {
			t.Fatalf("record %+v", m)
		}
		if w.Header().Get("Location") != "/api/v1/media/"+m.ID {
			t.Errorf("Location %q", w.Header().Get("Location"))
		}
		if !strings.HasPrefix(w.Header().Get("RateLimit-Policy"), `"uploads-user"`) {
			t.Errorf("uploads are not limited apart: RateLimit-Policy %q", w.Header().Get("RateLimit-Policy"))
		}
		m = waitProcessed(t, ada, m.ID)
		checkVariants(t, m)

		// Private media: every URL is signed, and works without a token.
		for _, u := range append([]string{m.Original.URL}, m.Variants[0].URL) {
			if !strings.HasPrefix(u, media.ObjectsPath+"/main/"+m.ID+"/") || !strings.Contains(u, "sig=") {
				t.Fatalf("private URL %q is not a signed one of Lyo's", u)
			}
			got := ada.fetch(u, nil)
			if got.Code != 200 || !strings.HasPrefix(got.Header().Get("Content-Type"), "image/") {
				t.Fatalf("GET %s: %d %s", u, got.Code, got.Header())
			}
		}
		if got := ada.fetch(m.Original.URL, nil); !bytes.Equal(got.Body.Bytes(), photo) {
			t.Error("the original does not come back as it was sent")
		}
		// An altered URL is refused.
		tampered := strings.Replace(m.Variants[0].URL, m.Variants[0].Name+"-", m.Variants[len(m.Variants)-1].Name+"-", 1)
		if got := ada.fetch(tampered, nil); got.Code != 403 && got.Code != 404 {
			t.Errorf("a tampered URL: %d", got.Code)
		}
		// Someone else neither sees the record nor can guess a URL.
		bob := c.as(c.register("bob@example.com", "correct horse battery staple").AccessToken)
		want(t, bob.do("GET", "/api/v1/media/"+m.ID, nil), 404, nil)
		key := strings.TrimPrefix(strings.SplitN(m.Variants[0].URL, "?", 2)[0], media.ObjectsPath+"/main/")
		if got := bob.fetch(media.FilesPath+"/"+key, nil); got.Code != 404 {
			t.Errorf("a private object through the public path: %d", got.Code)
		}
	})
}

func TestPublicMediaIsImmutableAndServedWithRanges(t *testing.T) {
	s := newMediaServer(t, "", nil)
	c := newClient(t, s, loadSpec(t))
	ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
	var m mediaView
	want(t, ada.upload("/api/v1/storage/upload", formFile{field: "visibility", body: []byte("public")},
		photoPart("avatar.jpg", jpegOf(800, 600))), 201, &m)
	m = waitProcessed(t, ada, m.ID)
	checkVariants(t, m)
	v := m.Variants[0]
	if !strings.HasPrefix(v.URL, media.FilesPath+"/"+m.ID+"/") || strings.Contains(v.URL, "?") {
		t.Fatalf("public URL %q", v.URL)
	}
	full := c.fetch(v.URL, nil)
	if full.Code != 200 || full.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || int64(full.Body.Len()) != v.Bytes {
		t.Fatalf("GET %s: %d, Cache-Control %q, %d bytes", v.URL, full.Code, full.Header().Get("Cache-Control"), full.Body.Len())
	}
	etag := full.Header().Get("ETag")
	if got := c.fetch(v.URL, map[string]string{"If-None-Match": etag}); got.Code != 304 {
		t.Errorf("conditional GET: %d", got.Code)
	}
	part := c.fetch(v.URL, map[string]string{"Range": "bytes=0-9"})
	if part.Code != 206 || !bytes.Equal(part.Body.Bytes(), full.Body.Bytes()[:10]) {
		t.Errorf("range: %d, %d bytes", part.Code, part.Body.Len())
	}
	// Anyone signed in sees the record of public media.
	bob := c.as(c.register("bob@example.com", "correct horse battery staple").AccessToken)
	want(t, bob.do("GET", "/api/v1/media/"+m.ID, nil), 200, nil)
	want(t, bob.do("DELETE", "/api/v1/media/"+m.ID, nil), 403, nil)
}

func TestUploadRefusesBadInput(t *testing.T) {
	s := newMediaServer(t, "", map[string]string{"LYO_MEDIA_MAX_IMAGE_BYTES": "200000", "LYO_MEDIA_QUOTA_LEARNER": "300000"})
	c := newClient(t, s, loadSpec(t))
	ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
	huge := hugePNGHeader(100000, 100000)
	html := []byte("<!doctype html><html><script>alert(1)</script></html>")
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	// An HTML page that carries a PNG further on: its first bytes decide.
	polyglot := append(append([]byte("<html><body><!--"), pngOf(8, 8)...), []byte("--></body></html>")...)
	// A JPEG whose first bytes also hold a script a browser might run.
	jpegPage := append([]byte{0xff, 0xd8, 0xff, 0xfe, 0x00, 0x40}, []byte("<script>alert(document.cookie)</script>")...)
	jpegPage = append(jpegPage, jpegOf(32, 32)[2:]...)
	big := jpegOf(1200, 1200)
	for len(big) <= 200000 {
		big = append(big, make([]byte, 100000)...)
	}
	tests := []struct {
		name   string
		parts  []formFile
		status int
		code   string
	}{
		{"html named .jpg", []formFile{photoPart("cat.jpg", html)}, 415, "unsupported_media_type"},
		{"svg with a script", []formFile{{field: "file", name: "logo.svg", contentType: "image/svg+xml", body: svg}}, 415, "unsupported_media_type"},
		{"polyglot", []formFile{photoPart("poly.jpg", polyglot)}, 415, "unsupported_media_type"},
		{"a JPEG that is also a page", []formFile{photoPart("poly2.jpg", jpegPage)}, 415, "unsupported_media_type"},
		{"png claiming 100000x100000, truncated", []formFile{{field: "file", name: "bomb.png", body: huge}}, 422, "image_too_large"},
		{"empty file", []formFile{photoPart("empty.jpg", nil)}, 422, "empty_file"},
		{"over the size limit", []formFile{photoPart("big.jpg", big)}, 413, "file_too_large"},
		{"bad visibility", []formFile{{field: "visibility", body: []byte("friends")}, photoPart("a.jpg", jpegOf(20, 20))}, 422, "validation_failed"},
		{"no file", []formFile{{field: "visibility", body: []byte("public")}}, 422, "validation_failed"},
	}
	before := storedFiles(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p problem
			want(t, ada.upload("/api/v1/storage/upload", tt.parts...), tt.status, &p)
			if p.Code != tt.code {
				t.Errorf("code %q, want %q", p.Code, tt.code)
			}
			if after := storedFiles(t, s); !slices.Equal(after, before) {
				t.Errorf("a refused upload left files behind: %v", after)
			}
		})
	}
	// A body that ends inside the file.
	ct, body := multipartBody(t, []formFile{photoPart("a.jpg", jpegOf(300, 300))})
	req := httptest.NewRequest("POST", "/api/v1/storage/upload", bytes.NewReader(body[:len(body)/2]))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+ada.token)
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, req)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "incomplete_upload") {
		t.Errorf("a cut body: %d %s", w.Code, w.Body)
	}
	if after := storedFiles(t, s); !slices.Equal(after, before) {
		t.Errorf("a cut upload left files behind: %v", after)
	}
	// Not multipart at all.
	want(t, ada.do("POST", "/api/v1/storage/upload", map[string]string{"file": "x"}), 400, nil)

	// A name with ../ is only a name: the key is the server's.
	var m mediaView
	want(t, ada.upload("/api/v1/storage/upload", photoPart("../../../etc/passwd.jpg", jpegOf(300, 200))), 201, &m)
	for _, f := range storedFiles(t, s) {
		if strings.Contains(f, "passwd") || strings.Contains(f, "..") {
			t.Errorf("the client's name reached storage: %s", f)
		}
	}
	// ../ in a storage path reaches nothing outside the store.
	for _, p := range []string{media.ObjectsPath + "/main/../../lyo.db", media.ObjectsPath + "/main/%2e%2e/%2e%2e/lyo.db?op=get&exp=9999999999&sig=00",
		media.ObjectsPath + "/main/a/..%2F..%2Flyo.db", media.FilesPath + "/..%2F..%2F/lyo.db"} {
		if got := c.fetch(p, nil); got.Code == 200 || got.Code >= 500 {
			t.Errorf("GET %s: %d", p, got.Code)
		}
	}
	// Beyond the quota: the third of these no longer fits.
	fill := jpegOf(400, 400)
	for len(fill) < 160000 {
		fill = append(fill, make([]byte, 10000)...)
	}
	var first mediaView
	want(t, ada.upload("/api/v1/storage/upload", photoPart("1.jpg", fill)), 201, &first)
	waitProcessed(t, ada, m.ID)
	waitProcessed(t, ada, first.ID)
	before = storedFiles(t, s)
	var p problem
	want(t, ada.upload("/api/v1/storage/upload", photoPart("2.jpg", fill)), 413, &p)
	if p.Code != "quota_exceeded" {
		t.Errorf("over quota: code %q", p.Code)
	}
	if after := storedFiles(t, s); !slices.Equal(after, before) {
		t.Errorf("an upload over quota left files behind: %v", after)
	}
	// A JPEG cut short: its header is whole, so it is taken, and the decoder
	// fails it with a reason.
	photo := jpegOf(640, 480)
	var cut mediaView
	cy := c.as(c.register("cy@example.com", "correct horse battery staple").AccessToken)
	want(t, cy.upload("/api/v1/storage/upload", photoPart("cut.jpg", photo[:len(photo)/3])), 201, &cut)
	if cut.Width != 640 || cut.Height != 480 {
		t.Errorf("the truncated JPEG's header: %dx%d", cut.Width, cut.Height)
	}
	// Whether a decoder fills in what is missing or gives up, processing ends,
	// and a failure says why.
	if done := waitProcessed(t, cy, cut.ID); done.Status == "failed" && done.Reason == "" {
		t.Error("failed without a reason")
	}
}

// hugePNGHeader is the start of a PNG whose header claims w×h pixels, and no data.
func hugePNGHeader(w, h uint32) []byte {
	b := pngOf(1, 1)[:33] // signature + IHDR chunk
	b[16], b[17], b[18], b[19] = byte(w>>24), byte(w>>16), byte(w>>8), byte(w)
	b[20], b[21], b[22], b[23] = byte(h>>24), byte(h>>16), byte(h>>8), byte(h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestDeleteMediaRemovesEveryObject(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := newMediaServer(t, dbURL, nil)
		c := newClient(t, s, loadSpec(t))
		ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
		var m mediaView
		want(t, ada.upload("/api/v1/storage/upload", photoPart("a.jpg", jpegOf(1600, 1200))), 201, &m)
		m = waitProcessed(t, ada, m.ID)
		checkVariants(t, m)
		if files := storedFiles(t, s); len(files) < 1+len(m.Variants) {
			t.Fatalf("stored %v", files)
		}
		bob := c.as(c.register("bob@example.com", "correct horse battery staple").AccessToken)
		want(t, bob.do("DELETE", "/api/v1/media/"+m.ID, nil), 404, nil)
		want(t, ada.do("DELETE", "/api/v1/media/"+m.ID, nil), 204, nil)
		want(t, ada.do("GET", "/api/v1/media/"+m.ID, nil), 404, nil)
		if files := storedFiles(t, s); len(files) != 0 {
			t.Errorf("files left after delete: %v", files)
		}
		if got := ada.fetch(m.Variants[0].URL, nil); got.Code != 404 {
			t.Errorf("a deleted variant's URL: %d", got.Code)
		}
		// A moderator deletes anyone's media.
		want(t, ada.upload("/api/v1/storage/upload", photoPart("b.jpg", jpegOf(300, 300))), 201, &m)
		mod := c.as(c.createUser("mod@example.com", "moderator password", "moderator").AccessToken)
		want(t, mod.do("DELETE", "/api/v1/media/"+m.ID, nil), 204, nil)
	})
}

func TestMediaJoinsTheAccountRegistry(t *testing.T) {
	s := newMediaServer(t, "", nil)
	c := newClient(t, s, loadSpec(t))
	tk := c.register("ada@example.com", "correct horse battery staple")
	ada := c.as(tk.AccessToken)
	var m mediaView
	want(t, ada.upload("/api/v1/storage/upload", photoPart("a.jpg", jpegOf(640, 480))), 201, &m)
	waitProcessed(t, ada, m.ID)
	var export map[string]json.RawMessage
	want(t, ada.do("GET", "/api/v1/me/export", nil), 200, &export)
	if !strings.Contains(string(export["media"]), m.ID) {
		t.Fatalf("the export lacks the media: %s", export["media"])
	}
	want(t, ada.do("DELETE", "/api/v1/me", map[string]string{"current_password": "correct horse battery staple"}), 204, nil)
	if files := storedFiles(t, s); len(files) != 0 {
		t.Errorf("files left after the account was deleted: %v", files)
	}
}

func TestOptimizeRunsProcessingAgain(t *testing.T) {
	s := newMediaServer(t, "", nil)
	c := newClient(t, s, loadSpec(t))
	ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
	var m mediaView
	want(t, ada.upload("/api/v1/storage/upload", photoPart("a.jpg", jpegOf(1600, 1200))), 201, &m)
	first := waitProcessed(t, ada, m.ID)
	checkVariants(t, first)
	one := first.Variants[0].Name
	want(t, ada.do("POST", "/api/v1/storage/optimize/"+m.ID, map[string]any{"presets": []string{one}}), 202, &m)
	if m.Status != "uploaded" {
		t.Errorf("status %s after optimize", m.Status)
	}
	again := waitProcessed(t, ada, m.ID)
	if again.Status != "ready" || len(again.Variants) != 1 || again.Variants[0].Name != one {
		t.Fatalf("after optimize: %+v", again)
	}
	// The old path answers too, with the defaults.
	want(t, ada.do("POST", "/api/v1/storage/optimize", map[string]any{"media_id": m.ID}), 202, nil)
	checkVariants(t, waitProcessed(t, ada, m.ID))
	var p problem
	want(t, ada.do("POST", "/api/v1/storage/optimize/"+m.ID, map[string]any{"presets": []string{"huge"}}), 422, &p)
	want(t, ada.do("POST", "/api/v1/storage/optimize", map[string]any{}), 422, nil)
	// Only variants still named are stored: the original and the defaults.
	files := storedFiles(t, s)
	if len(files) != 1+len(first.Variants) {
		t.Errorf("stored %v, want the original and %d variants", files, len(first.Variants))
	}
}

func TestBatchUploadAnswersPerFile(t *testing.T) {
	s := newMediaServer(t, "", nil)
	c := newClient(t, s, loadSpec(t))
	ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
	var res struct {
		Items []struct {
			Index  int        `json:"index"`
			Status int        `json:"status"`
			Code   string     `json:"code"`
			Media  *mediaView `json:"media"`
		} `json:"items"`
	}
	want(t, ada.upload("/api/v1/storage/batch-upload",
		photoPart("a.jpg", photo12MP()),
		photoPart("page.jpg", []byte("<html>not an image</html>")),
		formFile{field: "visibility", body: []byte("public")},
		formFile{field: "file", name: "b.png", body: pngOf(64, 48)}), 200, &res)
	if len(res.Items) != 3 {
		t.Fatalf("%d results", len(res.Items))
	}
	if r := res.Items[0]; r.Status != 201 || r.Media == nil || r.Media.Width != 4000 || r.Media.Visibility != "private" {
		t.Errorf("first: %+v", r)
	}
	if r := res.Items[1]; r.Status != 415 || r.Code != "unsupported_media_type" || r.Media != nil {
		t.Errorf("second: %+v", r)
	}
	if r := res.Items[2]; r.Status != 201 || r.Media == nil || r.Media.Format != "png" || r.Media.Visibility != "public" {
		t.Errorf("third: %+v", r)
	}
	checkVariants(t, waitProcessed(t, ada, res.Items[0].Media.ID))
	if m := waitProcessed(t, ada, res.Items[2].Media.ID); m.Status != "ready" {
		t.Errorf("png: %s %s", m.Status, m.Reason)
	}
}

func TestReferencesNameFitMedia(t *testing.T) {
	s := newMediaServer(t, "", nil)
	c := newClient(t, s, loadSpec(t))
	maker := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
	ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
	up := func(cl *client, vis string) string {
		var m mediaView
		want(t, cl.upload("/api/v1/storage/upload", formFile{field: "visibility", body: []byte(vis)}, photoPart("a.jpg", jpegOf(64, 48))), 201, &m)
		return m.ID
	}
	own, adaPrivate, adaPublic := up(maker, "private"), up(ada, "private"), up(ada, "public")
	item := func(kind string, ids ...string) map[string]any {
		return map[string]any{"kind": kind, "title": "With pictures", "media_ids": ids}
	}
	want(t, maker.do("POST", "/api/v1/content", item("image", own, adaPublic)), 201, nil)
	for _, ids := range [][]string{{adaPrivate}, {"01m8mc4ehkeyfw5rn900456p1m"}, {own, "nope"}} {
		var p problem
		want(t, maker.do("POST", "/api/v1/content", item("article", ids...)), 422, &p)
		if len(p.Errors) != 1 || p.Errors[0].Field != "media_ids" {
			t.Errorf("media_ids %v: %+v", ids, p)
		}
	}
	var it struct{ ID string }
	want(t, maker.do("POST", "/api/v1/content", item("article")), 201, &it)
	want(t, maker.do("PATCH", "/api/v1/content/"+it.ID, map[string]any{"media_ids": []string{adaPrivate}}), 422, nil)
	want(t, maker.do("PATCH", "/api/v1/content/"+it.ID, map[string]any{"media_ids": []string{own}}), 200, nil)

	want(t, ada.do("PATCH", "/api/v1/me", map[string]any{"avatar_media_id": adaPrivate}), 200, nil)
	var p problem
	want(t, ada.do("PATCH", "/api/v1/me", map[string]any{"avatar_media_id": own}), 422, &p)
	if len(p.Errors) != 1 || p.Errors[0].Field != "avatar_media_id" {
		t.Errorf("someone else's private avatar: %+v", p)
	}
	want(t, ada.do("PATCH", "/api/v1/me", map[string]any{"avatar_media_id": ""}), 200, nil)
}
