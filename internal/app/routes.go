package app

import (
	"net/http"

	"github.com/lyolearn/lyo/internal/apidoc"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed"
	"github.com/lyolearn/lyo/internal/flags"
	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media"
	"github.com/lyolearn/lyo/internal/store"
	"github.com/lyolearn/lyo/internal/tutor"
)

// routes is the route table of the whole API. Each domain adds its own block.
// Probes and metrics are neither rate limited nor given a deadline: they do no
// unbounded work (readiness bounds its checks itself), and an orchestrator polls
// them often, so they stay as cheap as the middleware allows.
func (s *server) routes() {
	rt := s.router
	rt.Handle(
		httpx.Route{Method: "GET", Path: "/healthz", Access: httpx.Public, Limit: noLimit, Timeout: httpx.NoTimeout, Handler: s.health.LiveHandler},
		httpx.Route{Method: "GET", Path: "/readyz", Access: httpx.Public, Limit: noLimit, Timeout: httpx.NoTimeout, Handler: s.health.ReadyHandler},
		httpx.Route{Method: "GET", Path: "/api/v1/version", Access: httpx.Public, Handler: s.version},
		httpx.Route{Method: "GET", Path: "/openapi.json", Access: httpx.Public, Handler: s.docsOnly(s.docs.ServeDocument)},
		httpx.Route{Method: "GET", Path: "/docs", Access: httpx.Public, Handler: s.docsOnly(apidoc.ServeBrowser)},
		httpx.Route{Method: "GET", Path: "/docs/{asset}", Access: httpx.Public, Handler: s.docsOnly(apidoc.ServeAsset)},
		httpx.Route{Method: "GET", Path: "/{$}", Access: httpx.Public, Handler: apidoc.ServeLanding},
	)
	rt.SetAuthorizer(s.auth.Authorizer())
	auth.Mount(rt, s.auth, s.cursors, loginThrottle{s})
	flags.Mount(rt, s.flags, s.auth.Record, s.cursors)
	content.Mount(rt, s.content, s.cursors)
	events.Mount(rt, s.events, s.cursors)
	feed.Mount(rt, s.feed, s.cursors, s.auth.Record)
	jobs.Mount(rt, s.jobs, s.cursors)
	media.Mount(rt, s.media, s.signedObjects)
	tutor.Mount(rt, s.tutor, s.cursors)
	rt.MapError(cursor.ErrInvalid, http.StatusBadRequest, "invalid_cursor")
	// An outage is not a bug: the client may retry (the router adds Retry-After).
	// A full disk is a 503 too, not a 507: it is the server's state, temporary,
	// and says nothing about what the client sent.
	rt.MapErrorIf(store.Full, http.StatusServiceUnavailable, "storage_full", "the server is out of storage space; try again later")
	rt.MapErrorIf(store.Unavailable, http.StatusServiceUnavailable, "database_unavailable", "the database is unavailable; try again shortly")
	if s.cfg.MetricsAddr == "" {
		metrics := s.metrics.Handler()
		rt.Handle(httpx.Route{Method: "GET", Path: "/metrics", Access: httpx.Public, Limit: noLimit, Timeout: httpx.NoTimeout,
			Handler: func(w http.ResponseWriter, r *http.Request) error { metrics.ServeHTTP(w, r); return nil }})
	}
}

// docsOnly serves h while the api_docs flag is on, and a 404 otherwise.
func (s *server) docsOnly(h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !s.flags.Enabled(r.Context(), flags.APIDocs) {
			return httpx.Errorf(http.StatusNotFound, "not_found", "API documentation is switched off on this server")
		}
		return h(w, r)
	}
}

func (s *server) version(w http.ResponseWriter, r *http.Request) error {
	return httpx.WriteJSON(w, http.StatusOK, map[string]string{"name": "lyo", "version": versionString()})
}
