package imaging

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestProcessRefuses(t *testing.T) {
	jpg := encodeJPEG(t, photo(800, 600))
	pngFile := encodePNG(t, photo(300, 200))
	html := "<!DOCTYPE html><html><body><script>fetch('/api/v1/me').then(r => r.text()).then(alert)</script></body></html>"
	tests := []struct {
		name   string
		file   []byte
		want   error
		reason string
	}{
		{"png claiming 100000×100000", pngHeader(100000, 100000), ErrTooLarge, "megapixels"},
		{"gif of 101 frames", gifFrames(t, 101), ErrTooManyFrames, "100 frames"},
		{"truncated jpeg", jpg[:len(jpg)/2], ErrCorrupt, "truncated"},
		{"jpeg header and noise", append(bytes.Clone(jpg[:700]), bytes.Repeat([]byte{0x13, 0x37}, 5000)...), ErrCorrupt, ""},
		{"truncated png", pngFile[:len(pngFile)/2], ErrCorrupt, ""},
		{"truncated gif", gifFrames(t, 9)[:300], ErrCorrupt, "truncated"},
		{"jpeg of a thousand scans", manyScans(jpg, 1000), ErrCorrupt, "more than 256 scans"},
		{"html named .jpg", []byte(html), ErrUnsupported, "HTML"},
		{"svg with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`), ErrUnsupported, "SVG"},
		{"polyglot: html after the jpeg", append(bytes.Clone(jpg), html...), ErrCorrupt, "web page"},
		{"polyglot: script in a jpeg comment", append(append(bytes.Clone(jpg[:2]), comment(600, "<script>alert(1)</script>")...), jpg[2:]...), ErrCorrupt, "web page"},
	}
	each(t, func(t *testing.T, p Processor) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				out := t.TempDir()
				src := writeFile(t, t.TempDir(), "upload.jpg", tc.file)
				res, err := p.Process(context.Background(), src, DefaultPresets(), out)
				if !errors.Is(err, tc.want) {
					t.Fatalf("Process = %+v, %v; want %v", res, err, tc.want)
				}
				if !strings.Contains(err.Error(), tc.reason) {
					t.Errorf("reason %q does not say %q", err, tc.reason)
				}
				if names := dirNames(t, out); len(names) > 0 {
					t.Errorf("left behind: %v", names)
				}
			})
		}
	})
}

// comment is a JPEG COM segment of n bytes whose text ends with s.
func comment(n int, s string) []byte {
	body := append(bytes.Repeat([]byte(" "), n-len(s)), s...)
	return append([]byte{0xFF, 0xFE, byte((len(body) + 2) >> 8), byte(len(body) + 2)}, body...)
}

// manyScans inserts n empty scans (a scan header and no data) before a JPEG's
// own first scan: the shape of a progressive-decoding bomb.
func manyScans(jpg []byte, n int) []byte {
	sos := bytes.Index(jpg, []byte{0xFF, 0xDA})
	scan := []byte{0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0}
	return bytes.Join([][]byte{jpg[:sos], bytes.Repeat(scan, n), jpg[sos:]}, nil)
}
