package content

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/cursor"
	"github.com/lyolearn/lyo/internal/httpx"
)

// Handlers serves the catalogue routes.
type Handlers struct {
	svc     *Service
	cursors *cursor.Codec
}

// Mount registers the catalogue's routes and errors. Creating content needs the
// creator role, decided before the body is read; reading needs a signed-in user.
func Mount(rt *httpx.Router, svc *Service, cursors *cursor.Codec) {
	h := &Handlers{svc: svc, cursors: cursors}
	creator := httpx.Role(access.Creator)
	rt.Handle(
		httpx.Route{Method: "POST", Path: "/api/v1/content", Access: creator, Handler: h.create},
		httpx.Route{Method: "GET", Path: "/api/v1/content", Access: httpx.AnyUser, Handler: h.list},
		httpx.Route{Method: "GET", Path: "/api/v1/content/{id}", Access: httpx.AnyUser, Handler: h.get},
		httpx.Route{Method: "PATCH", Path: "/api/v1/content/{id}", Access: httpx.Owner, Handler: h.update},
		httpx.Route{Method: "DELETE", Path: "/api/v1/content/{id}", Access: httpx.Owner, Handler: h.delete},

		httpx.Route{Method: "POST", Path: "/api/v1/series", Access: creator, Handler: h.createSeries},
		httpx.Route{Method: "GET", Path: "/api/v1/series", Access: httpx.AnyUser, Handler: h.listSeries},
		httpx.Route{Method: "GET", Path: "/api/v1/series/{id}", Access: httpx.AnyUser, Handler: h.getSeries},
		httpx.Route{Method: "PATCH", Path: "/api/v1/series/{id}", Access: httpx.Owner, Handler: h.updateSeries},
		httpx.Route{Method: "DELETE", Path: "/api/v1/series/{id}", Access: httpx.Owner, Handler: h.deleteSeries},
		httpx.Route{Method: "PUT", Path: "/api/v1/series/{id}/episodes", Access: httpx.Owner, Handler: h.setEpisodes},
		httpx.Route{Method: "GET", Path: "/api/v1/series/{id}/progress", Access: httpx.AnyUser, Handler: h.progress},

		httpx.Route{Method: "GET", Path: "/api/v1/topics", Access: httpx.Public, Handler: h.topics},
		httpx.Route{Method: "GET", Path: "/api/v1/search", Access: httpx.AnyUser, Handler: h.search},

		httpx.Route{Method: "POST", Path: "/api/v1/creators/{id}/follow", Access: httpx.AnyUser, Handler: h.edge(svc.Follow, http.StatusNoContent)},
		httpx.Route{Method: "DELETE", Path: "/api/v1/creators/{id}/follow", Access: httpx.AnyUser, Handler: h.edge(svc.Unfollow, http.StatusNoContent)},
		httpx.Route{Method: "POST", Path: "/api/v1/creators/{id}/block", Access: httpx.AnyUser, Handler: h.edge(svc.Block, http.StatusNoContent)},
		httpx.Route{Method: "DELETE", Path: "/api/v1/creators/{id}/block", Access: httpx.AnyUser, Handler: h.edge(svc.Unblock, http.StatusNoContent)},
		httpx.Route{Method: "GET", Path: "/api/v1/users/{id}/followers", Access: httpx.AnyUser, Handler: h.follows(false)},
		httpx.Route{Method: "GET", Path: "/api/v1/users/{id}/following", Access: httpx.AnyUser, Handler: h.follows(true)},
	)
	rt.MapError(ErrNotFound, http.StatusNotFound, "not_found")
	rt.MapError(ErrForbidden, http.StatusForbidden, "forbidden")
	rt.MapError(ErrConflict, http.StatusConflict, "conflict")
	rt.MapError(ErrPreconditionFailed, http.StatusPreconditionFailed, "precondition_failed")
}

func actor(r *http.Request) Actor {
	c, _ := httpx.CallerFrom(r.Context())
	return c
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	var in ItemInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	it, err := h.svc.Create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/content/"+it.ID)
	return httpx.WriteResource(w, r, http.StatusCreated, itemTag(it), NewItemView(it, actor(r)))
}

// itemTag is the strong ETag of an item: every write moves its version.
func itemTag(it Item) string {
	return httpx.ETag("item", it.ID, strconv.FormatInt(it.Version, 10))
}

func (h *Handlers) get(w http.ResponseWriter, r *http.Request) error {
	it, err := h.svc.Get(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteResource(w, r, http.StatusOK, itemTag(it), NewItemView(it, actor(r)))
}

// update honours If-Match: the edit is written only while the item is still
// the version the tag names, checked and written atomically by the store.
func (h *Handlers) update(w http.ResponseWriter, r *http.Request) error {
	var in ItemInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	var check func(Item) error
	if httpx.HasIfMatch(r) {
		check = func(it Item) error { return httpx.IfMatch(r, itemTag(it)) }
	}
	it, err := h.svc.Update(r.Context(), actor(r), r.PathValue("id"), in, check)
	if err != nil {
		return err
	}
	return httpx.WriteResource(w, r, http.StatusOK, itemTag(it), NewItemView(it, actor(r)))
}

func (h *Handlers) delete(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Delete(r.Context(), actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type idPos struct {
	ID string `json:"i"`
}

// page reads limit and cursor; the cursor must have been made for list kind.
func (h *Handlers) page(r *http.Request, kind string, pos any) (int, error) {
	limit, err := httpx.QueryLimit(r)
	if err != nil {
		return 0, err
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		if err := h.cursors.Decode(kind, c, pos); err != nil {
			return 0, err
		}
	}
	return limit, nil
}

func (h *Handlers) next(kind string, more bool, pos any) (string, error) {
	if !more {
		return "", nil
	}
	return h.cursors.Encode(kind, pos)
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	var pos idPos
	limit, err := h.page(r, "content", &pos)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	iq := ItemQuery{CreatorID: q.Get("creator"), Topic: q.Get("topic"), Kind: Kind(q.Get("kind")), SeriesID: q.Get("series"), BeforeID: pos.ID, Limit: limit}
	if iq.Kind != "" && !iq.Kind.Valid() {
		return httpx.BadParam("kind", "must be video, image, article, lesson or quiz")
	}
	items, more, err := h.svc.List(r.Context(), actor(r), iq)
	if err != nil {
		return err
	}
	out := httpx.Page[SummaryView]{Items: make([]SummaryView, 0, len(items))}
	for _, it := range items {
		out.Items = append(out.Items, NewSummaryView(it))
	}
	if more {
		if out.NextCursor, err = h.next("content", more, idPos{items[len(items)-1].ID}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

type slugPos struct {
	Slug string `json:"s"`
}

func (h *Handlers) topics(w http.ResponseWriter, r *http.Request) error {
	var pos slugPos
	limit, err := h.page(r, "topics", &pos)
	if err != nil {
		return err
	}
	topics, more, err := h.svc.Topics(r.Context(), pos.Slug, limit)
	if err != nil {
		return err
	}
	out := httpx.Page[TopicView]{Items: make([]TopicView, 0, len(topics))}
	for _, t := range topics {
		out.Items = append(out.Items, TopicView{Slug: t.Slug, Name: t.Name, Parent: t.Parent})
	}
	if more {
		if out.NextCursor, err = h.next("topics", more, slugPos{topics[len(topics)-1].Slug}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

type offsetPos struct {
	Offset int    `json:"o"`
	Query  string `json:"q"`
}

func (h *Handlers) search(w http.ResponseWriter, r *http.Request) error {
	var pos offsetPos
	limit, err := h.page(r, "search", &pos)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	if len(q) > 500 {
		return httpx.BadParam("q", "is longer than 500 characters")
	}
	if len(SearchTerms(q)) == 0 {
		return httpx.BadParam("q", "is required: give at least one word to search for")
	}
	if pos.Query != "" && pos.Query != q {
		return httpx.Errorf(http.StatusBadRequest, "invalid_cursor", "the cursor belongs to another search")
	}
	hits, more, err := h.svc.Search(r.Context(), q, pos.Offset, limit)
	if err != nil {
		return err
	}
	out := httpx.Page[HitView]{Items: make([]HitView, 0, len(hits))}
	for _, hit := range hits {
		out.Items = append(out.Items, HitView{Item: NewSummaryView(hit.Item), Rank: hit.Rank, Snippet: hit.Snippet})
	}
	if out.NextCursor, err = h.next("search", more, offsetPos{Offset: pos.Offset + len(hits), Query: q}); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handlers) edge(do func(ctx context.Context, a Actor, creatorID string) error, status int) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := do(r.Context(), actor(r), r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(status)
		return nil
	}
}

type edgePos struct {
	At time.Time `json:"t"`
	ID string    `json:"i"`
}

func (h *Handlers) follows(following bool) httpx.HandlerFunc {
	kind := "followers"
	if following {
		kind = "following"
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		var pos edgePos
		limit, err := h.page(r, kind, &pos)
		if err != nil {
			return err
		}
		q := EdgeQuery{AfterAt: pos.At, AfterID: pos.ID, Limit: limit}
		if following {
			q.UserID = r.PathValue("id")
		} else {
			q.CreatorID = r.PathValue("id")
		}
		var edges []Edge
		var more bool
		if following {
			edges, more, err = h.svc.Following(r.Context(), actor(r), q)
		} else {
			edges, more, err = h.svc.Edges(r.Context(), q)
		}
		if err != nil {
			return err
		}
		out := httpx.Page[EdgeView]{Items: make([]EdgeView, 0, len(edges))}
		for _, e := range edges {
			out.Items = append(out.Items, EdgeView{UserID: e.UserID, CreatorID: e.CreatorID, Since: e.CreatedAt.UTC()})
		}
		if more {
			last := edges[len(edges)-1]
			other := last.CreatorID
			if !following {
				other = last.UserID
			}
			if out.NextCursor, err = h.next(kind, more, edgePos{last.CreatedAt, other}); err != nil {
				return err
			}
		}
		return httpx.WriteJSON(w, http.StatusOK, out)
	}
}
