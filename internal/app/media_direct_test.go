package app

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

type directUpload struct {
	ID          string            `json:"id"`
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	Headers     map[string]string `json:"headers"`
	PartSize    int64             `json:"part_size"`
	CompleteURL string            `json:"complete_url"`
	Parts       []struct {
		Number int    `json:"number"`
		Size   int64  `json:"size"`
		URL    string `json:"url"`
		ETag   string `json:"etag"`
	} `json:"parts"`
}

// send makes a request to a URL the server handed out: through the server for
// a root-relative one (local disk), over the network for a bucket's.
func (c *client) send(method, url string, header map[string]string, body []byte) (int, http.Header, []byte) {
	c.t.Helper()
	if strings.HasPrefix(url, "/") {
		req := httptest.NewRequest(method, url, bytes.NewReader(body))
		req.RemoteAddr = c.ip + ":4000"
		for k, v := range header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		c.s.handler.ServeHTTP(w, req)
		return w.Code, w.Header(), w.Body.Bytes()
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, url, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// directPut runs the single-PUT direct upload of b and completes it.
func directPut(t *testing.T, c *client, b []byte, visibility string) mediaView {
	t.Helper()
	var d directUpload
	want(t, c.do("POST", "/api/v1/uploads", map[string]any{"size": len(b), "content_type": "image/jpeg", "visibility": visibility}), 201, &d)
	if d.Method != "PUT" || d.URL == "" || len(d.Parts) != 0 {
		t.Fatalf("a single upload: %+v", d)
	}
	if code, _, body := c.send(d.Method, d.URL, d.Headers, b); code != 200 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	var m mediaView
	want(t, c.do("POST", d.CompleteURL, nil), 201, &m)
	if m.ID != d.ID || m.Bytes != int64(len(b)) {
		t.Fatalf("completed: %+v", m)
	}
	return m
}

// directParts runs a direct upload in parts, resuming once half-way.
func directParts(t *testing.T, c *client, b []byte) mediaView {
	t.Helper()
	var d directUpload
	want(t, c.do("POST", "/api/v1/uploads", map[string]any{"size": len(b), "content_type": "image/jpeg"}), 201, &d)
	if d.URL != "" || len(d.Parts) < 2 {
		t.Fatalf("an upload in parts: %+v", d)
	}
	var done []map[string]any
	put := func(n int, url string, size int64) {
		off := int64(n-1) * d.PartSize
		code, hdr, body := c.send("PUT", url, map[string]string{"Content-Length": strconv.FormatInt(size, 10)}, b[off:off+size])
		if code != 200 || hdr.Get("ETag") == "" {
			t.Fatalf("PUT part %d: %d %s", n, code, body)
		}
		done = append(done, map[string]any{"number": n, "etag": hdr.Get("ETag")})
	}
	put(1, d.Parts[0].URL, d.Parts[0].Size)
	// Resume: the first part is stored, the others still need sending.
	var again directUpload
	want(t, c.do("GET", "/api/v1/uploads/"+d.ID, nil), 200, &again)
	if again.Parts[0].ETag == "" || again.Parts[0].URL != "" || again.Parts[1].URL == "" {
		t.Fatalf("resumed: %+v", again.Parts)
	}
	for _, p := range again.Parts[1:] {
		put(p.Number, p.URL, p.Size)
	}
	var m mediaView
	want(t, c.do("POST", d.CompleteURL, map[string]any{"parts": done}), 201, &m)
	return m
}

// padded is b with zeros after the end of the image, to n bytes: a decoder
// stops at the image's end.
func padded(b []byte, n int) []byte {
	return append(slices.Clone(b), make([]byte, max(n-len(b), 0))...)
}

func TestDirectUploadsOnLocalDisk(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := newMediaServer(t, dbURL, map[string]string{"LYO_MEDIA_PART_BYTES": strconv.Itoa(5 << 20)})
		c := newClient(t, s, loadSpec(t))
		ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
		photo := photo12MP()

		m := directPut(t, ada, padded(photo, 4<<20), "private")
		if m.Width != 4000 || m.Height != 3000 {
			t.Errorf("dimensions %dx%d", m.Width, m.Height)
		}
		checkVariants(t, waitProcessed(t, ada, m.ID))
		// Completing again answers the same media.
		var again mediaView
		want(t, ada.do("POST", "/api/v1/uploads/"+m.ID+"/complete", nil), 200, &again)
		if again.ID != m.ID {
			t.Errorf("completed again: %s", again.ID)
		}

		big := padded(photo, 11<<20)
		m = directParts(t, ada, big)
		if m.Bytes != int64(len(big)) || m.Width != 4000 {
			t.Errorf("completed in parts: %+v", m)
		}
		checkVariants(t, waitProcessed(t, ada, m.ID))
	})
}

func TestDirectUploadRefusals(t *testing.T) {
	s := newMediaServer(t, "", map[string]string{"LYO_MEDIA_MAX_IMAGE_BYTES": "1000000"})
	c := newClient(t, s, loadSpec(t))
	ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
	photo := jpegOf(640, 480)
	before := storedFiles(t, s)
	create := func(b []byte) directUpload {
		var d directUpload
		want(t, ada.do("POST", "/api/v1/uploads", map[string]any{"size": len(b), "content_type": "image/jpeg"}), 201, &d)
		return d
	}

	// Another content type, or another length, than the one signed.
	d := create(photo)
	h := map[string]string{"Content-Type": "image/png"}
	if code, _, _ := ada.send("PUT", d.URL, h, photo); code != 403 {
		t.Errorf("PUT with another content type: %d", code)
	}
	if code, _, _ := ada.send("PUT", d.URL, d.Headers, photo[:len(photo)-1]); code != 403 {
		t.Errorf("PUT with another length: %d", code)
	}
	// An altered signature.
	if code, _, _ := ada.send("PUT", strings.Replace(d.URL, "sig=", "sig=00", 1), d.Headers, photo); code != 403 {
		t.Errorf("PUT with an altered signature: %d", code)
	}
	// Nothing sent yet.
	var p problem
	want(t, ada.do("POST", d.CompleteURL, nil), 409, &p)
	if p.Code != "upload_incomplete" {
		t.Errorf("complete before sending: %s", p.Code)
	}
	if files := storedFiles(t, s); !slices.Equal(files, before) {
		t.Errorf("refused PUTs left files: %v", files)
	}

	// The declared type is only signed: the content decides.
	page := []byte("<!doctype html><html><script>alert(1)</script></html>")
	d = create(page)
	if code, _, _ := ada.send("PUT", d.URL, d.Headers, page); code != 200 {
		t.Fatalf("PUT: %d", code)
	}
	want(t, ada.do("POST", d.CompleteURL, nil), 415, &p)
	if files := storedFiles(t, s); !slices.Equal(files, before) {
		t.Errorf("a refused upload left files: %v", files)
	}
	want(t, ada.do("POST", d.CompleteURL, nil), 404, nil)

	// Limits are checked before anything is sent.
	want(t, ada.do("POST", "/api/v1/uploads", map[string]any{"size": 2000000, "content_type": "image/jpeg"}), 413, nil)
	want(t, ada.do("POST", "/api/v1/uploads", map[string]any{"size": 10, "content_type": "image/svg+xml"}), 415, nil)
	want(t, ada.do("POST", "/api/v1/uploads", map[string]any{"size": 0, "content_type": "image/jpeg"}), 422, nil)

	// Someone else's upload is not found.
	d = create(photo)
	bob := c.as(c.register("bob@example.com", "correct horse battery staple").AccessToken)
	want(t, bob.do("GET", "/api/v1/uploads/"+d.ID, nil), 404, nil)
	want(t, bob.do("POST", d.CompleteURL, nil), 404, nil)
}

func TestDirectUploadURLsExpire(t *testing.T) {
	s := newMediaServer(t, "", map[string]string{"LYO_MEDIA_UPLOAD_TTL": "2s"})
	c := newClient(t, s, loadSpec(t))
	ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
	photo := jpegOf(64, 64)
	var d directUpload
	want(t, ada.do("POST", "/api/v1/uploads", map[string]any{"size": len(photo), "content_type": "image/jpeg"}), 201, &d)
	exp := d.URL[strings.Index(d.URL, "exp=")+4:]
	exp = exp[:strings.IndexByte(exp+"&", '&')]
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(time.Unix(sec, 0)) + 50*time.Millisecond)
	if code, _, body := ada.send("PUT", d.URL, d.Headers, photo); code != 403 || !strings.Contains(string(body), "expired") {
		t.Errorf("PUT after expiry: %d %s", code, body)
	}
}

func blobList(prefix string) blob.ListOptions { return blob.ListOptions{Prefix: prefix} }
