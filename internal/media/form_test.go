package media

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"testing"

	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/httpx"
)

func smallJPEG() []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 12)), nil)
	return b.Bytes()
}

func formOf(fields ...[2]string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if f[0] == "file" {
			w, _ := mw.CreateFormFile("file", "a.jpg")
			w.Write([]byte(f[1]))
		} else {
			mw.WriteField(f[0], f[1])
		}
	}
	mw.Close()
	return b.Bytes(), mw.Boundary()
}

// FuzzUploadForm drives the multipart path an upload takes (the form's fields,
// then each file's type and header) with arbitrary bodies: it never panics,
// every refusal is one a client is meant to read, and a file handed on is read
// whole, byte for byte.
func FuzzUploadForm(f *testing.F) {
	photo := string(smallJPEG())
	for _, fields := range [][][2]string{
		{{"visibility", "public"}, {"file", photo}},
		{{"file", photo}, {"file", "<html>"}},
		{{"visibility", "friends"}, {"file", photo}},
		{{"other", "x"}},
		{{"file", photo[:40]}},
		{{"file", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x06\x00\x00\x00"}},
	} {
		body, boundary := formOf(fields...)
		f.Add(body, boundary)
	}
	s := &Service{opts: Options{}.withDefaults()}
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		if boundary == "" || len(boundary) > 70 {
			return
		}
		mr := multipart.NewReader(bytes.NewReader(body), boundary)
		_, err := form(mr, maxBatch, func(part *multipart.Part, vis Visibility) error {
			if vis != Private && vis != Public {
				t.Fatalf("visibility %q handed on", vis)
			}
			var whole bytes.Buffer
			hd, rest, err := s.inspect(io.TeeReader(part, &whole))
			if err != nil {
				return err
			}
			if hd.kind != Image || hd.info.Width <= 0 || hd.info.Height <= 0 {
				t.Fatalf("head %+v accepted", hd)
			}
			got, err := io.ReadAll(rest)
			if err != nil {
				return err
			}
			if !bytes.Equal(got, whole.Bytes()) {
				t.Fatalf("the stream handed on differs from the file: %d bytes, sent %d", len(got), whole.Len())
			}
			return nil
		})
		if err == nil {
			return
		}
		var fe *fault.Error
		var bad *fault.Invalid
		var he *httpx.Error
		var me *multipartError
		switch {
		case errors.As(err, &me):
		case errors.As(err, &fe) && (errors.Is(err, ErrUnsupported) || errors.Is(err, ErrUnprocessable)):
		case errors.As(err, &bad):
		case errors.As(err, &he) && he.Status < 500:
		default:
			t.Fatalf("an error a client cannot read: %v", err)
		}
	})
}
