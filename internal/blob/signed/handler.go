package signed

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

// Handler serves signed URLs made by Keys on a blob.Store: the route a local
// provider's presigned requests point at. Mount it under the store's URLBase
// with a {key...} wildcard and call Serve with the key.
type Handler struct {
	Store blob.Store
	Keys  *Keys
	Scope string           // as given to Keys.Sign
	Now   func() time.Time // time.Now when nil
}

// maxFields bounds the form fields a POST may send before its file.
const maxFields = 64 << 10

// Serve checks r's signature for key and carries out what it allows. It writes
// the response when it succeeds; otherwise it has written nothing and returns a
// blob kind for the route to answer (ErrDenied for anything the signature does
// not allow, ErrTooLarge, ErrMismatch, ErrNotFound, …).
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	c, err := h.Keys.Verify(h.Scope, key, r.URL.Query(), now())
	if err != nil {
		return err
	}
	switch {
	case c.Op == OpGet && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		return h.get(w, r, c, now())
	case c.Op == OpPut && r.Method == http.MethodPut:
		return h.put(w, r, c)
	case c.Op == OpPart && r.Method == http.MethodPut:
		return h.part(w, r, c)
	case c.Op == OpPost && r.Method == http.MethodPost:
		return h.post(w, r, c)
	}
	return fmt.Errorf("%w: the URL is signed for %s, not %s", blob.ErrDenied, c.Op, r.Method)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, c Claims, now time.Time) error {
	obj, err := h.Store.Get(r.Context(), c.Key, blob.GetOptions{})
	if err != nil {
		return err
	}
	defer obj.Body.Close()
	hdr := w.Header()
	hdr.Set("Content-Type", obj.ContentType)
	hdr.Set("ETag", obj.ETag)
	// The URL is a capability for one person until it expires: no shared
	// cache may keep the answer, and the browser only as long as the URL lives.
	hdr.Set("Cache-Control", "private, max-age="+strconv.Itoa(int(c.Expires.Sub(now)/time.Second)))
	if rs, ok := obj.Body.(io.ReadSeeker); ok {
		// Ranges, If-None-Match, If-Range and HEAD, as the HTTP RFCs have them.
		http.ServeContent(w, r, "", obj.Modified, rs)
		return nil
	}
	hdr.Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(w, obj.Body)
	return err
}

// checkLength refuses a body whose length is not the signed one. A PUT must
// declare its length when one was signed: a chunked body could be any length.
func checkLength(r *http.Request, c Claims) error {
	if c.Size > 0 && r.ContentLength != c.Size {
		return fmt.Errorf("%w: Content-Length %d, signed %d", blob.ErrDenied, r.ContentLength, c.Size)
	}
	return nil
}

func (h *Handler) put(w http.ResponseWriter, r *http.Request, c Claims) error {
	if ct := r.Header.Get("Content-Type"); ct != c.ContentType {
		return fmt.Errorf("%w: Content-Type %q, signed %q", blob.ErrDenied, ct, c.ContentType)
	}
	if err := checkLength(r, c); err != nil {
		return err
	}
	info, err := h.Store.Put(r.Context(), c.Key, r.Body, blob.PutOptions{ContentType: c.ContentType, Size: c.Size})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", info.ETag)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (h *Handler) part(w http.ResponseWriter, r *http.Request, c Claims) error {
	if err := checkLength(r, c); err != nil {
		return err
	}
	size := c.Size
	if size == 0 {
		size = r.ContentLength // a part's length is always declared: -1 is refused below
	}
	p, err := h.Store.UploadPart(r.Context(), c.Key, c.UploadID, c.Part, r.Body, size)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", p.ETag)
	w.WriteHeader(http.StatusOK)
	return nil
}

// post takes an HTML form as S3 does: fields first, the file last, the key and
// Content-Type fields equal to the signed ones, the file's length within the
// signed range. The file streams into the store; one that breaks the range is
// never stored.
func (h *Handler) post(w http.ResponseWriter, r *http.Request, c Claims) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return fmt.Errorf("%w: not a multipart form: %v", blob.ErrDenied, err)
	}
	fields := map[string]string{}
	budget := int64(maxFields)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: the form has no file", blob.ErrDenied)
		}
		if err != nil {
			return fmt.Errorf("%w: malformed form: %v", blob.ErrDenied, err)
		}
		name := part.FormName()
		if name != "file" {
			b, err := io.ReadAll(io.LimitReader(part, budget+1))
			budget -= int64(len(b))
			if err != nil || budget < 0 {
				return fmt.Errorf("%w: form fields too long or unreadable", blob.ErrDenied)
			}
			fields[name] = string(b)
			continue
		}
		if fields["key"] != c.Key {
			return fmt.Errorf("%w: the form's key is not the signed one", blob.ErrDenied)
		}
		if fields["Content-Type"] != c.ContentType {
			return fmt.Errorf("%w: the form's Content-Type %q is not the signed %q", blob.ErrDenied, fields["Content-Type"], c.ContentType)
		}
		if _, _, err := mime.ParseMediaType(c.ContentType); c.ContentType != "" && err != nil {
			return fmt.Errorf("%w: signed Content-Type is malformed", blob.ErrDenied)
		}
		body := &atLeast{r: part, min: c.MinSize}
		info, err := h.Store.Put(r.Context(), c.Key, body, blob.PutOptions{ContentType: c.ContentType, MaxSize: c.MaxSize})
		if err != nil {
			return err
		}
		w.Header().Set("ETag", info.ETag)
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// atLeast ends a body with ErrDenied instead of io.EOF when it was shorter than
// min, so the store discards it.
type atLeast struct {
	r   io.Reader
	n   int64
	min int64
}

func (a *atLeast) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	a.n += int64(n)
	if errors.Is(err, io.EOF) && a.n < a.min {
		return n, fmt.Errorf("%w: the file has %d bytes, the policy wants at least %d", blob.ErrDenied, a.n, a.min)
	}
	return n, err
}
