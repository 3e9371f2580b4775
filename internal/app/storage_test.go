package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/s3/s3test"
	"github.com/lyolearn/lyo/internal/obs"
)

func readiness(t *testing.T, s *server) obs.Report {
	t.Helper()
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	var rep obs.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatalf("readyz %d: %v: %s", w.Code, err, w.Body)
	}
	if (rep.Status == "ready" || rep.Status == "degraded") != (w.Code == 200) {
		t.Errorf("readyz %d with status %s", w.Code, rep.Status)
	}
	return rep
}

func check(rep obs.Report, name string) (obs.CheckResult, bool) {
	for _, c := range rep.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return obs.CheckResult{}, false
}

// TestDefaultStorageIsLocal: with nothing configured, media lives in a private
// directory under the data directory, readiness looks at it, and the local
// provider's presigned URLs are Lyo's own, served by its signed handler.
func TestDefaultStorageIsLocal(t *testing.T) {
	dataDir := t.TempDir()
	s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_DATA_DIR": dataDir}))
	p := s.storage.primary()
	if p.Name != "main" || p.Type != "local" || len(s.storage.providers) != 1 {
		t.Fatalf("primary %+v of %d", p, len(s.storage.providers))
	}
	st, err := os.Stat(filepath.Join(dataDir, "media"))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("media directory: %v, %v", st, err)
	}
	if c, ok := check(readiness(t, s), "storage_main"); !ok || c.Status != "ok" || !c.Optional {
		t.Errorf("readiness check %+v, %v", c, ok)
	}

	ctx := context.Background()
	req, err := p.Store.PresignPut(ctx, "m1/original.jpg", blob.PresignOptions{Expires: time.Minute, ContentType: "image/jpeg", Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Root-relative without LYO_PUBLIC_BASE_URL: never a guessed host.
	if !strings.HasPrefix(req.URL, StorageObjectsPath+"/main/m1/original.jpg?") {
		t.Fatalf("presigned URL %q", req.URL)
	}
	h, ok := s.storage.signedHandler("main")
	if !ok {
		t.Fatal("no signed handler for the local provider")
	}
	r := httptest.NewRequest(req.Method, req.URL, strings.NewReader("hello"))
	r.Header.Set("Content-Type", "image/jpeg")
	w := httptest.NewRecorder()
	if err := h.Serve(w, r, "m1/original.jpg"); err != nil || w.Code != 200 {
		t.Fatalf("signed PUT: %v, %d", err, w.Code)
	}
	// The same URL on another provider's route is refused.
	other := *h
	other.Scope = "backup"
	r = httptest.NewRequest(req.Method, req.URL, strings.NewReader("hello"))
	r.Header.Set("Content-Type", "image/jpeg")
	if err := other.Serve(httptest.NewRecorder(), r, "m1/original.jpg"); !errors.Is(err, blob.ErrDenied) {
		t.Errorf("a URL signed for main served as backup's: %v", err)
	}
	info, err := p.Store.Head(ctx, "m1/original.jpg")
	if err != nil || info.Size != 5 || info.ContentType != "image/jpeg" {
		t.Errorf("stored %+v, %v", info, err)
	}
}

// TestStorageOnS3AndItsReadiness: a node on a real S3 server is ready with the
// bucket's check ok; a second provider whose bucket does not exist, and a third
// whose server does not answer, make it degraded, not unready, and say why.
func TestStorageOnS3AndItsReadiness(t *testing.T) {
	gw := s3test.Start(t)
	bucket := gw.Bucket(t)
	s := newTestServer(t, testEnv(t, "", map[string]string{
		"LYO_PUBLIC_BASE_URL":                  "https://lyo.example",
		"LYO_STORAGE_PROVIDERS":                "main,backup,gone,disk",
		"LYO_STORAGE_MAIN_TYPE":                "s3",
		"LYO_STORAGE_MAIN_ENDPOINT":            gw.Endpoint,
		"LYO_STORAGE_MAIN_BUCKET":              bucket,
		"LYO_STORAGE_MAIN_PATH_STYLE":          "true",
		"LYO_STORAGE_MAIN_ACCESS_KEY_ID":       gw.AccessKey,
		"LYO_STORAGE_MAIN_SECRET_ACCESS_KEY":   gw.SecretKey,
		"LYO_STORAGE_MAIN_PUBLIC_BASE_URL":     "https://cdn.example.com/media",
		"LYO_STORAGE_BACKUP_TYPE":              "s3",
		"LYO_STORAGE_BACKUP_ENDPOINT":          gw.Endpoint,
		"LYO_STORAGE_BACKUP_BUCKET":            "no-such-bucket",
		"LYO_STORAGE_BACKUP_PATH_STYLE":        "true",
		"LYO_STORAGE_BACKUP_ACCESS_KEY_ID":     gw.AccessKey,
		"LYO_STORAGE_BACKUP_SECRET_ACCESS_KEY": gw.SecretKey,
		"LYO_STORAGE_GONE_TYPE":                "s3",
		"LYO_STORAGE_GONE_ENDPOINT":            "http://127.0.0.1:1",
		"LYO_STORAGE_GONE_BUCKET":              bucket,
		"LYO_STORAGE_GONE_ACCESS_KEY_ID":       gw.AccessKey,
		"LYO_STORAGE_GONE_SECRET_ACCESS_KEY":   gw.SecretKey,
		"LYO_STORAGE_GONE_MAX_ATTEMPTS":        "1",
		"LYO_STORAGE_DISK_TYPE":                "local",
	}))
	p := s.storage.primary()
	if p.Name != "main" || p.Type != "s3" || p.PublicBaseURL != "https://cdn.example.com/media" {
		t.Fatalf("primary %+v", p)
	}
	ctx := context.Background()
	if _, err := p.Store.Put(ctx, "m1/480.webp", bytes.NewReader([]byte("webp")), blob.PutOptions{ContentType: "image/webp", Size: 4}); err != nil {
		t.Fatalf("put through the configured provider: %v", err)
	}
	if _, ok := s.storage.signedHandler("main"); ok {
		t.Error("an s3 provider got a signed handler: its presigned requests go to the bucket")
	}
	disk, _ := s.storage.provider("disk")
	req, err := disk.Store.PresignGet(ctx, "k", blob.PresignOptions{Expires: time.Minute})
	if err != nil || !strings.HasPrefix(req.URL, "https://lyo.example"+StorageObjectsPath+"/disk/k?") {
		t.Errorf("a local provider's URL under LYO_PUBLIC_BASE_URL: %q, %v", req.URL, err)
	}

	rep := readiness(t, s)
	if rep.Status != "degraded" {
		t.Errorf("status %s, want degraded", rep.Status)
	}
	for name, want := range map[string]string{
		"storage_main": "", "storage_disk": "",
		"storage_backup": "storage provider backup has no such bucket",
		"storage_gone":   "storage provider gone does not answer",
	} {
		c, ok := check(rep, name)
		switch {
		case !ok:
			t.Errorf("no %s check", name)
		case !c.Optional:
			t.Errorf("%s is required; a store down must not take the API down", name)
		case want == "" && c.Status != "ok":
			t.Errorf("%s: %+v", name, c)
		case want != "" && (c.Status != "failing" || c.Message != want):
			t.Errorf("%s: %+v, want failing with %q", name, c, want)
		}
	}
}

func TestConfigCheckMasksStorageSecrets(t *testing.T) {
	env := testEnv(t, "", map[string]string{
		"LYO_STORAGE_MAIN_TYPE": "s3", "LYO_STORAGE_MAIN_BUCKET": "media",
		"LYO_STORAGE_MAIN_ACCESS_KEY_ID": "AKIDEXAMPLE", "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
	})
	var out bytes.Buffer
	if err := run(context.Background(), []string{"config", "check"}, env, nil, &out); err != nil {
		t.Fatalf("config check: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "wJalrXUtnFEMI") || strings.Contains(out.String(), "AKIDEXAMPLE") ||
		!strings.Contains(out.String(), "LYO_STORAGE_MAIN_SECRET_ACCESS_KEY=****") || !strings.Contains(out.String(), "LYO_STORAGE_MAIN_BUCKET=media") {
		t.Errorf("config check printed:\n%s", out.String())
	}
	prod := testEnv(t, "", map[string]string{"LYO_ENV": "production", "LYO_STORAGE_MAIN_TYPE": "s3"})
	out.Reset()
	err := run(context.Background(), []string{"config", "check"}, prod, nil, &out)
	for _, want := range []string{"LYO_STORAGE_MAIN_BUCKET: required", "LYO_STORAGE_MAIN_ACCESS_KEY_ID: no credentials"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("production config check misses %q: %v", want, err)
		}
	}
}
