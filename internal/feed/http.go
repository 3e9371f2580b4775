package feed

import (
	"context"
	"net/http"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/feed/rank"
	"github.com/lyolearn/lyo/internal/httpx"
)

// cursorKind separates feed cursors from every other list's.
const cursorKind = "feed"

// Auditor records an administrative action.
type Auditor func(ctx context.Context, actorID, action, targetID string, details map[string]any) error

// Mount registers the feed's routes and maps its errors, once. The old clients'
// paths answer with the same handlers; a user_id parameter they sent is ignored:
// the token decides whose feed it is. Reading a learner's explanation is an
// admin's action and goes to the audit log.
func Mount(rt *httpx.Router, svc *Service, cursors *cursor.Codec, audit Auditor) {
	h := &handlers{svc: svc, cursors: cursors, audit: audit}
	rt.Handle(
		httpx.Route{Method: "GET", Path: "/api/v1/feed", Access: httpx.AnyUser, Handler: h.forYou(rank.ForYou)},
		httpx.Route{Method: "GET", Path: "/api/v1/feed/addictive", Access: httpx.AnyUser, Handler: h.forYou(rank.ForYou)},
		httpx.Route{Method: "GET", Path: "/api/v1/feed/binge-mode", Access: httpx.AnyUser, Handler: h.forYou(rank.Binge)},
		httpx.Route{Method: "GET", Path: "/api/v1/feed/trending", Access: httpx.Public, Handler: h.trending},
		httpx.Route{Method: "GET", Path: "/api/v1/feed/series/{id}/next", Access: httpx.AnyUser, Handler: h.next},
		httpx.Route{Method: "GET", Path: "/api/v1/feed/profile", Access: httpx.AnyUser, Handler: h.profile},
		httpx.Route{Method: "PATCH", Path: "/api/v1/feed/profile", Access: httpx.AnyUser, Handler: h.editProfile},
		httpx.Route{Method: "DELETE", Path: "/api/v1/feed/profile", Access: httpx.AnyUser, Handler: h.resetProfile},
		httpx.Route{Method: "GET", Path: "/api/v1/feed/psychology", Access: httpx.AnyUser, Handler: h.profile},
		httpx.Route{Method: "GET", Path: "/api/v1/admin/feed/explain", Access: httpx.Role(access.Admin), Handler: h.explain},
	)
	rt.MapError(ErrNotFound, http.StatusNotFound, "not_found")
	rt.MapError(ErrSessionExpired, http.StatusGone, "feed_session_expired")
	rt.MapError(ErrForeignCursor, http.StatusForbidden, "foreign_cursor")
	rt.MapError(ErrBadCursor, http.StatusBadRequest, "invalid_cursor")
}

type handlers struct {
	svc     *Service
	cursors *cursor.Codec
	audit   Auditor
}

// feedView is a page of a feed as JSON.
type feedView struct {
	Items      []entryView `json:"items"`
	NextCursor string      `json:"next_cursor,omitempty"`
	Notice     *Notice     `json:"notice"`
}

type entryView struct {
	Item        *Summary `json:"item"`
	Explanation string   `json:"explanation"`
	Source      string   `json:"source"`
}

func (h *handlers) forYou(mode rank.Mode) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		limit, err := httpx.QueryLimit(r)
		if err != nil {
			return err
		}
		q := Query{Limit: limit, Mode: mode}
		if c := r.URL.Query().Get("cursor"); c != "" {
			var pos Position
			if err := h.cursors.Decode(cursorKind, c, &pos); err != nil {
				return err
			}
			q.After = &pos
		}
		caller, _ := httpx.CallerFrom(r.Context())
		page, err := h.svc.ForYou(r.Context(), caller, q)
		if err != nil {
			return err
		}
		out := feedView{Items: make([]entryView, 0, len(page.Entries)), Notice: page.Notice}
		for _, e := range page.Entries {
			out.Items = append(out.Items, entryView{Item: e.Item, Explanation: e.Explanation, Source: e.Source})
		}
		if page.Next != nil {
			if out.NextCursor, err = h.cursors.Encode(cursorKind, page.Next); err != nil {
				return err
			}
		}
		// A feed is personal and changes with every event: no cache may keep it.
		w.Header().Set("Cache-Control", "private, no-store")
		return httpx.WriteJSON(w, http.StatusOK, out)
	}
}
