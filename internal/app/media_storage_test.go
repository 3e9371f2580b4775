package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/lyolearn/lyo/internal/blob/s3/s3test"
)

// accessDenied is S3's answer to a request whose credentials or policy it
// refuses, as S3 puts it on the wire.
const accessDenied = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>lyo-test</HostId></Error>`

func denyS3(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body) // the whole request, so the refusal is what the client reads
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusForbidden)
	if r.Method != http.MethodHead {
		io.WriteString(w, accessDenied)
	}
}

// logBuffer collects a node's logs; requests and jobs write from their own
// goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// s3MediaServer is a media node on an S3 provider at endpoint, with its logs.
func s3MediaServer(t *testing.T, dbURL, endpoint, bucket, access, secret string) (*server, *logBuffer) {
	t.Helper()
	getenv := testEnv(t, dbURL, map[string]string{
		"LYO_JOBS_POLL_INTERVAL":             "50ms",
		"LYO_STORAGE_MAIN_TYPE":              "s3",
		"LYO_STORAGE_MAIN_ENDPOINT":          endpoint,
		"LYO_STORAGE_MAIN_REGION":            "us-east-1",
		"LYO_STORAGE_MAIN_BUCKET":            bucket,
		"LYO_STORAGE_MAIN_PATH_STYLE":        "true",
		"LYO_STORAGE_MAIN_ACCESS_KEY_ID":     access,
		"LYO_STORAGE_MAIN_SECRET_ACCESS_KEY": secret,
	})
	cfg, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	s := newTestServerFromConfig(t, cfg, logs)
	if err := s.jobs.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s, logs
}

// storageRefused checks that a refusal of Lyo's own storage reached the
// client as the server's failure, a 503 that names no internal detail, and
// the log with its cause.
func storageRefused(t *testing.T, w *httptest.ResponseRecorder, logs *logBuffer, cause string) {
	t.Helper()
	var p struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	if w.Code != http.StatusServiceUnavailable || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
		t.Fatalf("status %d (%s), want a 503 problem: %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Code != "storage_failed" {
		t.Errorf("code %q, want storage_failed", p.Code)
	}
	for _, leak := range []string{"AccessDenied", "Access Denied", "blob:", "denied", "bucket"} {
		if strings.Contains(strings.ToLower(w.Body.String()), strings.ToLower(leak)) {
			t.Errorf("the answer tells the client about Lyo's storage (%q): %s", leak, w.Body)
		}
	}
	if !strings.Contains(logs.String(), cause) {
		t.Errorf("the log lacks the storage's refusal:\n%s", logs)
	}
}

// TestStorageRefusalIsTheServersFailure: when the bucket refuses Lyo's own
// requests (bad credentials, a policy), an upload fails as the server's
// problem, not as a 403 the client would take for its own.
func TestStorageRefusalIsTheServersFailure(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		bucket := httptest.NewServer(http.HandlerFunc(denyS3))
		t.Cleanup(bucket.Close)
		s, logs := s3MediaServer(t, dbURL, bucket.URL, "media", "lyo-access", "lyo-secret-0123456789")
		c := newClient(t, s, loadSpec(t))
		ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)

		storageRefused(t, ada.upload("/api/v1/storage/upload", photoPart("a.jpg", jpegOf(64, 48))), logs, "AccessDenied")
		storageRefused(t, ada.upload("/api/v1/storage/batch-upload", photoPart("a.jpg", jpegOf(64, 48))), logs, "AccessDenied")
		// A direct upload in parts starts one at the bucket, which refuses.
		storageRefused(t, ada.do("POST", "/api/v1/uploads", map[string]any{"size": 40 << 20, "content_type": "image/jpeg"}), logs, "AccessDenied")
	})
}

// TestStorageRefusalOnS3 runs the same against a real S3-compatible server:
// one that refuses Lyo's credentials, and one that takes the upload but
// refuses the copy to its content-addressed key, which leaves nothing behind.
func TestStorageRefusalOnS3(t *testing.T) {
	g := s3test.Start(t)
	t.Run("wrong secret", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, dbURL string) {
			s, logs := s3MediaServer(t, dbURL, g.Endpoint, g.Bucket(t), g.AccessKey, "not-"+g.SecretKey)
			c := newClient(t, s, loadSpec(t))
			ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
			storageRefused(t, ada.upload("/api/v1/storage/upload", photoPart("a.jpg", jpegOf(64, 48))), logs, "SignatureDoesNotMatch")
		})
	})
	t.Run("copy refused", func(t *testing.T) {
		up, err := url.Parse(g.Endpoint)
		if err != nil {
			t.Fatal(err)
		}
		forward := httputil.NewSingleHostReverseProxy(up)
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				denyS3(w, r)
				return
			}
			forward.ServeHTTP(w, r)
		}))
		t.Cleanup(proxy.Close)
		forEachEngine(t, func(t *testing.T, dbURL string) {
			s, logs := s3MediaServer(t, dbURL, proxy.URL, g.Bucket(t), g.AccessKey, g.SecretKey)
			c := newClient(t, s, loadSpec(t))
			ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
			storageRefused(t, ada.upload("/api/v1/storage/upload", photoPart("a.jpg", jpegOf(64, 48))), logs, "AccessDenied")
			page, err := s.storage.primary().Store.List(t.Context(), blobList(""))
			if err != nil || len(page.Items) != 0 {
				t.Errorf("objects left in the bucket: %+v %v", page.Items, err)
			}
		})
	})
}
