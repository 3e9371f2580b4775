package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/lyolearn/lyo/internal/httpx"
)

// TestShutdownDrainsInFlight starts a real listener, puts requests in flight, and
// cancels the server's context (what SIGTERM does): readiness must turn false at
// once, every in-flight request must finish with 200, and serve must return nil.
func TestShutdownDrainsInFlight(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_SHUTDOWN_DELAY": "300ms", "LYO_SHUTDOWN_GRACE": "10s"}))
	const n = 40
	var started sync.WaitGroup
	started.Add(n)
	release := make(chan struct{})
	s.router.Handle(httpx.Route{Method: "GET", Path: "/api/v1/test/slow", Access: httpx.Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
		started.Done()
		<-release
		return httpx.WriteJSON(w, 200, map[string]bool{"done": true})
	}})

	draining, stopping := make(chan struct{}), make(chan struct{})
	s.hooks = hooks{draining: func() { close(draining) }, stopping: func() { close(stopping) }}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- s.serve(ctx, func(api, _ string) { addrc <- api }) }()
	base := "http://" + <-addrc

	var ok atomic.Int32
	var clients sync.WaitGroup
	for range n {
		clients.Go(func() {
			resp, err := http.Get(base + "/api/v1/test/slow")
			if err != nil {
				t.Errorf("in-flight request failed: %v", err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode == 200 && strings.Contains(string(b), `"done":true`) {
				ok.Add(1)
			} else {
				t.Errorf("in-flight request answered %d %s", resp.StatusCode, b)
			}
		})
	}
	started.Wait()
	cancel()

	// During the shutdown delay the node still answers, but says it is draining.
	<-draining
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("readyz during the shutdown delay: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readiness answered %d once draining began, want 503 at once", resp.StatusCode)
	}
	<-stopping // past the delay: the listener closes, in-flight requests drain
	close(release)
	clients.Wait()
	if err := <-served; err != nil {
		t.Errorf("serve returned %v, want a clean stop", err)
	}
	if ok.Load() != n {
		t.Errorf("%d of %d in-flight requests completed", ok.Load(), n)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still accepts connections after shutdown")
	}
}

// TestMain lets a test re-run this binary as `lyo` itself, to check the real
// signal handling of a real process.
func TestMain(m *testing.M) {
	if os.Getenv("LYO_TEST_AS_MAIN") == "1" {
		ctx, stop := SignalContext()
		defer stop()
		if err := Run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSIGTERMExitsZero(t *testing.T) {
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), "LYO_TEST_AS_MAIN=1", "LYO_DATA_DIR="+t.TempDir(), "LYO_HTTP_ADDR=127.0.0.1:0", "LYO_DATABASE_URL=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(log.String(), "msg=listening") {
		n, err := out.Read(buf)
		log.Write(buf[:n])
		if err != nil {
			t.Fatalf("lyo serve stopped before listening: %v\n%s", err, log.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(out)
	log.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("lyo serve after SIGTERM: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "stopped cleanly") {
		t.Errorf("no clean stop in the log:\n%s", log.String())
	}
}
