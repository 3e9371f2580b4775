package flags

import (
	"context"
	"errors"
	"net/http"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/httpx"
)

// Auditor records who changed what; the accounts domain provides it.
type Auditor func(ctx context.Context, actorID, action, targetID string, details map[string]any) error

// Mount registers the admin routes for flags. Every change is audited.
func Mount(rt *httpx.Router, svc *Service, audit Auditor) {
	admin := httpx.Role(access.Admin)
	rt.Handle(
		httpx.Route{Method: "GET", Path: "/api/v1/admin/flags", Access: admin, Handler: func(w http.ResponseWriter, r *http.Request) error {
			states, err := svc.List(r.Context())
			if err != nil {
				return err
			}
			return httpx.WriteJSON(w, http.StatusOK, httpx.Page[State]{Items: states})
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
