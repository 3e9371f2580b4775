package feed

import (
	"net/http"
	"time"

	"github.com/lyolearn/lyo/internal/feed/rank"
	"github.com/lyolearn/lyo/internal/httpx"
)

type trendView struct {
	entryView
	Velocity float64 `json:"velocity"`
}

type trendPos struct {
	Offset int    `json:"o"`
	Window string `json:"w"`
	Topic  string `json:"t"`
}

func (h *handlers) trending(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	name := q.Get("window")
	if name == "" {
		name = "24h"
	}
	window, ok := Windows[name]
	if !ok {
		return httpx.BadParam("window", "must be 1h, 24h or 7d")
	}
	topic := q.Get("topic")
	if len(topic) > 100 {
		return httpx.BadParam("topic", "is longer than 100 characters")
	}
	var pos trendPos
	if c := q.Get("cursor"); c != "" {
		if err := h.cursors.Decode("trending", c, &pos); err != nil {
			return err
		}
		if pos.Window != name || pos.Topic != topic || pos.Offset < 0 {
			return httpx.Errorf(http.StatusBadRequest, "invalid_cursor", "the cursor belongs to another trending list")
		}
	}
	list, more, err := h.svc.Trending(r.Context(), window, topic, pos.Offset, limit)
	if err != nil {
		return err
	}
	out := httpx.Page[trendView]{Items: make([]trendView, 0, len(list))}
	for _, t := range list {
		out.Items = append(out.Items, trendView{entryView: entryView{Item: t.Item, Explanation: t.Explanation, Source: t.Source}, Velocity: t.Velocity})
	}
	if more {
		if out.NextCursor, err = h.cursors.Encode("trending", trendPos{Offset: pos.Offset + len(list), Window: name, Topic: topic}); err != nil {
			return err
		}
	}
	// The same for everyone, and rebuilt every few seconds.
	w.Header().Set("Cache-Control", "public, max-age=10")
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *handlers) next(w http.ResponseWriter, r *http.Request) error {
	caller, _ := httpx.CallerFrom(r.Context())
	e, err := h.svc.Next(r.Context(), caller, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return httpx.WriteJSON(w, http.StatusOK, entryView{Item: e.Item, Explanation: e.Explanation, Source: e.Source})
}

func (h *handlers) profile(w http.ResponseWriter, r *http.Request) error {
	caller, _ := httpx.CallerFrom(r.Context())
	p, err := h.svc.Profile(r.Context(), caller)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return httpx.WriteJSON(w, http.StatusOK, p)
}

// profilePatch is the body of PATCH /api/v1/feed/profile.
type profilePatch struct {
	Topics map[string]Pref `json:"topics"`
}

func (h *handlers) editProfile(w http.ResponseWriter, r *http.Request) error {
	var in profilePatch
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	caller, _ := httpx.CallerFrom(r.Context())
	p, err := h.svc.EditProfile(r.Context(), caller, in.Topics)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return httpx.WriteJSON(w, http.StatusOK, p)
}

func (h *handlers) resetProfile(w http.ResponseWriter, r *http.Request) error {
	caller, _ := httpx.CallerFrom(r.Context())
	if err := h.svc.ResetProfile(r.Context(), caller); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type explainView struct {
	UserID          string              `json:"user_id"`
	IndexBuiltAt    time.Time           `json:"index_built_at"`
	SnapshotVersion int64               `json:"snapshot_version"`
	Weights         *Weights            `json:"weights"`
	Items           []entryView         `json:"items"`
	Candidates      []candView          `json:"candidates"`
	PerSource       map[rank.Source]int `json:"per_source"`
	Folded          bool                `json:"folded"`
	Relaxed         bool                `json:"relaxed"`
}

type candView struct {
	rank.TracedCandidate
	Title string `json:"title"`
}

func (h *handlers) explain(w http.ResponseWriter, r *http.Request) error {
	userID, err := httpx.RequiredParam(r, "user_id")
	if err != nil {
		return err
	}
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	caller, _ := httpx.CallerFrom(r.Context())
	e, err := h.svc.Explain(r.Context(), userID, limit)
	if err != nil {
		return err
	}
	if err := h.audit(r.Context(), caller.UserID, "feed.explain", userID, nil); err != nil {
		return err
	}
	out := explainView{UserID: e.UserID, IndexBuiltAt: e.Built, SnapshotVersion: e.Snapshot, Weights: e.Weights, Items: make([]entryView, 0, len(e.Entries)),
		Candidates: []candView{}, PerSource: map[rank.Source]int{}}
	for _, en := range e.Entries {
		out.Items = append(out.Items, entryView{Item: en.Item, Explanation: en.Explanation, Source: en.Source})
	}
	if t := e.Trace; t != nil {
		out.PerSource, out.Folded, out.Relaxed = t.PerSource, t.Folded, t.Relaxed
		for _, c := range t.Candidates {
			out.Candidates = append(out.Candidates, candView{TracedCandidate: c, Title: e.Titles[c.ItemID]})
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return httpx.WriteJSON(w, http.StatusOK, out)
}
