package httpx

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/fault"
)

// HandlerFunc is a handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Access declares who may call a route. The zero value is invalid on purpose: a
// route that does not say who may call it is refused at registration.
type Access struct {
	kind string
	role access.Role
}

// The kinds of access a route can declare.
var (
	Public  = Access{kind: "public"}
	AnyUser = Access{kind: "user"}
	// Owner routes admit any signed-in user; the handler answers 404 for objects
	// that belong to someone else.
	Owner = Access{kind: "owner"}
	// Optional routes admit anyone. A caller who sends credentials is
	// identified (and refused when they are bad, as on any route), so the
	// handler may show a signed-in caller more than it shows everyone.
	Optional = Access{kind: "optional"}
)

// Role admits users who hold the role or one above it.
func Role(role access.Role) Access { return Access{kind: "role", role: role} }

// IsPublic reports whether anyone may call the route.
func (a Access) IsPublic() bool { return a.kind == "public" }

// RoleName is the role a Role access requires, "" otherwise.
func (a Access) RoleName() access.Role { return a.role }

func (a Access) String() string {
	if a.kind == "role" {
		return "role:" + string(a.role)
	}
	return a.kind
}

// NoTimeout marks a route (a stream, a long upload) that sets its own deadlines.
const NoTimeout time.Duration = -1

// Route is one line of the route table.
type Route struct {
	Method  string
	Path    string // a ServeMux pattern path, e.g. /api/v1/content/{id}
	Access  Access
	Handler HandlerFunc
	MaxBody int64         // 0: the router's default
	Timeout time.Duration // write deadline; 0: the router's default; NoTimeout: none
	Limit   string        // rate-limit group; "": the limiter's default for the method
}

// Pattern is the ServeMux pattern of the route.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

// Authorizer decides, before the handler reads the body, whether the request may
// call a route; it returns the request with the caller in its context.
type Authorizer func(r *http.Request, a Access) (*http.Request, error)

// Limiter admits or refuses a request. The router calls it before authorization
// (the caller is still unknown: limits by client address) and again after it for
// signed-in callers (limits by user). It may set headers on w.
type Limiter func(w http.ResponseWriter, r *http.Request, route Route) error

// Router is a route table on the standard ServeMux and the one place that turns
// handler errors into responses.
type Router struct {
	log       *slog.Logger
	mux       *http.ServeMux
	routes    []Route
	errs      []errMapping
	maxBody   int64
	timeout   time.Duration
	authorize Authorizer
	limit     Limiter
	fallback  http.Handler
	bodyRate  BodyRate
}

type errMapping struct {
	target error
	match  func(error) bool // instead of target, for kinds no sentinel names
	status int
	code   string
	detail string
}

// NewRouter makes an empty router. maxBody and timeout are the defaults of routes
// that do not set their own.
func NewRouter(log *slog.Logger, maxBody int64, timeout time.Duration) *Router {
	rt := &Router{log: log, mux: http.NewServeMux(), maxBody: maxBody, timeout: timeout}
	rt.mux.HandleFunc("/", rt.unmatched)
	return rt
}

// Handle registers routes. A route without an access declaration, or with a
// pattern ServeMux rejects, is a programming error and panics at start-up.
func (rt *Router) Handle(routes ...Route) {
	for _, route := range routes {
		if route.Access.kind == "" {
			panic("httpx: route " + route.Pattern() + " declares no access")
		}
		rt.mux.Handle(route.Pattern(), rt.wrap(route))
		rt.routes = append(rt.routes, route)
	}
}

// Routes lists what is registered, in registration order.
func (rt *Router) Routes() []Route { return slices.Clone(rt.routes) }

// MapError makes every handler error that wraps target answer status and code,
// with target's text as the detail. Domains' sentinel errors are mapped here once.
func (rt *Router) MapError(target error, status int, code string) {
	rt.errs = append(rt.errs, errMapping{target: target, status: status, code: code})
}

// MapErrorIf makes every handler error that match recognises answer status,
// code and detail: for errors recognised by what they are rather than by a
// sentinel, such as a database that cannot be reached.
func (rt *Router) MapErrorIf(match func(error) bool, status int, code, detail string) {
	rt.errs = append(rt.errs, errMapping{match: match, status: status, code: code, detail: detail})
}

// SetBodyRate sets the least rate at which clients must send request bodies.
func (rt *Router) SetBodyRate(b BodyRate) { rt.bodyRate = b }

// Outcome is the status and code err answers with, as a handler's error: what a
// test checks to prove every error a domain returns is mapped on purpose.
func (rt *Router) Outcome(err error) (status int, code string) {
	e := rt.Problem(err)
	return e.Status, e.Code
}

// Problem is what err answers with, as a handler's error: for a handler that
// reports errors inside its own answer (one result per file of a batch).
func (rt *Router) Problem(err error) *Error {
	return rt.classify(context.Background(), err)
}

// SetAuthorizer installs the access check. Until one is set, only public routes answer.
func (rt *Router) SetAuthorizer(a Authorizer) { rt.authorize = a }

// SetLimiter installs rate limiting.
func (rt *Router) SetLimiter(l Limiter) { rt.limit = l }

// SetFallback serves paths outside /api/ that no route matches (the console).
func (rt *Router) SetFallback(h http.Handler) { rt.fallback = h }

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e := checkRequestText(r); e != nil {
		WriteProblem(w, r, e)
		info(r.Context()).errCode = e.Code
		return
	}
	if canon := canonicalPath(r.URL.Path); canon != r.URL.Path {
		WriteProblem(w, r, Errorf(http.StatusBadRequest, "invalid_path", "the path is not canonical; did you mean %s?", canon))
		info(r.Context()).errCode = "invalid_path"
		return
	}
	rt.mux.ServeHTTP(w, r)
}

// canonicalPath is p without empty or dot segments and without a trailing
// slash: no route of Lyo's ends in one, so /api/v1/content/ is answered with the
// path the client meant rather than a bare 404.
func canonicalPath(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") && (p == "/" || !strings.HasSuffix(p, "/")) {
		return p // nothing to clean: the common case, without an allocation
	}
	return path.Clean(p)
}

var probeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// unmatched answers what no route took: 405 with Allow when the path exists under
// other methods, the fallback for non-API paths, else a problem+json 404.
func (rt *Router) unmatched(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range probeMethods {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := rt.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		allow = append(allow, http.MethodOptions)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		rt.fail(w, r, &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Detail: r.Method + " is not allowed here; use " + strings.Join(allow, ", ")})
		return
	}
	if rt.fallback != nil && r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") {
		rt.fallback.ServeHTTP(w, r)
		return
	}
	rt.fail(w, r, Errorf(http.StatusNotFound, "not_found", "no route for %s %s", r.Method, r.URL.Path))
}

func (rt *Router) wrap(route Route) http.Handler {
	maxBody := cmp.Or(route.MaxBody, rt.maxBody)
	timeout := cmp.Or(route.Timeout, rt.timeout)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info(r.Context()).route = route.Path
		if timeout > 0 {
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(timeout))
			ctx, cancel := context.WithTimeout(r.Context(), timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		if err := rt.serve(w, r, route, maxBody); err != nil {
			rt.fail(w, r, err)
		}
	})
}

// serve runs the per-route steps in order: body limit, rate limit by address,
// authorization, rate limit by user, handler. The body is not read before the
// caller is known to be allowed.
func (rt *Router) serve(w http.ResponseWriter, r *http.Request, route Route, maxBody int64) error {
	if r.ContentLength > maxBody {
		return Errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body is larger than %d bytes", maxBody)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if rt.bodyRate.Stall > 0 && r.ContentLength != 0 {
		r.Body = newRateReader(w, r.Body, rt.bodyRate)
	}
	if rt.limit != nil {
		if err := rt.limit(w, r, route); err != nil {
			return err
		}
	}
	anonymous := route.Access.kind == "optional" && r.Header.Get("Authorization") == ""
	if !route.Access.IsPublic() && !anonymous {
		if rt.authorize == nil {
			return Errorf(http.StatusUnauthorized, "unauthenticated", "sign in to use this route")
		}
		var err error
		if r, err = rt.authorize(r, route.Access); err != nil {
			return err
		}
		if rt.limit != nil {
			if err := rt.limit(w, r, route); err != nil {
				return err
			}
		}
	}
	return route.Handler(w, r)
}

// fail is the one place a handler error becomes a response.
func (rt *Router) fail(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	he := rt.classify(ctx, err)
	info(ctx).errCode = he.Code
	if he.Status >= 500 {
		rt.log.ErrorContext(ctx, "request failed", "request_id", RequestID(ctx), "route", RoutePattern(ctx),
			"status", he.Status, "code", he.Code, "error", err)
	}
	if rec := recorderOf(w); rec != nil && rec.Status != 0 {
		return // the response has started; the log line is all we can do
	}
	if he.Status == statusClientClosed {
		w.WriteHeader(he.Status)
		return
	}
	if he.Status == http.StatusServiceUnavailable && he.Header.Get("Retry-After") == "" {
		// Every 503 is temporary; say when to come back, so clients back off.
		w.Header().Set("Retry-After", retryUnavailable)
	}
	WriteProblem(w, r, he)
}

// retryUnavailable is what a 503 asks clients to wait, in seconds, when the
// error does not say: long enough for a database failover or a restart.
const retryUnavailable = "5"

// statusClientClosed records a request whose client went away (nginx's 499).
const statusClientClosed = 499

func (rt *Router) classify(ctx context.Context, err error) *Error {
	var he *Error
	if errors.As(err, &he) {
		return he
	}
	var bad *fault.Invalid
	if errors.As(err, &bad) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
			Detail: "the request has invalid fields", Fields: bad.Fields, Err: err}
	}
	for _, m := range rt.errs {
		if m.match != nil {
			if m.match(err) {
				return &Error{Status: m.status, Code: m.code, Detail: m.detail, Err: err}
			}
			continue
		}
		if errors.Is(err, m.target) {
			e := &Error{Status: m.status, Code: m.code, Detail: m.target.Error(), Err: err}
			var fe *fault.Error
			if errors.As(err, &fe) {
				e.Code, e.Detail = cmp.Or(fe.Code, m.code), fe.Message
			}
			return e
		}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, new(*errBodyTooSlow)):
		return bodyTimeout(err)
	case errors.As(err, &tooLarge):
		return Errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body is larger than %s bytes", strconv.FormatInt(tooLarge.Limit, 10))
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return &Error{Status: statusClientClosed, Code: "client_closed", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Code: "timeout", Detail: "the request took too long", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Detail: "internal error", Err: err}
}
