package blobtest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

// past signs requests two hours ago, so one that lives an hour has expired.
func past() time.Time { return time.Now().Add(-2 * time.Hour) }

func (s suite) presignedPut(t *testing.T) {
	st := s.store(t)
	body := []byte("\x89PNG\r\n\x1a\n a picture, supposedly")
	size := int64(len(body))
	req, err := st.PresignPut(ctx(t), "up/photo.png", blob.PresignOptions{Expires: time.Hour, ContentType: "image/png", Size: size})
	must(t, err, "presign put")
	if req.Method != http.MethodPut || req.Header.Get("Content-Type") != "image/png" || time.Until(req.Expires) < 59*time.Minute {
		t.Errorf("presigned %+v", req)
	}

	refused(t, "another content type", s.send(t, req, body, func(r *http.Request) { r.Header.Set("Content-Type", "text/html") }))
	refused(t, "a longer body", s.send(t, req, append(body, '!'), nil))
	refused(t, "a shorter body", s.send(t, req, body[:size-1], nil))
	other, err := st.PresignPut(ctx(t), "up/photo.png", blob.PresignOptions{Expires: time.Hour, ContentType: "image/png", Size: size})
	must(t, err, "presign")
	refused(t, "the URL used for another key", s.send(t, blob.Request{Method: http.MethodPut, Header: req.Header,
		URL: strings.Replace(other.URL, "up/photo.png", "up/other.png", 1)}, body, nil))
	absent(t, st, "up/photo.png")
	absent(t, st, "up/other.png")

	old := s.h.New(t, past)
	oldReq, err := old.PresignPut(ctx(t), "up/photo.png", blob.PresignOptions{Expires: time.Hour, ContentType: "image/png", Size: size})
	must(t, err, "presign in the past")
	refused(t, "an expired URL", s.send(t, oldReq, body, nil))
	absent(t, old, "up/photo.png")

	accepted(t, "the signed PUT", s.send(t, req, body, nil))
	h, err := st.Head(ctx(t), "up/photo.png")
	must(t, err, "head")
	if h.ContentType != "image/png" || h.Size != size {
		t.Errorf("stored %+v", h)
	}
	holds(t, st, "up/photo.png", string(body))

	_, err = st.PresignPut(ctx(t), "up/x", blob.PresignOptions{Expires: 0})
	wantKind(t, "no expiry", err, blob.ErrInvalid)
	_, err = st.PresignPut(ctx(t), "up/x", blob.PresignOptions{Expires: blob.MaxPresignExpiry + time.Second})
	wantKind(t, "expiry too far", err, blob.ErrInvalid)
}

func (s suite) presignedGet(t *testing.T) {
	st := s.store(t)
	body := "0123456789 the content of a private photo"
	put(t, st, "get/photo.jpg", body, "image/jpeg")
	req, err := st.PresignGet(ctx(t), "get/photo.jpg", blob.PresignOptions{Expires: time.Minute})
	must(t, err, "presign get")
	resp := s.send(t, req, nil, nil)
	accepted(t, "signed GET", resp)
	if b, _ := io.ReadAll(resp.Body); string(b) != body || resp.Header.Get("Content-Type") != "image/jpeg" || resp.Header.Get("ETag") == "" {
		t.Errorf("signed GET answered %q, %v", b, resp.Header)
	}
	resp = s.send(t, req, nil, func(r *http.Request) { r.Header.Set("Range", "bytes=2-5") })
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusPartialContent || string(b) != "2345" ||
		resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 2-5/%d", len(body)) {
		t.Errorf("ranged GET: %d %q %v", resp.StatusCode, b, resp.Header)
	}

	expired := s.h.New(t, past)
	put(t, expired, "get/photo.jpg", body, "image/jpeg")
	req, err = expired.PresignGet(ctx(t), "get/photo.jpg", blob.PresignOptions{Expires: time.Hour})
	must(t, err, "presign in the past")
	resp = s.send(t, req, nil, nil)
	refused(t, "an expired GET of an object that exists", resp)
	if b, _ := io.ReadAll(resp.Body); strings.Contains(string(b), body) {
		t.Error("an expired GET answered the content")
	}
}

func (s suite) presignedPost(t *testing.T) {
	st := s.store(t)
	opts := blob.PostOptions{Expires: time.Hour, ContentType: "image/jpeg", MinSize: 4, MaxSize: 64}
	form, err := st.PresignPost(ctx(t), "post/photo.jpg", opts)
	must(t, err, "presign post")
	if !strings.HasSuffix(form.Fields["key"], "post/photo.jpg") || form.URL == "" { // S3 adds its prefix
		t.Errorf("form %+v", form)
	}
	with := func(k, v string) map[string]string {
		f := map[string]string{}
		for name, val := range form.Fields {
			f[name] = val
		}
		f[k] = v
		return f
	}
	file := []byte("\xff\xd8\xff a small jpeg")
	refused(t, "another content type", s.postForm(t, form, with("Content-Type", "text/html"), file))
	refused(t, "a file over the maximum", s.postForm(t, form, form.Fields, []byte(fill('x', 65))))
	refused(t, "a file under the minimum", s.postForm(t, form, form.Fields, []byte("abc")))
	refused(t, "another key", s.postForm(t, form, with("key", "post/other.jpg"), file))
	absent(t, st, "post/photo.jpg")
	absent(t, st, "post/other.jpg")

	old := s.h.New(t, past)
	oldForm, err := old.PresignPost(ctx(t), "post/photo.jpg", opts)
	must(t, err, "presign post in the past")
	refused(t, "an expired policy", s.postForm(t, oldForm, oldForm.Fields, file))
	absent(t, old, "post/photo.jpg")

	accepted(t, "the signed form", s.postForm(t, form, form.Fields, file))
	h, err := st.Head(ctx(t), "post/photo.jpg")
	must(t, err, "head")
	if h.ContentType != "image/jpeg" || h.Size != int64(len(file)) {
		t.Errorf("stored %+v", h)
	}
	holds(t, st, "post/photo.jpg", string(file))

	_, err = st.PresignPost(ctx(t), "post/x", blob.PostOptions{Expires: time.Hour})
	wantKind(t, "no maximum", err, blob.ErrInvalid)
}
