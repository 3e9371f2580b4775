package events

import (
	"net/http"
	"time"

	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/httpx"
)

// maxBody bounds a batch request: 500 events of a few hundred bytes each.
const maxBody = 1 << 20

// Mount registers the events routes and maps the domain's errors, once.
func Mount(rt *httpx.Router, svc *Service, cursors *cursor.Codec) {
	h := &handlers{svc: svc, cursors: cursors}
	rt.Handle(
		httpx.Route{Method: "POST", Path: "/api/v1/events", Access: httpx.AnyUser, Limit: "events", MaxBody: maxBody, Handler: h.ingest},
		httpx.Route{Method: "GET", Path: "/api/v1/me/hidden", Access: httpx.AnyUser, Handler: h.hidden},
		httpx.Route{Method: "DELETE", Path: "/api/v1/me/hidden/{item_id}", Access: httpx.AnyUser, Handler: h.unhide},
	)
	rt.MapError(ErrNotFound, http.StatusNotFound, "not_found")
	rt.MapError(ErrTooLarge, http.StatusRequestEntityTooLarge, "batch_too_large")
}

type handlers struct {
	svc     *Service
	cursors *cursor.Codec
}

func (h *handlers) ingest(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Events []Input `json:"events"`
	}
	// Text is checked event by event (Ingest): one event holding a NUL is
	// rejected alone, not its whole batch.
	if err := httpx.DecodeJSON(r, &in, httpx.UncheckedText()); err != nil {
		return err
	}
	if in.Events == nil {
		return httpx.Invalid(httpx.FieldError{Field: "events", Message: "is required: a list of events"})
	}
	c, _ := httpx.CallerFrom(r.Context())
	results, err := h.svc.Ingest(r.Context(), c, in.Events)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string][]Result{"results": results})
}

type hiddenPos struct {
	At     time.Time `json:"t"`
	ItemID string    `json:"i"`
}

func (h *handlers) hidden(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	var pos hiddenPos
	if c := r.URL.Query().Get("cursor"); c != "" {
		if err := h.cursors.Decode("hidden", c, &pos); err != nil {
			return err
		}
	}
	c, _ := httpx.CallerFrom(r.Context())
	list, more, err := h.svc.Hidden(r.Context(), c.UserID, Hidden{ItemID: pos.ItemID, HiddenAt: pos.At}, limit)
	if err != nil {
		return err
	}
	out := httpx.Page[HiddenView]{Items: make([]HiddenView, 0, len(list))}
	for _, hd := range list {
		out.Items = append(out.Items, HiddenView{ItemID: hd.ItemID, HiddenAt: hd.HiddenAt.UTC()})
	}
	if more {
		last := list[len(list)-1]
		if out.NextCursor, err = h.cursors.Encode("hidden", hiddenPos{last.HiddenAt, last.ItemID}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *handlers) unhide(w http.ResponseWriter, r *http.Request) error {
	c, _ := httpx.CallerFrom(r.Context())
	if err := h.svc.Unhide(r.Context(), c.UserID, r.PathValue("item_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
