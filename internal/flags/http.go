package flags

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/httpx"
)

// Auditor records who changed what; the accounts domain provides it.
type Auditor func(ctx context.Context, actorID, action, targetID string, details map[string]any) error

// Mount registers the admin routes for flags and maps the domain's errors. Every
// change is audited.
func Mount(rt *httpx.Router, svc *Service, audit Auditor, cursors *cursor.Codec) {
	admin := httpx.Role(access.Admin)
	rt.Handle(
		httpx.Route{Method: "GET", Path: "/api/v1/admin/flags", Access: admin, Handler: func(w http.ResponseWriter, r *http.Request) error {
			return list(w, r, svc, cursors)
		}},
		httpx.Route{Method: "GET", Path: "/api/v1/admin/flags/{name}", Access: admin, Handler: func(w http.ResponseWriter, r *http.Request) error {
			st, err := svc.Get(r.Context(), r.PathValue("name"))
			if err != nil {
				return err
			}
			return httpx.WriteJSON(w, http.StatusOK, st)
		}},
		httpx.Route{Method: "PUT", Path: "/api/v1/admin/flags/{name}", Access: admin, Handler: func(w http.ResponseWriter, r *http.Request) error {
			var in struct {
				Enabled *bool `json:"enabled"`
			}
			if err := httpx.DecodeJSON(r, &in); err != nil {
				return err
			}
			if in.Enabled == nil {
				return httpx.Invalid(httpx.FieldError{Field: "enabled", Message: "is required: true or false"})
			}
			return change(w, r, svc, audit, "flag.set", func(ctx context.Context, name, actor string) error {
				return svc.Set(ctx, name, *in.Enabled, actor)
			})
		}},
		httpx.Route{Method: "DELETE", Path: "/api/v1/admin/flags/{name}", Access: admin, Handler: func(w http.ResponseWriter, r *http.Request) error {
			return change(w, r, svc, audit, "flag.reset", func(ctx context.Context, name, _ string) error {
				err := svc.Reset(ctx, name)
				if err != nil && errors.Is(err, ErrNotFound) {
					return nil // no override: already at its default
				}
				return err
			})
		}},
	)
	rt.MapError(ErrUnknown, http.StatusNotFound, "unknown_flag")
	rt.MapError(ErrNotFound, http.StatusNotFound, "not_found")
}

type namePos struct {
	Name string `json:"n"`
}

// list pages the flags by name, as every list does, although there are few.
func list(w http.ResponseWriter, r *http.Request, svc *Service, cursors *cursor.Codec) error {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	var pos namePos
	if c := r.URL.Query().Get("cursor"); c != "" {
		if err := cursors.Decode("flags", c, &pos); err != nil {
			return err
		}
	}
	states, err := svc.List(r.Context())
	if err != nil {
		return err
	}
	slices.SortFunc(states, func(a, b State) int { return strings.Compare(a.Name, b.Name) })
	out := httpx.Page[State]{Items: []State{}}
	for _, st := range states {
		if st.Name <= pos.Name {
			continue
		}
		if len(out.Items) == limit {
			if out.NextCursor, err = cursors.Encode("flags", namePos{out.Items[limit-1].Name}); err != nil {
				return err
			}
			break
		}
		out.Items = append(out.Items, st)
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// change applies one admin change to a flag, audits it, and answers the new state.
func change(w http.ResponseWriter, r *http.Request, svc *Service, audit Auditor, action string, apply func(ctx context.Context, name, actor string) error) error {
	ctx, name := r.Context(), r.PathValue("name")
	c, _ := httpx.CallerFrom(ctx)
	before, err := svc.Get(ctx, name)
	if err != nil {
		return err
	}
	if err := apply(ctx, name, c.UserID); err != nil {
		return err
	}
	after, err := svc.Get(ctx, name)
	if err != nil {
		return err
	}
	if err := audit(ctx, c.UserID, action, name, map[string]any{"from": before.Enabled, "to": after.Enabled}); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, after)
}
