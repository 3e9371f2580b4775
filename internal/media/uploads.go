package media

import (
	"net/http"
	"time"

	"github.com/lyolearn/lyo/internal/httpx"
)

func (h *Handlers) mountUploads(rt *httpx.Router) {
	rt.Handle(
		httpx.Route{Method: "POST", Path: "/api/v1/uploads", Access: httpx.AnyUser, Handler: h.createUpload, Limit: UploadLimit},
		httpx.Route{Method: "GET", Path: "/api/v1/uploads/{id}", Access: httpx.Owner, Handler: h.getUpload},
		httpx.Route{Method: "POST", Path: "/api/v1/uploads/{id}/complete", Access: httpx.Owner, Handler: h.completeUpload,
			Limit: UploadLimit, Timeout: httpx.NoTimeout},
	)
}

// UploadView tells the client where to send a direct upload's bytes.
type UploadView struct {
	ID          string            `json:"id"`
	Size        int64             `json:"size"`
	ContentType string            `json:"content_type"`
	Visibility  Visibility        `json:"visibility"`
	ExpiresAt   time.Time         `json:"expires_at"`
	Method      string            `json:"method,omitempty"`
	URL         string            `json:"url,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	PartSize    int64             `json:"part_size,omitempty"`
	Parts       []PartRequest     `json:"parts,omitempty"`
	CompleteURL string            `json:"complete_url"`
}

func uploadView(d Direct) UploadView {
	u := d.Upload
	v := UploadView{ID: u.ID, Size: u.Size, ContentType: u.ContentType, Visibility: u.Visibility, ExpiresAt: d.Expires,
		Method: d.Method, URL: d.URL, PartSize: u.PartSize, Parts: d.Parts,
		CompleteURL: "/api/v1/uploads/" + u.ID + "/complete"}
	if len(d.Header) > 0 {
		v.Headers = map[string]string{}
		for k := range d.Header {
			v.Headers[k] = d.Header.Get(k)
		}
	}
	return v
}

func (h *Handlers) createUpload(w http.ResponseWriter, r *http.Request) error {
	var in UploadInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := h.svc.CreateUpload(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/uploads/"+d.Upload.ID)
	w.Header().Set("Cache-Control", "private, no-store")
	return httpx.WriteJSON(w, http.StatusCreated, uploadView(d))
}

func (h *Handlers) getUpload(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.ResumeUpload(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return httpx.WriteJSON(w, http.StatusOK, uploadView(d))
}

// CompleteInput lists a multipart upload's parts.
type CompleteInput struct {
	Parts []CompletedPart `json:"parts"`
}

func (h *Handlers) completeUpload(w http.ResponseWriter, r *http.Request) error {
	var in CompleteInput
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	m, created, err := h.svc.CompleteUpload(r.Context(), actor(r), r.PathValue("id"), in.Parts)
	if err != nil {
		return fileErr(err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return h.write(w, r, status, m)
}
