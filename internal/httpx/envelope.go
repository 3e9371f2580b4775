package httpx

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/lyolearn/lyo/internal/access"
)

type ctxKey struct{}

// reqInfo is what the middleware learns about a request on its way in, and what the
// router fills in once it has matched a route. Outer middleware read it after the
// handler returns, when r.Pattern is no longer in reach.
type reqInfo struct {
	requestID string
	clientIP  netip.Addr
	forwarded bool // the client address came from a trusted proxy's X-Forwarded-For
	https     bool
	route     string // the matched pattern, or "unmatched"
	errCode   string // the problem code answered, if any
	caller    Caller // who the authorizer decided is calling
}

// Caller is who an authenticated request comes from, as the authorizer decided.
type Caller = access.Caller

type callerKey struct{}

// CallerFrom returns the request's caller; ok is false for anonymous requests.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok && c.UserID != ""
}

// WithCaller records the caller for the rest of the request: handlers, limits,
// and the access log, which runs outside and reads it after the handler.
func WithCaller(ctx context.Context, c Caller) context.Context {
	info(ctx).caller = c
	return context.WithValue(ctx, callerKey{}, c)
}

func info(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// RequestID returns the request's ID, or "" outside a request.
func RequestID(ctx context.Context) string { return info(ctx).requestID }

// ClientIP returns the client address as decided by the trusted-proxy rules.
func ClientIP(ctx context.Context) netip.Addr { return info(ctx).clientIP }

// RoutePattern returns the pattern the router matched, "unmatched" when none did.
func RoutePattern(ctx context.Context) string { return info(ctx).route }

// RequestIDHeader carries the request ID both ways. It is written in its
// canonical form, so the hot path can index header maps without canonicalising.
const RequestIDHeader = "X-Request-Id"

// first is the first value of a header whose key is already canonical.
func first(h http.Header, canonicalKey string) string {
	if v := h[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ParseRequestID accepts a client's request ID when it is safe to log and echo:
// 1 to 128 characters of letters, digits and . _ : -.
func ParseRequestID(s string) (string, bool) {
	if len(s) == 0 || len(s) > 128 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == ':' || c == '-'
		if !ok {
			return "", false
		}
	}
	return s, true
}

// idPrefix makes this process's request IDs unlike any other's; a counter makes
// them unlike each other. Cheaper than reading the random source per request.
var (
	idPrefix = func() [6]byte {
		var b [6]byte
		_, _ = rand.Read(b[:])
		return b
	}()
	idCounter atomic.Uint64
)

func newRequestID() string {
	var b [12]byte
	copy(b[:6], idPrefix[:])
	n := idCounter.Add(1)
	for i := 11; i >= 6; i-- {
		b[i] = byte(n)
		n >>= 8
	}
	return hex.EncodeToString(b[:])
}

// RequestIDs is the outermost middleware: it gives every request an ID (the
// client's when sane), echoes it, and wraps the writer so later middleware can see
// the status and size of the response.
func RequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := ParseRequestID(first(r.Header, RequestIDHeader))
		if !ok {
			id = newRequestID()
		}
		ri := &reqInfo{requestID: id, route: "unmatched", https: r.TLS != nil}
		w.Header()[RequestIDHeader] = []string{id}
		rec := &Recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri)))
	})
}

// Recorder remembers the status and size of a response.
type Recorder struct {
	http.ResponseWriter
	Status int
	Bytes  int64
}

// WriteHeader records the first status sent.
func (r *Recorder) WriteHeader(status int) {
	if r.Status == 0 {
		r.Status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *Recorder) Write(b []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.Bytes += int64(n)
	return n, err
}

// Flush lets streams through.
func (r *Recorder) Flush() {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	http.NewResponseController(r.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the writer underneath.
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Hijack is supported only when the underlying writer supports it.
func (r *Recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := r.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("hijack not supported")
}

func recorderOf(w http.ResponseWriter) *Recorder {
	for {
		if rec, ok := w.(*Recorder); ok {
			return rec
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil
		}
		w = u.Unwrap()
	}
}

// ClientIPs decides the client address. X-Forwarded-For is believed only when the
// peer is a trusted proxy, and then walked from the right past every trusted hop:
// the first untrusted address is the client. Everything after (logs, limits) uses it.
func ClientIPs(trusted []netip.Prefix) func(http.Handler) http.Handler {
	isTrusted := Trusted(trusted)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ri := info(r.Context())
			peer := remoteAddr(r.RemoteAddr)
			ri.clientIP = peer
			if peer.IsValid() && isTrusted(peer) {
				ri.clientIP = forwardedClient(r.Header.Values("X-Forwarded-For"), peer, isTrusted)
				ri.forwarded = true
				if r.Header.Get("X-Forwarded-Proto") == "https" {
					ri.https = true
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func remoteAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := netip.ParseAddr(s)
	return a.Unmap()
}

func forwardedClient(values []string, peer netip.Addr, trusted func(netip.Addr) bool) netip.Addr {
	var hops []string
	for _, v := range values {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hops = append(hops, h)
			}
		}
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			return client // garbage from here leftwards is the client's own claim
		}
		client = a.Unmap()
		if !trusted(client) {
			return client
		}
	}
	return client
}
