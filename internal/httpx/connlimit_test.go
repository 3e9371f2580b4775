package httpx

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLimitClientsBehindProxies: behind a trusted proxy every client shares the
// proxy's connections, so the cap counts requests in flight per forwarded
// address: one client over it gets a 503, another client is still served.
func TestLimitClientsBehindProxies(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
	})
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}
	h := RequestIDs(ClientIPs(proxy)(LimitClients(2)(slow)))
	req := func(client string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.1:5000"
		r.Header.Set("X-Forwarded-For", client)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { req("198.51.100.1") })
	}
	<-started
	<-started
	if w := req("198.51.100.1"); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("a third request in flight from one client: %d %v", w.Code, w.Header())
	}
	other := make(chan int, 1)
	go func() { other <- req("198.51.100.2").Code }()
	<-started // another client is let in
	close(release)
	wg.Wait()
	if code := <-other; code != http.StatusOK {
		t.Errorf("another client behind the same proxy: %d", code)
	}
	if w := req("198.51.100.1"); w.Code != http.StatusOK {
		t.Errorf("after the requests ended the client is still refused: %d", w.Code)
	}
}

// TestLimitConnsSparesTrustedProxies: a proxy's connections are not capped by
// the listener (it carries many clients); anyone else's are, closed at once.
func TestLimitConnsSparesTrustedProxies(t *testing.T) {
	for _, trusted := range []bool{false, true} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var refused atomic.Int32
		lim := LimitConns(ln, 1, func(netip.Addr) bool { return trusted }, func() { refused.Add(1) })
		accepted := make(chan net.Conn, 3)
		go func() {
			for {
				c, err := lim.Accept()
				if err != nil {
					return
				}
				accepted <- c
			}
		}()
		dial := func() net.Conn {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		first := dial()
		held := <-accepted // the first takes the one slot
		for range 2 {
			c := dial()
			if trusted {
				(<-accepted).Close()
			} else {
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, err := c.Read(make([]byte, 1)); err != io.EOF {
					t.Errorf("a connection over the cap: read %v, want it closed (EOF)", err)
				}
			}
			c.Close()
		}
		if want := map[bool]int32{false: 2, true: 0}[trusted]; refused.Load() != want {
			t.Errorf("trusted=%v: %d refusals, want %d", trusted, refused.Load(), want)
		}
		held.Close()
		first.Close()
		ln.Close()
	}
}
