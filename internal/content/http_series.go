package content

import (
	"net/http"

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
	return httpx.WriteJSON(w, http.StatusCreated, NewSeriesView(sr))
}

func (h *Handlers) getSeries(w http.ResponseWriter, r *http.Request) error {
	sr, err := h.svc.GetSeries(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, NewSeriesView(sr))
}

func (h *Handlers) updateSeries(w http.ResponseWriter, r *http.Request) error {
	var in SeriesInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sr, err := h.svc.UpdateSeries(r.Context(), actor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, NewSeriesView(sr))
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
	return httpx.WriteJSON(w, http.StatusOK, NewSeriesView(sr))
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
		out.Items = append(out.Items, NewSeriesView(sr))
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
