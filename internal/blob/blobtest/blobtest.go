// Package blobtest is the contract every blob.Store keeps: one suite that runs
// against local disk and against a real S3-compatible server, so the two
// providers cannot drift apart. Presigned requests are sent over HTTP to the
// server that signed them (Lyo's signed.Handler for local disk, the S3 server
// for S3), so refusals are the server's, not the client's.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

// Harness makes the stores the suite runs against.
type Harness struct {
	// New returns an empty store of its own. Presigned requests it makes are
	// signed at now(), so the suite can sign in the past to test expiry.
	New func(t *testing.T, now func() time.Time) blob.Store
	// Client sends presigned requests; http.DefaultClient when nil.
	Client *http.Client
}

// Run runs the whole contract.
func Run(t *testing.T, h Harness) {
	if h.Client == nil {
		h.Client = http.DefaultClient
	}
	s := suite{h}
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"PutGetHead", s.putGetHead},
		{"Ranges", s.ranges},
		{"CopyAndDelete", s.copyAndDelete},
		{"NotFound", s.notFound},
		{"ListPages", s.listPages},
		{"PutLimits", s.putLimits},
		{"PutLargeOfUnknownSize", s.putLarge},
		{"OverwriteIsAtomic", s.overwriteIsAtomic},
		{"KeysRefused", s.keysRefused},
		{"PresignedPut", s.presignedPut},
		{"PresignedGet", s.presignedGet},
		{"PresignedPost", s.presignedPost},
		{"Multipart", s.multipart},
		{"MultipartResume", s.multipartResume},
		{"MultipartRefusals", s.multipartRefusals},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t)
		})
	}
}

type suite struct{ h Harness }

func (s suite) store(t *testing.T) blob.Store { return s.h.New(t, time.Now) }

func ctx(t *testing.T) context.Context { return t.Context() }

func put(t *testing.T, st blob.Store, key, body, ctype string) blob.Info {
	t.Helper()
	info, err := st.Put(ctx(t), key, strings.NewReader(body), blob.PutOptions{ContentType: ctype})
	if err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
	return info
}

func read(t *testing.T, st blob.Store, key string, opts blob.GetOptions) (*blob.Object, string) {
	t.Helper()
	obj, err := st.Get(ctx(t), key, opts)
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	defer obj.Body.Close()
	b, err := io.ReadAll(obj.Body)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return obj, string(b)
}

// absent fails unless key holds nothing.
func absent(t *testing.T, st blob.Store, key string) {
	t.Helper()
	if info, err := st.Head(ctx(t), key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("%q: head = %+v, %v; want ErrNotFound", key, info, err)
	}
}

// holds fails unless key holds exactly body.
func holds(t *testing.T, st blob.Store, key, body string) {
	t.Helper()
	if _, got := read(t, st, key, blob.GetOptions{}); got != body {
		t.Errorf("%q holds %d bytes %.20q…, want %d bytes %.20q…", key, len(got), got, len(body), body)
	}
}

func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Errorf("%s: err = %v, want %v", what, err, kind)
	}
}

// send sends a presigned request with body; edit may change it first.
func (s suite) send(t *testing.T, req blob.Request, body []byte, edit func(*http.Request)) *http.Response {
	t.Helper()
	r, err := http.NewRequestWithContext(ctx(t), req.Method, req.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		r.Body, r.ContentLength = nil, 0
	}
	for k, v := range req.Header {
		r.Header[k] = slices.Clone(v)
	}
	if edit != nil {
		edit(r)
	}
	resp, err := s.h.Client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// refused fails unless the server answered a 4xx.
func refused(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if resp.StatusCode < 400 || resp.StatusCode > 499 {
		b, _ := io.ReadAll(resp.Body)
		t.Errorf("%s: status %d, want a 4xx refusal: %.300s", what, resp.StatusCode, b)
	}
}

func accepted(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: status %d, want 2xx: %.300s", what, resp.StatusCode, b)
	}
}

// postForm sends an HTML-form upload: the fields, then the file, last.
func (s suite) postForm(t *testing.T, form blob.Form, fields map[string]string, file []byte) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if err := mw.WriteField(k, fields[k]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "upload.bin")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	return s.send(t, blob.Request{Method: http.MethodPost, URL: form.URL,
		Header: http.Header{"Content-Type": {mw.FormDataContentType()}}}, buf.Bytes(), nil)
}

func fill(c byte, n int) string { return strings.Repeat(string(c), n) }

func must(t *testing.T, err error, format string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}
