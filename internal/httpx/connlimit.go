package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
)

// Trusted reports whether an address is one of the trusted proxies.
func Trusted(prefixes []netip.Prefix) func(netip.Addr) bool {
	return func(a netip.Addr) bool {
		for _, p := range prefixes {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
}

// LimitConns lets each peer address hold at most max connections to ln; a
// connection over the cap is closed as soon as it is accepted, before a byte
// is read, so slow clients cannot pile up goroutines. Trusted proxies are not
// counted here: they carry many clients, which LimitClients counts instead.
func LimitConns(ln net.Listener, max int, trusted func(netip.Addr) bool, onRefuse func()) net.Listener {
	if onRefuse == nil {
		onRefuse = func() {}
	}
	return &connLimiter{Listener: ln, counts: newCounts(max), trusted: trusted, onRefuse: onRefuse}
}

type connLimiter struct {
	net.Listener
	counts   *counts
	trusted  func(netip.Addr) bool
	onRefuse func()
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		a := remoteAddr(c.RemoteAddr().String())
		if !a.IsValid() || l.trusted(a) {
			return c, nil
		}
		if !l.counts.acquire(a) {
			l.onRefuse()
			_ = c.Close()
			continue
		}
		return &countedConn{Conn: c, release: func() { l.counts.release(a) }}, nil
	}
}

// countedConn gives its slot back once, on the first Close.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// LimitClients bounds the requests in flight per client address for requests
// that came through a trusted proxy, where the listener sees only the proxy: the
// same cap LimitConns keeps on direct connections. Over it, a 503 with
// Retry-After answers at once.
func LimitClients(max int) func(http.Handler) http.Handler {
	c := newCounts(max)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ri := info(r.Context())
			if !ri.forwarded {
				next.ServeHTTP(w, r)
				return
			}
			if !c.acquire(ri.clientIP) {
				ri.errCode = "too_many_connections"
				WriteProblem(w, r, &Error{Status: http.StatusServiceUnavailable, Code: "too_many_connections",
					Detail: "too many requests from this address at once (" + strconv.Itoa(max) + ")",
					Header: http.Header{"Retry-After": {"1"}}})
				return
			}
			defer c.release(ri.clientIP)
			next.ServeHTTP(w, r)
		})
	}
}

// counts is how many slots each address holds, up to max.
type counts struct {
	max int
	mu  sync.Mutex
	n   map[netip.Addr]int
}

func newCounts(max int) *counts { return &counts{max: max, n: map[netip.Addr]int{}} }

func (c *counts) acquire(a netip.Addr) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[a] >= c.max {
		return false
	}
	c.n[a]++
	return true
}

func (c *counts) release(a netip.Addr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[a] <= 1 {
		delete(c.n, a) // the map holds only addresses with connections open
		return
	}
	c.n[a]--
}
