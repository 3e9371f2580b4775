package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/media"
)

// TestSweepSkipsUploadsItCannotRemove: direct uploads never completed are
// removed a day after they expire. One whose bytes cannot be removed holds up
// none of the others, is kept, said in the log, and removed by a later sweep.
func TestSweepSkipsUploadsItCannotRemove(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		clk := newClock()
		cfg, err := loadConfig(testEnv(t, dbURL, nil))
		if err != nil {
			t.Fatal(err)
		}
		logs := &logBuffer{}
		s := newTestServerAt(t, cfg, logs, clk.Now)
		c := newClient(t, s, loadSpec(t))
		ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
		photo := jpegOf(64, 48)
		var ids []string
		for range 3 {
			var d directUpload
			want(t, ada.do("POST", "/api/v1/uploads", map[string]any{"size": len(photo), "content_type": "image/jpeg"}), 201, &d)
			if code, _, body := ada.send(d.Method, d.URL, d.Headers, photo); code != 200 {
				t.Fatalf("PUT: %d %s", code, body)
			}
			ids = append(ids, d.ID)
			clk.Advance(time.Second) // the first expires first, and is swept first
		}
		// The first upload's bytes cannot be removed: a directory that is
		// not empty stands where its file was.
		root := s.cfg.Storage[0].Dir
		var stuck string
		for _, f := range storedFiles(t, s) {
			if strings.HasPrefix(f, ids[0]+string(filepath.Separator)) {
				stuck = filepath.Join(root, f)
			}
		}
		if stuck == "" {
			t.Fatalf("the first upload's file is not among %v", storedFiles(t, s))
		}
		if err := os.Remove(stuck); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(stuck, "obstacle"), 0o755); err != nil {
			t.Fatal(err)
		}

		clk.Advance(26 * time.Hour)
		sweep := media.NewSweepWorker(s.media)
		if err := sweep.Work(t.Context(), nil); err == nil {
			t.Error("a sweep that left an upload behind reports success")
		}
		if _, err := s.db.UploadByID(t.Context(), ids[0]); err != nil {
			t.Errorf("the upload that could not be removed was forgotten: %v", err)
		}
		for _, id := range ids[1:] {
			if _, err := s.db.UploadByID(t.Context(), id); !errors.Is(err, media.ErrNotFound) {
				t.Errorf("upload %s after the sweep: %v", id, err)
			}
		}
		for _, f := range storedFiles(t, s) {
			if !strings.HasPrefix(f, ids[0]+string(filepath.Separator)) {
				t.Errorf("the sweep left %s", f)
			}
		}
		if !strings.Contains(logs.String(), ids[0]) {
			t.Errorf("the log does not name the upload left behind:\n%s", logs)
		}

		// Once the obstacle is gone, the next sweep removes it.
		if err := os.RemoveAll(stuck); err != nil {
			t.Fatal(err)
		}
		if err := sweep.Work(t.Context(), nil); err != nil {
			t.Errorf("the next sweep: %v", err)
		}
		if _, err := s.db.UploadByID(t.Context(), ids[0]); !errors.Is(err, media.ErrNotFound) {
			t.Errorf("the retried upload after the next sweep: %v", err)
		}
	})
}
