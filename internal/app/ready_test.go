package app

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/obs"
)

// TestReadinessIsCached fires many /readyz at once: the checks (and so the
// database ping, which runs beside the counting check in every refresh) run at
// most once per TTL, and draining still shows at once.
func TestReadinessIsCached(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", nil))
	var runs atomic.Int32
	s.health.Add(obs.Check{Name: "counting", Run: func(context.Context) error {
		runs.Add(1)
		time.Sleep(20 * time.Millisecond) // a slow dependency: callers pile up behind it
		return nil
	}})
	const n = 64
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			w := httptest.NewRecorder()
			s.handler.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
			if w.Code != 200 {
				t.Errorf("readyz %d %s", w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	windows := int32(time.Since(start)/readyTTL) + 1
	if got := runs.Load(); got < 1 || got > windows {
		t.Errorf("%d concurrent readiness answers ran the checks %d times in %d TTL windows, want at most one per window", n, got, windows)
	}

	before := runs.Load()
	s.health.Drain()
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != 503 || !strings.Contains(w.Body.String(), `"status":"draining"`) {
		t.Errorf("readiness while draining: %d %s", w.Code, w.Body)
	}
	if runs.Load() != before {
		t.Error("draining ran the checks instead of answering at once")
	}
}
