package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/httpx"
)

// listening serves s on a real loopback listener until the test ends.
func listening(t *testing.T, s *server) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- s.serve(ctx, func(api, _ string) { addrc <- api }) }()
	t.Cleanup(func() {
		cancel()
		<-served
	})
	select {
	case addr := <-addrc:
		return addr
	case err := <-served:
		t.Fatalf("serve: %v", err)
		return ""
	}
}

// status reads the status line of the answer on c, waiting at most 10 s.
func status(t *testing.T, c net.Conn) (int, error) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestHalfSentBodyIsCut sends the headers and half the body of a sign-in, then
// nothing: the server answers 408 and closes, instead of waiting for ever.
func TestHalfSentBodyIsCut(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_BODY_STALL_TIMEOUT": "300ms"}))
	c, err := net.Dial("tcp", listening(t, s))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "POST /api/v1/auth/login HTTP/1.1\r\nHost: lyo\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":")
	code, err := status(t, c)
	if err != nil || code != http.StatusRequestTimeout {
		t.Fatalf("a stalled body got %d, %v; want 408", code, err)
	}
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("the connection stayed open after the cut")
	}
}

// TestTrickledBodyIsCut sends a byte every 50 ms, never stalling, but far under
// the minimum rate: it is cut once the grace period is over.
func TestTrickledBodyIsCut(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_BODY_STALL_TIMEOUT": "500ms", "LYO_BODY_MIN_RATE": "1000"}))
	c, err := net.Dial("tcp", listening(t, s))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "POST /api/v1/auth/login HTTP/1.1\r\nHost: lyo\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	if code, err := status(t, c); err != nil || code != http.StatusRequestTimeout {
		t.Fatalf("a trickled body got %d, %v; want 408", code, err)
	}
}

// TestSteadyLargeBodyCompletes sends 2 MB in small pieces over more than the
// stall timeout: a body that keeps moving is never cut, however long it takes.
func TestSteadyLargeBodyCompletes(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_BODY_STALL_TIMEOUT": "1s", "LYO_BODY_MIN_RATE": "1024"}))
	s.router.Handle(httpx.Route{Method: "POST", Path: "/api/v1/test/upload", Access: httpx.Public, MaxBody: 4 << 20, Timeout: httpx.NoTimeout,
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			n, err := io.Copy(io.Discard, r.Body)
			if err != nil {
				return err
			}
			return httpx.WriteJSON(w, http.StatusOK, map[string]int64{"bytes": n})
		}})
	const size, pieces = 2 << 20, 32
	pr, pw := io.Pipe()
	go func() {
		piece := strings.Repeat("x", size/pieces)
		for range pieces {
			time.Sleep(50 * time.Millisecond) // 1.6 s in all: longer than the stall timeout
			if _, err := io.WriteString(pw, piece); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", "http://"+listening(t, s)+"/api/v1/test/upload", pr)
	req.ContentLength = size
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), fmt.Sprintf(`"bytes":%d`, size)) {
		t.Errorf("steady upload: %d %s", resp.StatusCode, b)
	}
}

// TestConnectionsPerAddressAreCapped opens the cap's worth of idle connections
// from one address: the next is closed at once, and a slot freed is reusable.
func TestConnectionsPerAddressAreCapped(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_MAX_CONNS_PER_CLIENT": "3"}))
	addr := listening(t, s)
	var held []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	// A request on a held connection proves the server accepted it.
	fmt.Fprint(held[0], "GET /healthz HTTP/1.1\r\nHost: lyo\r\n\r\n")
	if code, err := status(t, held[0]); err != nil || code != 200 {
		t.Fatalf("a connection under the cap: %d, %v", code, err)
	}
	over, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	fmt.Fprint(over, "GET /healthz HTTP/1.1\r\nHost: lyo\r\n\r\n")
	if code, err := status(t, over); err == nil {
		t.Fatalf("a connection over the cap was served: %d", code)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("a connection over the cap was left open instead of closed")
	}

	// Closing one frees its slot once the server sees it go.
	held[1].Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: lyo\r\n\r\n")
		code, err := status(t, c)
		c.Close()
		if err == nil && code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a freed slot was never given back")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
