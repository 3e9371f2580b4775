package tutor

import (
	"net/http"
	"strconv"
	"time"

	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/httpx"
)

// RateGroup is the tutor's rate-limit group: asking a model is dearer than any
// other write.
const RateGroup = "tutor"

// MaxMessageBody bounds a question's JSON body: the longest text, escaped,
// and a few media IDs.
const MaxMessageBody = 64 << 10

// Handlers serves the tutor's routes.
type Handlers struct {
	svc     *Service
	cursors *cursor.Codec
}

// Mount registers the tutor's routes and errors. Every conversation is its
// owner's alone: anyone else's answers 404.
func Mount(rt *httpx.Router, svc *Service, cursors *cursor.Codec) {
	h := &Handlers{svc: svc, cursors: cursors}
	rt.Handle(
		httpx.Route{Method: "POST", Path: "/api/v1/tutor/conversations", Access: httpx.AnyUser, Handler: h.create},
		httpx.Route{Method: "GET", Path: "/api/v1/tutor/conversations", Access: httpx.AnyUser, Handler: h.list},
		httpx.Route{Method: "GET", Path: "/api/v1/tutor/conversations/{id}", Access: httpx.Owner, Handler: h.get},
		httpx.Route{Method: "DELETE", Path: "/api/v1/tutor/conversations/{id}", Access: httpx.Owner, Handler: h.delete},
		httpx.Route{Method: "GET", Path: "/api/v1/tutor/conversations/{id}/messages", Access: httpx.Owner, Handler: h.messages},
		httpx.Route{Method: "POST", Path: "/api/v1/tutor/conversations/{id}/messages", Access: httpx.Owner, Handler: h.ask,
			Limit: RateGroup, Timeout: httpx.NoTimeout, MaxBody: MaxMessageBody},
		httpx.Route{Method: "GET", Path: "/api/v1/tutor/usage", Access: httpx.AnyUser, Handler: h.usage},
	)
	rt.MapError(ErrNotFound, http.StatusNotFound, "not_found")
	rt.MapError(ErrRefused, http.StatusUnprocessableEntity, "refused")
	rt.MapError(ErrUnavailable, http.StatusServiceUnavailable, "tutor_unavailable")
	rt.MapError(ErrQuota, http.StatusTooManyRequests, "quota_exceeded")
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ContentID string `json:"content_id"`
		SeriesID  string `json:"series_id"`
	}
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	c, _ := httpx.CallerFrom(r.Context())
	conv, err := h.svc.Create(r.Context(), c, NewConversation{ContentID: in.ContentID, SeriesID: in.SeriesID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tutor/conversations/"+conv.ID)
	return httpx.WriteJSON(w, http.StatusCreated, conversationView(conv, nil, ""))
}

type idPos struct {
	ID string `json:"id"`
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	var pos idPos
	if s := r.URL.Query().Get("cursor"); s != "" {
		if err := h.cursors.Decode("tutor-conversations", s, &pos); err != nil {
			return err
		}
	}
	c, _ := httpx.CallerFrom(r.Context())
	cs, more, err := h.svc.List(r.Context(), c.UserID, pos.ID, limit)
	if err != nil {
		return err
	}
	page := httpx.Page[ConversationView]{Items: make([]ConversationView, len(cs))}
	for i, conv := range cs {
		page.Items[i] = conversationView(conv, nil, "")
	}
	if more {
		if page.NextCursor, err = h.cursors.Encode("tutor-conversations", idPos{cs[len(cs)-1].ID}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, page)
}

// latestMessages is how many messages a conversation is shown with.
const latestMessages = 20

func (h *Handlers) get(w http.ResponseWriter, r *http.Request) error {
	c, _ := httpx.CallerFrom(r.Context())
	conv, err := h.svc.Get(r.Context(), c.UserID, r.PathValue("id"))
	if err != nil {
		return err
	}
	ms, more, err := h.svc.Messages(r.Context(), c.UserID, conv.ID, "", latestMessages)
	if err != nil {
		return err
	}
	older := ""
	if more {
		if older, err = h.cursors.Encode("tutor-messages:"+conv.ID, idPos{ms[len(ms)-1].ID}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, conversationView(conv, ms, older))
}

// messages pages older messages, newest first, as the conversation's
// older_cursor starts.
func (h *Handlers) messages(w http.ResponseWriter, r *http.Request) error {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return err
	}
	conv := r.PathValue("id")
	var pos idPos
	if s := r.URL.Query().Get("cursor"); s != "" {
		if err := h.cursors.Decode("tutor-messages:"+conv, s, &pos); err != nil {
			return err
		}
	}
	c, _ := httpx.CallerFrom(r.Context())
	ms, more, err := h.svc.Messages(r.Context(), c.UserID, conv, pos.ID, limit)
	if err != nil {
		return err
	}
	page := httpx.Page[MessageView]{Items: make([]MessageView, len(ms))}
	for i, m := range ms {
		page.Items[i] = messageView(m)
	}
	if more {
		if page.NextCursor, err = h.cursors.Encode("tutor-messages:"+conv, idPos{ms[len(ms)-1].ID}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, page)
}

func (h *Handlers) delete(w http.ResponseWriter, r *http.Request) error {
	c, _ := httpx.CallerFrom(r.Context())
	if err := h.svc.Delete(r.Context(), c.UserID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// QuestionBody is the JSON body of a question.
type QuestionBody struct {
	Text     string   `json:"text"`
	MediaIDs []string `json:"media_ids"`
}

func (h *Handlers) ask(w http.ResponseWriter, r *http.Request) error {
	var in QuestionBody
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, _ := httpx.CallerFrom(r.Context())
	sink := newEventSink(w, h.svc.opts.TotalTimeout+time.Minute)
	err := h.svc.Ask(r.Context(), c, r.PathValue("id"), Question{Text: in.Text, MediaIDs: in.MediaIDs}, sink)
	if err != nil && sink.opened {
		// The stream has started: the error can only be logged, and the
		// client told in the stream's own terms.
		_ = sink.Fail("internal", "the tutor failed while answering; ask again")
		return err
	}
	if qe, ok := quotaOf(err); ok {
		wait := int(qe.ResetAt.Sub(h.svc.opts.Now()).Seconds() + 0.999)
		return &httpx.Error{Status: http.StatusTooManyRequests, Code: "quota_exceeded", Detail: qe.Error(), Err: err,
			Header: http.Header{"Retry-After": {strconv.Itoa(max(1, wait))}}}
	}
	if ue, ok := unavailableOf(err); ok && ue.RetryAfter > 0 {
		return &httpx.Error{Status: http.StatusServiceUnavailable, Code: "tutor_unavailable", Detail: ErrUnavailable.Error(), Err: err,
			Header: http.Header{"Retry-After": {strconv.Itoa(max(1, int(ue.RetryAfter.Seconds()+0.999)))}}}
	}
	return err
}

func (h *Handlers) usage(w http.ResponseWriter, r *http.Request) error {
	c, _ := httpx.CallerFrom(r.Context())
	u, err := h.svc.UsageOf(r.Context(), c.UserID)
	if err != nil {
		return err
	}
	v := UsageBody{Day: u.Day, Tokens: u.Tokens, EstimatedCostUSD: float64(u.CostMicros) / 1e6, ResetAt: u.ResetAt}
	if u.DailyTokens > 0 {
		left := max(u.DailyTokens-u.Tokens, 0)
		v.DailyTokens, v.TokensLeft = &u.DailyTokens, &left
	}
	return httpx.WriteJSON(w, http.StatusOK, v)
}

// UsageBody is the answer of GET /api/v1/tutor/usage.
type UsageBody struct {
	Day              string    `json:"day"`
	Tokens           int64     `json:"tokens"`
	EstimatedCostUSD float64   `json:"estimated_cost_usd"`
	DailyTokens      *int64    `json:"daily_tokens"`
	TokensLeft       *int64    `json:"tokens_left"`
	ResetAt          time.Time `json:"reset_at"`
}
