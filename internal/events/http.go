package events

import (
	"net/http"

	"github.com/lyolearn/lyo/internal/httpx"
)

// maxBody bounds a batch request: 500 events of a few hundred bytes each.
const maxBody = 1 << 20

// Mount registers the events route.
func Mount(rt *httpx.Router, svc *Service) {
	rt.Handle(httpx.Route{Method: "POST", Path: "/api/v1/events", Access: httpx.AnyUser, Limit: "events", MaxBody: maxBody,
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			var in struct {
				Events []Input `json:"events"`
			}
			if err := httpx.DecodeJSON(r, &in); err != nil {
				return err
			}
			if in.Events == nil {
				return httpx.Invalid(httpx.FieldError{Field: "events", Message: "is required: a list of events"})
			}
			c, _ := httpx.CallerFrom(r.Context())
			results, err := svc.Ingest(r.Context(), c, in.Events)
			if err != nil {
				return err
			}
			return httpx.WriteJSON(w, http.StatusOK, map[string][]Result{"results": results})
		}})
}
