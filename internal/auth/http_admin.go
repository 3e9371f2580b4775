package auth

import (
	"net/http"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/httpx"
)

type idCursor struct {
	After string `json:"a"`
}

func (h *Handlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	uq := UserQuery{Search: q.Get("q"), Role: access.Role(q.Get("role")), Limit: limit}
	if uq.Role != "" && !uq.Role.Valid() {
		return httpx.BadParam("role", "must be learner, creator, moderator or admin")
	}
	if len(uq.Search) > 100 {
		return httpx.BadParam("q", "is longer than 100 characters")
	}
	if c := q.Get("cursor"); c != "" {
		var pos idCursor
		if err := h.cursors.Decode("admin.users", c, &pos); err != nil {
			return err
		}
		uq.AfterID = pos.After
	}
	users, more, err := h.svc.ListUsers(r.Context(), uq)
	if err != nil {
		return err
	}
	page := httpx.Page[UserView]{Items: make([]UserView, 0, len(users))}
	for _, u := range users {
		page.Items = append(page.Items, NewUserView(u, h.svc.now()))
	}
	if more {
		if page.NextCursor, err = h.cursors.Encode("admin.users", idCursor{users[len(users)-1].ID}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, page)
}

func (h *Handlers) adminUpdate(w http.ResponseWriter, r *http.Request) error {
	var p AdminPatch
	if err := httpx.DecodeJSON(r, &p); err != nil {
		return err
	}
	u, err := h.svc.AdminUpdate(r.Context(), caller(r).UserID, r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, NewUserView(u, h.svc.now()))
}

func (h *Handlers) audit(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	aq := AuditQuery{ActorID: q.Get("actor"), TargetID: q.Get("target"), Limit: limit}
	if c := q.Get("cursor"); c != "" {
		var pos idCursor
		if err := h.cursors.Decode("admin.audit", c, &pos); err != nil {
			return err
		}
		aq.BeforeID = pos.After
	}
	entries, more, err := h.svc.Audit(r.Context(), aq)
	if err != nil {
		return err
	}
	page := httpx.Page[AuditView]{Items: make([]AuditView, 0, len(entries))}
	for _, e := range entries {
		page.Items = append(page.Items, AuditView{ID: e.ID, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action, TargetID: e.TargetID, Details: e.Details})
	}
	if more {
		if page.NextCursor, err = h.cursors.Encode("admin.audit", idCursor{entries[len(entries)-1].ID}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, page)
}
