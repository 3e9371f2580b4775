package blobtest

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

func (s suite) multipart(t *testing.T) {
	st := s.store(t)
	first, second := fill('1', blob.MinPartSize), "and the rest"
	id, err := st.CreateMultipart(ctx(t), "mp/video.mp4", blob.PutOptions{ContentType: "video/mp4"})
	must(t, err, "create")
	p1, err := st.UploadPart(ctx(t), "mp/video.mp4", id, 1, strings.NewReader(first), int64(len(first)))
	must(t, err, "part 1")
	if p1.Number != 1 || p1.ETag == "" || p1.Size != int64(len(first)) {
		t.Errorf("part 1 answered %+v", p1)
	}
	// Part 2 from a client, through its presigned URL.
	req, err := st.PresignPart(ctx(t), "mp/video.mp4", id, 2, blob.PresignOptions{Expires: time.Hour, Size: int64(len(second))})
	must(t, err, "presign part 2")
	refused(t, "a part of another length", s.send(t, req, []byte(second+"!"), nil))
	resp := s.send(t, req, []byte(second), nil)
	accepted(t, "part 2", resp)
	etag2 := resp.Header.Get("ETag")
	if etag2 == "" {
		t.Fatal("part PUT answered no ETag")
	}
	absent(t, st, "mp/video.mp4") // nothing before completion

	info, err := st.CompleteMultipart(ctx(t), "mp/video.mp4", id, []blob.Part{p1, {Number: 2, ETag: etag2}})
	must(t, err, "complete")
	if info.Size != int64(len(first)+len(second)) || info.ETag == "" {
		t.Errorf("complete answered %+v", info)
	}
	h, err := st.Head(ctx(t), "mp/video.mp4")
	must(t, err, "head")
	if h.ContentType != "video/mp4" || h.Size != info.Size {
		t.Errorf("completed object %+v", h)
	}
	holds(t, st, "mp/video.mp4", first+second)
	_, err = st.ListParts(ctx(t), "mp/video.mp4", id)
	wantKind(t, "parts of a completed upload", err, blob.ErrNotFound)

	// Aborting discards the parts; nothing appears under the key.
	id, err = st.CreateMultipart(ctx(t), "mp/aborted.mp4", blob.PutOptions{})
	must(t, err, "create")
	doomed, err := st.UploadPart(ctx(t), "mp/aborted.mp4", id, 1, strings.NewReader("doomed"), 6)
	must(t, err, "part")
	must(t, st.AbortMultipart(ctx(t), "mp/aborted.mp4", id), "abort")
	_, err = st.ListParts(ctx(t), "mp/aborted.mp4", id)
	wantKind(t, "parts of an aborted upload", err, blob.ErrNotFound)
	_, err = st.CompleteMultipart(ctx(t), "mp/aborted.mp4", id, []blob.Part{doomed})
	wantKind(t, "completing an aborted upload", err, blob.ErrNotFound)
	absent(t, st, "mp/aborted.mp4")
	holds(t, st, "mp/video.mp4", first+second)
	page, err := st.List(ctx(t), blob.ListOptions{Prefix: "mp/"})
	must(t, err, "list")
	if len(page.Items) != 1 {
		t.Errorf("listed %+v, want only the completed object", page.Items)
	}
}

// multipartResume plays a client that loses its state after two parts: it
// lists the parts, uploads only what is missing, and completes.
func (s suite) multipartResume(t *testing.T) {
	st := s.store(t)
	parts := []string{fill('a', blob.MinPartSize), fill('b', blob.MinPartSize), "c-tail"}
	id, err := st.CreateMultipart(ctx(t), "resume/big.bin", blob.PutOptions{ContentType: "application/octet-stream"})
	must(t, err, "create")
	for _, n := range []int{1, 3} { // out of order, as parallel clients do
		req, err := st.PresignPart(ctx(t), "resume/big.bin", id, n, blob.PresignOptions{Expires: time.Hour, Size: int64(len(parts[n-1]))})
		must(t, err, "presign part %d", n)
		accepted(t, "part", s.send(t, req, []byte(parts[n-1]), nil))
	}

	stored, err := st.ListParts(ctx(t), "resume/big.bin", id)
	must(t, err, "list parts")
	if len(stored) != 2 || stored[0].Number != 1 || stored[1].Number != 3 ||
		stored[0].Size != int64(len(parts[0])) || stored[1].Size != int64(len(parts[2])) || stored[0].ETag == "" {
		t.Fatalf("listed parts %+v, want 1 and 3", stored)
	}
	p2, err := st.UploadPart(ctx(t), "resume/big.bin", id, 2, strings.NewReader(parts[1]), int64(len(parts[1])))
	must(t, err, "part 2")
	_, err = st.CompleteMultipart(ctx(t), "resume/big.bin", id, []blob.Part{stored[0], p2, stored[1]})
	must(t, err, "complete")
	obj, err := st.Get(ctx(t), "resume/big.bin", blob.GetOptions{Range: &blob.Range{Offset: int64(2*blob.MinPartSize - 2), Length: -1}})
	must(t, err, "get")
	defer obj.Body.Close()
	if b, _ := io.ReadAll(obj.Body); string(b) != "bbc-tail" || obj.Size != int64(2*blob.MinPartSize+6) {
		t.Errorf("the joined object ends %q, size %d", b, obj.Size)
	}
}

func (s suite) multipartRefusals(t *testing.T) {
	st := s.store(t)
	put(t, st, "mr/obj", "before", "")
	id, err := st.CreateMultipart(ctx(t), "mr/obj", blob.PutOptions{})
	must(t, err, "create")
	small, err := st.UploadPart(ctx(t), "mr/obj", id, 1, strings.NewReader("too small"), 9)
	must(t, err, "part 1")
	last, err := st.UploadPart(ctx(t), "mr/obj", id, 2, strings.NewReader("last"), 4)
	must(t, err, "part 2")

	for _, tc := range []struct {
		name  string
		parts []blob.Part
	}{
		{"a part under the minimum that is not last", []blob.Part{small, last}},
		{"a wrong ETag", []blob.Part{{Number: 2, ETag: small.ETag}}},
		{"a part never uploaded", []blob.Part{{Number: 3, ETag: last.ETag}}},
		{"parts out of order", []blob.Part{last, small}},
	} {
		_, err := st.CompleteMultipart(ctx(t), "mr/obj", id, tc.parts)
		wantKind(t, tc.name, err, blob.ErrInvalidPart)
		holds(t, st, "mr/obj", "before")
	}
	_, err = st.UploadPart(ctx(t), "mr/obj", id, 3, strings.NewReader("short"), 6)
	wantKind(t, "a part shorter than its size", err, blob.ErrMismatch)
	_, err = st.UploadPart(ctx(t), "mr/obj", id, blob.MaxParts+1, strings.NewReader("x"), 1)
	wantKind(t, "part number past the maximum", err, blob.ErrInvalid)
	_, err = st.UploadPart(ctx(t), "mr/obj", id, 3, strings.NewReader("x"), 0)
	wantKind(t, "a part of undeclared size", err, blob.ErrInvalid)
	req, err := st.PresignPart(ctx(t), "mr/obj", id, 3, blob.PresignOptions{Expires: time.Hour})
	must(t, err, "presign part without a size")
	refused(t, "a part sent without a length", s.send(t, req, []byte("chunked"), func(r *http.Request) { r.ContentLength = -1 }))
	_, err = st.UploadPart(ctx(t), "mr/other", id, 1, strings.NewReader("x"), 1)
	wantKind(t, "the upload used for another key", err, blob.ErrNotFound)

	// A single last part may be any size.
	info, err := st.CompleteMultipart(ctx(t), "mr/obj", id, []blob.Part{last})
	must(t, err, "complete with one part")
	if info.Size != 4 {
		t.Errorf("completed %+v", info)
	}
	holds(t, st, "mr/obj", "last")
}
