package content

import (
	"net/http"
	"strconv"

	"github.com/lyolearn/lyo/internal/httpx"
)

func (h *Handlers) createSeries(w http.ResponseWriter, r *http.Request) error {
	var in SeriesInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sr, err := h.svc.CreateSeries(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/series/"+sr.ID)
	return httpx.WriteResource(w, r, http.StatusCreated, seriesTag(sr), NewSeriesView(sr, actor(r)))
}

// seriesTag is the strong ETag of a series: its own version and its episodes'
// (whose order, status and edits change what the series shows).
func seriesTag(sr Series) string {
	parts := make([]string, 0, 3+2*len(sr.Episodes))
	parts = append(parts, "series", sr.ID, strconv.FormatInt(sr.Version, 10))
	for _, e := range sr.Episodes {
		parts = append(parts, e.ItemID, strconv.FormatInt(e.Version, 10))
	}
	return httpx.ETag(parts...)
}

func (h *Handlers) getSeries(w http.ResponseWriter, r *http.Request) error {
	sr, err := h.svc.GetSeries(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteResource(w, r, http.StatusOK, seriesTag(sr), NewSeriesView(sr, actor(r)))
}

// updateSeries honours If-Match as update does for items.
func (h *Handlers) updateSeries(w http.ResponseWriter, r *http.Request) error {
	var in SeriesInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	var check func(Series) error
	if httpx.HasIfMatch(r) {
		check = func(sr Series) error { return httpx.IfMatch(r, seriesTag(sr)) }
	}
	sr, err := h.svc.UpdateSeries(r.Context(), actor(r), r.PathValue("id"), in, check)
	if err != nil {
		return err
	}
	return httpx.WriteResource(w, r, http.StatusOK, seriesTag(sr), NewSeriesView(sr, actor(r)))
}

func (h *Handlers) deleteSeries(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.DeleteSeries(r.Context(), actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handlers) setEpisodes(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ItemIDs []string `json:"item_ids"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.ItemIDs == nil {
		return httpx.Invalid(httpx.FieldError{Field: "item_ids", Message: "is required (an empty list clears the series)"})
	}
	sr, err := h.svc.SetEpisodes(r.Context(), actor(r), r.PathValue("id"), in.ItemIDs)
	if err != nil {
		return err
	}
	return httpx.WriteResource(w, r, http.StatusOK, seriesTag(sr), NewSeriesView(sr, actor(r)))
}

func (h *Handlers) listSeries(w http.ResponseWriter, r *http.Request) error {
	var pos idPos
	limit, err := h.page(r, "series", &pos)
	if err != nil {
		return err
	}
	list, more, err := h.svc.ListSeries(r.Context(), actor(r), r.URL.Query().Get("creator"), pos.ID, limit)
	if err != nil {
		return err
	}
	out := httpx.Page[SeriesView]{Items: make([]SeriesView, 0, len(list))}
	for _, sr := range list {
		out.Items = append(out.Items, NewSeriesView(sr, actor(r)))
	}
	if more {
		if out.NextCursor, err = h.next("series", more, idPos{list[len(list)-1].ID}); err != nil {
			return err
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handlers) progress(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.Progress(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, p)
}
