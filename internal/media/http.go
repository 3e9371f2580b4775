package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/signed"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/httpx"
)

// UploadLimit is the rate-limit group of the upload routes: uploads are
// limited apart from other writes, so a client sending photos does not use up
// its writes, nor the reverse.
const UploadLimit = "uploads"

// ObjectsPath is where Lyo serves the signed requests of its local storage
// providers: ObjectsPath/{provider}/{key...}.
const ObjectsPath = "/api/v1/storage/objects"

// multipartSlack is what a multipart body carries beside its file: boundaries,
// part headers, small fields.
const multipartSlack = 1 << 20

// maxBatch is the most files one batch upload takes.
const maxBatch = 20

// Handlers serves the media routes.
type Handlers struct {
	svc     *Service
	rt      *httpx.Router
	objects func(provider string) (*signed.Handler, bool)
}

// Mount registers the media routes and errors. objects finds the handler of a
// local provider's signed URLs (nil when there is none).
func Mount(rt *httpx.Router, svc *Service, objects func(provider string) (*signed.Handler, bool)) {
	h := &Handlers{svc: svc, rt: rt, objects: objects}
	body := svc.MaxUploadBytes() + multipartSlack
	rt.Handle(
		httpx.Route{Method: "POST", Path: "/api/v1/storage/upload", Access: httpx.AnyUser, Handler: h.upload,
			MaxBody: body, Timeout: httpx.NoTimeout, Limit: UploadLimit},
		httpx.Route{Method: "POST", Path: "/api/v1/storage/batch-upload", Access: httpx.AnyUser, Handler: h.batch,
			MaxBody: body, Timeout: httpx.NoTimeout, Limit: UploadLimit},
		httpx.Route{Method: "GET", Path: "/api/v1/media/{id}", Access: httpx.Optional, Handler: h.get},
		httpx.Route{Method: "DELETE", Path: "/api/v1/media/{id}", Access: httpx.Owner, Handler: h.delete},
		httpx.Route{Method: "POST", Path: "/api/v1/storage/optimize/{id}", Access: httpx.Owner, Handler: h.optimize},
		httpx.Route{Method: "POST", Path: "/api/v1/storage/optimize", Access: httpx.Owner, Handler: h.optimizeOld},
		httpx.Route{Method: "GET", Path: FilesPath + "/{id}/{name}", Access: httpx.Public, Handler: h.file},
		httpx.Route{Method: "GET", Path: ObjectsPath + "/{provider}/{key...}", Access: httpx.Public, Handler: h.object},
		httpx.Route{Method: "PUT", Path: ObjectsPath + "/{provider}/{key...}", Access: httpx.Public, Handler: h.object,
			MaxBody: max(svc.MaxUploadBytes(), blob.MaxPartSize), Timeout: httpx.NoTimeout, Limit: UploadLimit},
		httpx.Route{Method: "POST", Path: ObjectsPath + "/{provider}/{key...}", Access: httpx.Public, Handler: h.object,
			MaxBody: body, Timeout: httpx.NoTimeout, Limit: UploadLimit},
	)
	h.mountUploads(rt)
	rt.MapError(ErrNotFound, http.StatusNotFound, "not_found")
	rt.MapError(ErrForbidden, http.StatusForbidden, "forbidden")
	rt.MapError(ErrUnsupported, http.StatusUnsupportedMediaType, "unsupported_media_type")
	rt.MapError(ErrUnprocessable, http.StatusUnprocessableEntity, "unprocessable_media")
	rt.MapError(ErrTooLarge, http.StatusRequestEntityTooLarge, "file_too_large")
	rt.MapError(ErrQuota, http.StatusRequestEntityTooLarge, "quota_exceeded")
	rt.MapError(ErrConflict, http.StatusConflict, "conflict")
	rt.MapError(ErrIncomplete, http.StatusBadRequest, "incomplete_upload")
	rt.MapError(ErrUnavailable, http.StatusServiceUnavailable, "storage_unavailable")
	rt.MapError(ErrStorage, http.StatusServiceUnavailable, "storage_failed")
	// Blob kinds are not mapped on the shared router: a kind from a request
	// Lyo made is the server's (storageErr), and one from a signed request the
	// client sent is answered by object, below.
}

// signedErrors answer what a signed storage request may fail with (blob's
// kinds, as blob/signed returns them): there the request is the client's own.
var signedErrors = []struct {
	kind   error
	status int
	code   string
}{
	{blob.ErrNotFound, http.StatusNotFound, "not_found"},
	{blob.ErrPreconditionFailed, http.StatusPreconditionFailed, "precondition_failed"},
	{blob.ErrInvalidKey, http.StatusBadRequest, "invalid_key"},
	{blob.ErrInvalidRange, http.StatusRequestedRangeNotSatisfiable, "range_not_satisfiable"},
	{blob.ErrTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"},
	{blob.ErrMismatch, http.StatusBadRequest, "body_mismatch"},
	{blob.ErrInvalidPart, http.StatusBadRequest, "invalid_part"},
	{blob.ErrInvalid, http.StatusBadRequest, "invalid_request"},
	{blob.ErrUnavailable, http.StatusServiceUnavailable, "storage_unavailable"},
}

func actor(r *http.Request) Actor {
	c, _ := httpx.CallerFrom(r.Context())
	return c
}

// multipartOf opens the request's multipart body.
func multipartOf(r *http.Request) (*multipart.Reader, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, httpx.Errorf(http.StatusBadRequest, "invalid_multipart",
			"send multipart/form-data with the file in a field named file")
	}
	return mr, nil
}

// multipartError is a failure to read the multipart body itself.
type multipartError struct{ err error }

func (e *multipartError) Error() string { return "read multipart body: " + e.err.Error() }
func (e *multipartError) Unwrap() error { return e.err }

func partErr(err error) error { return &multipartError{err} }

// multipartErr answers a multipart body that cannot be read: what the router
// makes of its cause when that is the client's doing (a body over its limit,
// too slow, cut off by a client gone), else a 400.
func (h *Handlers) multipartErr(err error) error {
	var me *multipartError
	if !errors.As(err, &me) {
		return err
	}
	if status, _ := h.rt.Outcome(me.err); status != http.StatusInternalServerError {
		return err
	}
	return &httpx.Error{Status: http.StatusBadRequest, Code: "invalid_multipart",
		Detail: "the multipart body is malformed: send multipart/form-data with the file in a field named file", Err: err}
}

// form walks a multipart upload: small text fields (visibility) before each
// file, then the file, streamed to fn. It answers how many files it saw.
func form(mr *multipart.Reader, limit int, fn func(part *multipart.Part, vis Visibility) error) (int, error) {
	vis := Private
	files := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return files, partErr(err)
		}
		switch part.FormName() {
		case "file":
			if files == limit {
				return files, httpx.Errorf(http.StatusBadRequest, "too_many_files", "send at most %d files at once", limit)
			}
			files++
			if err := fn(part, vis); err != nil {
				return files, err
			}
		case "visibility":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return files, partErr(err)
			}
			if vis, err = ParseVisibility(strings.TrimSpace(string(b))); err != nil {
				return files, err
			}
		default:
			// Unknown fields are skipped, within the body's limit.
			if _, err := io.Copy(io.Discard, io.LimitReader(part, multipartSlack)); err != nil {
				return files, partErr(err)
			}
		}
	}
}

func (h *Handlers) upload(w http.ResponseWriter, r *http.Request) error {
	mr, err := multipartOf(r)
	if err != nil {
		return err
	}
	var m Media
	n, err := form(mr, 1, func(part *multipart.Part, vis Visibility) error {
		m, err = h.svc.Upload(r.Context(), actor(r), part, vis)
		return err
	})
	if err != nil {
		if m.ID != "" {
			// The file is stored; what came after it is what was wrong.
			_ = h.svc.remove(context.WithoutCancel(r.Context()), m.ID)
		}
		return h.multipartErr(fileErr(err))
	}
	if n == 0 {
		return fault.Invalidf("file", "required: send the file in a multipart field named file")
	}
	return h.write(w, r, http.StatusCreated, m)
}

func (h *Handlers) write(w http.ResponseWriter, r *http.Request, status int, m Media) error {
	v, err := h.svc.View(r.Context(), m)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/media/"+m.ID)
	}
	// A private media's URLs expire: no cache may keep the answer.
	w.Header().Set("Cache-Control", "private, no-store")
	return httpx.WriteJSON(w, status, v)
}

// BatchResult is the outcome of one file of a batch: the media, or the error
// it would have answered alone.
type BatchResult struct {
	Index  int    `json:"index"`
	Status int    `json:"status"`
	Media  *View  `json:"media,omitempty"`
	Code   string `json:"code,omitempty"`
	Detail string `json:"detail,omitempty"`
}

func (h *Handlers) batch(w http.ResponseWriter, r *http.Request) error {
	mr, err := multipartOf(r)
	if err != nil {
		return err
	}
	items := []BatchResult{}
	_, err = form(mr, maxBatch, func(part *multipart.Part, vis Visibility) error {
		res := BatchResult{Index: len(items), Status: http.StatusCreated}
		m, err := h.svc.Upload(r.Context(), actor(r), part, vis)
		if err == nil {
			var v View
			if v, err = h.svc.View(r.Context(), m); err == nil {
				res.Media = &v
			} else {
				_ = h.svc.remove(context.WithoutCancel(r.Context()), m.ID) // stored, but the client cannot be told how to reach it
			}
		}
		if err != nil {
			p := h.rt.Problem(err)
			if p.Status >= 500 || p.Status == 499 {
				return err // the request as a whole fails; nothing more is read
			}
			res.Status, res.Code, res.Detail = p.Status, p.Code, p.Detail
			// The rest of a refused file is skipped; the next file follows.
			if _, derr := io.Copy(io.Discard, part); derr != nil {
				return partErr(derr)
			}
		}
		items = append(items, res)
		return nil
	})
	if err != nil {
		// The answer is an error: the files stored before it would be media
		// the client never learns of, counted against its quota.
		for _, it := range items {
			if it.Media != nil {
				_ = h.svc.remove(context.WithoutCancel(r.Context()), it.Media.ID)
			}
		}
		return h.multipartErr(err)
	}
	if len(items) == 0 {
		return fault.Invalidf("file", "required: send each file in a multipart field named file")
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
}

// fileErr gives a 422 about the file the field it concerns, as every 422 does.
func fileErr(err error) error {
	var fe *fault.Error
	if errors.Is(err, ErrUnprocessable) && errors.As(err, &fe) {
		return &httpx.Error{Status: http.StatusUnprocessableEntity, Code: fe.Code, Detail: fe.Message,
			Fields: []httpx.FieldError{{Field: "file", Message: fe.Message}}, Err: err}
	}
	return err
}

func (h *Handlers) get(w http.ResponseWriter, r *http.Request) error {
	m, err := h.svc.Get(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.write(w, r, http.StatusOK, m)
}

func (h *Handlers) delete(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.Delete(r.Context(), actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// OptimizeInput chooses the presets of a new processing run.
type OptimizeInput struct {
	MediaID string   `json:"media_id"`
	Presets []string `json:"presets"`
}

func (h *Handlers) optimize(w http.ResponseWriter, r *http.Request) error {
	var in OptimizeInput
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	return h.runOptimize(w, r, r.PathValue("id"), in.Presets)
}

// optimizeOld is the old product's route: the media id in the body.
func (h *Handlers) optimizeOld(w http.ResponseWriter, r *http.Request) error {
	var in OptimizeInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.MediaID == "" {
		return fault.Invalidf("media_id", "required")
	}
	return h.runOptimize(w, r, in.MediaID, in.Presets)
}

func (h *Handlers) runOptimize(w http.ResponseWriter, r *http.Request, id string, presets []string) error {
	m, err := h.svc.Optimize(r.Context(), actor(r), id, presets)
	if err != nil {
		return err
	}
	return h.write(w, r, http.StatusAccepted, m)
}

// file serves a public media object from Lyo itself, for providers without a
// CDN: ranges, ETags and conditional requests, cached for good.
func (h *Handlers) file(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("id") + "/" + r.PathValue("name")
	info, body, err := h.svc.OpenPublic(r.Context(), key)
	if err != nil {
		return err
	}
	defer body.Close()
	hdr := w.Header()
	hdr.Set("Content-Type", info.ContentType)
	hdr.Set("ETag", info.ETag)
	hdr.Set("Cache-Control", ImmutableCacheControl)
	// Ranges, If-None-Match, If-Range and HEAD, as the HTTP RFCs have them.
	http.ServeContent(w, r, "", info.Modified, body)
	return nil
}

// object serves a signed request of a local provider.
func (h *Handlers) object(w http.ResponseWriter, r *http.Request) error {
	if h.objects == nil {
		return ErrNotFound
	}
	sh, ok := h.objects(r.PathValue("provider"))
	if !ok {
		return fmt.Errorf("provider %q serves no signed URLs: %w", r.PathValue("provider"), blob.ErrNotFound)
	}
	err := sh.Serve(w, r, r.PathValue("key"))
	if errors.Is(err, blob.ErrDenied) {
		// Why a signed request is refused is the requester's to know: an
		// expired URL, another content type or length than the one signed.
		_, why, _ := strings.Cut(err.Error(), blob.ErrDenied.Error()+": ")
		return &httpx.Error{Status: http.StatusForbidden, Code: "signature_denied", Detail: "the signed URL does not allow this request: " + why, Err: err}
	}
	for _, m := range signedErrors {
		if errors.Is(err, m.kind) {
			return &httpx.Error{Status: m.status, Code: m.code, Detail: m.kind.Error(), Err: err}
		}
	}
	return err
}
