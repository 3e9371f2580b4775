package httpx

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"time"
)

// Recover turns a panic into a bare 500 and logs the stack with the request ID.
// http.ErrAbortHandler keeps its meaning: the connection is dropped.
func Recover(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic serving request",
					"request_id", RequestID(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rec := recorderOf(w); rec == nil || rec.Status == 0 {
					info(r.Context()).errCode = "internal"
					WriteProblem(w, r, &Error{Status: http.StatusInternalServerError, Code: "internal", Detail: "internal error"})
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// AccessLog writes one line a request, after it is answered.
func AccessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			next.ServeHTTP(w, r)
			ri := info(r.Context())
			status, size := 0, int64(0)
			if rec := recorderOf(w); rec != nil {
				status, size = rec.Status, rec.Bytes
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			if !log.Enabled(r.Context(), level) {
				return
			}
			log.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", ri.requestID),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", ri.route),
				slog.Int("status", status),
				slog.Int64("bytes", size),
				slog.Duration("duration", time.Since(start)),
				slog.String("client_ip", ri.clientIP.String()),
				slog.String("user_id", ri.caller.UserID),
			)
		})
	}
}

// Observer receives what the metrics middleware measures; obs implements it.
type Observer interface {
	RequestStarted()
	RequestDone(route, method string, status int, d time.Duration)
	ErrorAnswered(category, code string)
}

// Metrics measures every request by route pattern, method and status.
func Metrics(o Observer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			o.RequestStarted()
			status := http.StatusInternalServerError
			defer func() {
				ri := info(r.Context())
				if rec := recorderOf(w); rec != nil && rec.Status != 0 {
					status = rec.Status
				}
				o.RequestDone(ri.route, r.Method, status, time.Since(start))
				if status >= 400 {
					o.ErrorAnswered(Category(status), ri.errCode)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// CORSAllowHeaders are the request headers a browser may send cross-origin: the
// ones Lyo reads. A preflight is answered with this list, never with an echo of
// what it asked for, so a page cannot get a header through that Lyo does not
// expect.
const CORSAllowHeaders = "Accept, Accept-Language, Authorization, Content-Language, Content-Type, Idempotency-Key, If-Match, If-None-Match, X-Request-ID"

// CORSExposeHeaders are the response headers a page's script may read.
const CORSExposeHeaders = "ETag, Location, RateLimit, RateLimit-Policy, Retry-After, X-Request-ID"

// CORS answers preflights and marks responses for the listed origins only.
// A "*" entry allows any origin (never with credentials; config refuses that).
func CORS(origins []string, credentials bool) func(http.Handler) http.Handler {
	anyOrigin := slices.Contains(origins, "*")
	allowed := func(o string) bool { return anyOrigin || slices.Contains(origins, o) }
	const methods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := first(r.Header, "Origin")
			h := w.Header()
			h["Vary"] = append(h["Vary"], "Origin")
			if origin == "" || !allowed(origin) {
				next.ServeHTTP(w, r)
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			if credentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Add("Vary", "Access-Control-Request-Method")
				h.Add("Vary", "Access-Control-Request-Headers")
				h.Set("Access-Control-Allow-Methods", methods)
				h.Set("Access-Control-Allow-Headers", CORSAllowHeaders)
				h.Set("Access-Control-Max-Age", strconv.Itoa(int((10 * time.Minute).Seconds())))
				w.WriteHeader(http.StatusNoContent)
				return
			}
			h.Set("Access-Control-Expose-Headers", CORSExposeHeaders)
			next.ServeHTTP(w, r)
		})
	}
}

// SecurityHeaders sets the headers every response carries. HSTS is sent only when
// the request arrived over TLS, directly or as a trusted proxy says.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaders {
			h[kv.key] = kv.value
		}
		if info(r.Context()).https {
			h["Strict-Transport-Security"] = hsts
		}
		next.ServeHTTP(w, r)
	})
}

// The values are shared by every response; each slice is full (len == cap), so
// a handler that appends to one gets a copy instead of changing the others.
var (
	securityHeaders = []struct {
		key   string
		value []string
	}{
		{"X-Content-Type-Options", []string{"nosniff"}},
		{"X-Frame-Options", []string{"DENY"}},
		{"Content-Security-Policy", []string{"default-src 'self'; img-src 'self' data: blob: https:; media-src 'self' blob: https:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"}},
		{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
		{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	}
	hsts = []string{"max-age=63072000; includeSubDomains"}
)
