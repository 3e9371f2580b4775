package httpx

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRequestID(t *testing.T) {
	_, h := testStack(t, io.Discard)
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{"sane id is echoed", "req-42:abc.DEF_9", true},
		{"empty gets one", "", false},
		{"spaces rejected", "a b", false},
		{"newline injection rejected", "abc\r\nSet-Cookie: x=1", false},
		{"too long rejected", strings.Repeat("a", 129), false},
		{"unicode rejected", "ключ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/things/1", nil)
			r.Header.Set(RequestIDHeader, tt.sent)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			got := w.Header().Get(RequestIDHeader)
			if tt.kept && got != tt.sent {
				t.Errorf("echoed %q, want %q", got, tt.sent)
			}
			if !tt.kept {
				if got == tt.sent {
					t.Errorf("unsafe id %q was echoed", got)
				}
				if _, ok := ParseRequestID(got); !ok || len(got) != 24 {
					t.Errorf("generated id %q is not 24 safe characters", got)
				}
			}
		})
	}
}

func FuzzParseRequestID(f *testing.F) {
	for _, s := range []string{"abc", "", "a b", "x\r\ny", strings.Repeat("z", 200), "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseRequestID(s)
		if !ok {
			return
		}
		if got != s || len(got) == 0 || len(got) > 128 || strings.ContainsAny(got, " \r\n\t\"<>") {
			t.Errorf("accepted unsafe id %q", got)
		}
	})
}

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name, remote, xff, proto string
		want                     string
		https                    bool
	}{
		{"direct client", "203.0.113.9:5000", "", "", "203.0.113.9", false},
		{"untrusted peer cannot spoof", "203.0.113.9:5000", "1.2.3.4", "https", "203.0.113.9", false},
		{"trusted proxy", "10.0.0.2:80", "198.51.100.7", "https", "198.51.100.7", true},
		{"chain of trusted proxies", "10.0.0.2:80", "198.51.100.7, 10.1.1.1, 10.2.2.2", "", "198.51.100.7", false},
		{"client-supplied prefix ignored", "10.0.0.2:80", "6.6.6.6, 198.51.100.7", "", "198.51.100.7", false},
		{"garbage hop stops the walk", "10.0.0.2:80", "nonsense, 10.3.3.3", "", "10.3.3.3", false},
		{"ipv6 peer", "[2001:db8::1]:443", "", "", "2001:db8::1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotIP netip.Addr
			var gotTLS bool
			h := RequestIDs(ClientIPs(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotIP, gotTLS = ClientIP(r.Context()), info(r.Context()).https
			})))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if gotIP.String() != tt.want || gotTLS != tt.https {
				t.Errorf("client %s https %v, want %s %v", gotIP, gotTLS, tt.want, tt.https)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := RequestIDs(ClientIPs([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")})(SecurityHeaders(http.NotFoundHandler())))
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "192.0.2.1:1"
	r.Header.Set("X-Forwarded-Proto", "https") // untrusted: no HSTS
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin"} {
		if got := w.Header().Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP lacks frame-ancestors: %q", w.Header().Get("Content-Security-Policy"))
	}
	if w.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP on an untrusted claim")
	}
	r.RemoteAddr = "127.0.0.1:1" // a trusted proxy says https
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS although a trusted proxy says https")
	}
}

func TestCORS(t *testing.T) {
	_, h := testStack(t, io.Discard)
	w := do(h, "OPTIONS", "/api/v1/things", "", "Origin", "https://app.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, authorization, x-evil-header")
	allowed := w.Header().Get("Access-Control-Allow-Headers")
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "https://app.example" ||
		w.Header().Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("allowed preflight: %d %v", w.Code, w.Header())
	}
	for _, want := range []string{"Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-ID", "Idempotency-Key"} {
		if !slices.Contains(strings.Split(allowed, ", "), want) {
			t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowed, want)
		}
	}
	if strings.Contains(strings.ToLower(allowed), "x-evil-header") {
		t.Errorf("a requested header was echoed: %q", allowed)
	}
	w = do(h, "OPTIONS", "/api/v1/things", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("unlisted origin allowed: %v", w.Header())
	}
	w = do(h, "GET", "/api/v1/things/1", "", "Origin", "https://app.example")
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("simple request: %d %v", w.Code, w.Header())
	}
	exposed := strings.Split(w.Header().Get("Access-Control-Expose-Headers"), ", ")
	for _, want := range []string{"Location", "ETag", "Retry-After", "RateLimit", "RateLimit-Policy", "X-Request-ID"} {
		if !slices.Contains(exposed, want) {
			t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, want)
		}
	}
}

func TestCompression(t *testing.T) {
	big := strings.Repeat("learning ", 500)
	h := RequestIDs(Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := "small"
		if r.URL.Query().Get("big") != "" {
			body = big
		}
		_ = WriteJSON(w, http.StatusOK, map[string]string{"text": body})
	})))
	w := do(h, "GET", "/?big=1", "", "Accept-Encoding", "br, gzip")
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("large JSON not compressed: %v", w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Contains(plain, []byte(big)) || w.Body.Len() > len(plain)/4 {
		t.Errorf("decompressed %d bytes from %d; body intact %v", len(plain), w.Body.Len(), bytes.Contains(plain, []byte(big)))
	}
	if w := do(h, "GET", "/", "", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "" || !strings.Contains(w.Body.String(), "small") {
		t.Errorf("small body was compressed: %v %q", w.Header(), w.Body)
	}
	if w := do(h, "GET", "/?big=1", ""); w.Header().Get("Content-Encoding") != "" {
		t.Error("compressed for a client that did not ask")
	}
	if w := do(h, "GET", "/?big=1", "", "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Error("compressed although gzip;q=0")
	}
}

type fakeObserver struct {
	routes     []string
	categories []string
	inFlight   int
}

func (f *fakeObserver) RequestStarted() { f.inFlight++ }
func (f *fakeObserver) RequestDone(route, method string, status int, d time.Duration) {
	f.inFlight--
	f.routes = append(f.routes, method+" "+route+" "+http.StatusText(status))
}
func (f *fakeObserver) ErrorAnswered(category, code string) {
	f.categories = append(f.categories, category+"/"+code)
}

func TestMetricsUsePatternsNotPaths(t *testing.T) {
	rt, _ := testStack(t, io.Discard)
	obs := &fakeObserver{}
	h := RequestIDs(Metrics(obs)(rt))
	do(h, "GET", "/api/v1/things/1", "")
	do(h, "GET", "/api/v1/things/2", "")
	do(h, "GET", "/api/v1/random/123", "")
	do(h, "POST", "/api/v1/things", `{`)
	want := []string{"GET /api/v1/things/{id} OK", "GET /api/v1/things/{id} OK", "GET unmatched Not Found", "POST /api/v1/things Bad Request"}
	if strings.Join(obs.routes, "|") != strings.Join(want, "|") {
		t.Errorf("observed %q, want %q", obs.routes, want)
	}
	if strings.Join(obs.categories, "|") != "not_found/not_found|validation/malformed_json" || obs.inFlight != 0 {
		t.Errorf("categories %q, in flight %d", obs.categories, obs.inFlight)
	}
}

func TestAccessLogLine(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	rt := NewRouter(log, 1024, time.Second)
	rt.Handle(Route{Method: "GET", Path: "/api/v1/x/{id}", Access: Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
		return WriteJSON(w, 200, "ok")
	}})
	h := RequestIDs(AccessLog(log)(rt))
	do(h, "GET", "/api/v1/x/9", "", RequestIDHeader, "trace-1")
	for _, want := range []string{`"request_id":"trace-1"`, `"route":"/api/v1/x/{id}"`, `"path":"/api/v1/x/9"`, `"status":200`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("access log lacks %s: %s", want, logs.String())
		}
	}
}
