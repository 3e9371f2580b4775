package imaging

import (
	"bufio"
	"bytes"
	"errors"
	"image"
	"testing"
)

// The parsers that read whole uploads after Probe: the structure walk, the
// profile extraction and the WebP stripper. None may panic or loop; each
// answers with a kind the caller maps.
func FuzzStructure(f *testing.F) {
	jpg := withEXIF(encodeJPEG(f, photo(16, 16)), 6)
	f.Add(jpg)
	f.Add(jpg[:len(jpg)/2])
	f.Add(encodePNG(f, photo(8, 8)))
	f.Add(withICC(encodePNG(f, photo(8, 8)), iccProfile(displayP3)))
	f.Add(webpVP8X(10, 10, 2))
	f.Add(heifHeader("heic", 10, 10, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, format := range []Format{JPEG, PNG, WebP, HEIC} {
			err := checkComplete(bytes.NewReader(b), format)
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("checkComplete(%s): %v is not ErrCorrupt", format, err)
			}
		}
		readers := map[Format]func(*bufio.Reader) ([]byte, error){JPEG: jpegICC, PNG: pngICC, WebP: webpICC}
		for format, read := range readers {
			p, err := read(bufio.NewReader(bytes.NewReader(b)))
			if err == nil && len(p) > maxICC {
				t.Fatalf("%s profile of %d bytes", format, len(p))
			}
			if tr, ok := parseICC(p); ok {
				tr.apply(image.NewRGBA(image.Rect(0, 0, 1, 1)))
			}
		}
		if out, err := stripWebP(b); err == nil {
			if again, err := stripWebP(out); err != nil || !bytes.Equal(again, out) {
				t.Fatalf("stripping twice changed the file: %v", err)
			}
		}
	})
}
