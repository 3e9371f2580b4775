package imaging

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestProbe(t *testing.T) {
	jpg := encodeJPEG(t, photo(640, 480))
	tests := []struct {
		name string
		file []byte
		want Info
	}{
		{"jpeg", jpg, Info{JPEG, 640, 480, 1, 1}},
		{"jpeg with exif", withEXIF(jpg, 6), Info{JPEG, 640, 480, 1, 6}},
		{"jpeg cut after its header", withEXIF(jpg, 3)[:400], Info{JPEG, 640, 480, 1, 3}},
		{"png", encodePNG(t, photo(33, 17)), Info{PNG, 33, 17, 1, 1}},
		{"apng", bytes.Join([][]byte{pngHeader(20, 10), pngChunk("acTL", []byte{0, 0, 0, 12, 0, 0, 0, 0}), pngChunk("IDAT", nil)}, nil), Info{PNG, 20, 10, 12, 1}},
		{"gif", gifFrames(t, 7), Info{GIF, 4, 4, 7, 1}},
		{"gif at the frame limit", gifFrames(t, 100), Info{GIF, 4, 4, 100, 1}},
		{"webp", webpVP8X(300, 200, 0), Info{WebP, 300, 200, 1, 1}},
		{"animated webp", webpVP8X(300, 200, 5), Info{WebP, 300, 200, 5, 1}},
		{"webp lossy", []byte("RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00\x00\x00\x00\x9d\x01\x2a\x40\x01\xf0\x00\x00\x00"), Info{WebP, 320, 240, 1, 1}},
		{"webp lossless", []byte("RIFF\x12\x00\x00\x00WEBPVP8L\x05\x00\x00\x00\x2f\x3f\xc0\x0e\x00\x00"), Info{WebP, 64, 60, 1, 1}},
		{"heic turned", heifHeader("heic", 4032, 3024, 3), Info{HEIC, 4032, 3024, 1, 6}},
		{"avif", heifHeader("avif", 1920, 1080, 0), Info{AVIF, 1920, 1080, 1, 1}},
		// An animation cut short, or read only in part: the frames seen.
		{"gif cut after its fifth frame", gifFrames(t, 9)[:len(gifFrames(t, 5))-1+3], Info{GIF, 4, 4, 5, 1}},
		{"animated webp cut in its third frame", webpVP8X(300, 200, 5)[:30+18+2*24+10], Info{WebP, 300, 200, 3, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Probe(bytes.NewReader(tc.file), Limits{})
			if err != nil || got != tc.want {
				t.Fatalf("Probe = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestProbeRefuses(t *testing.T) {
	jpg := encodeJPEG(t, photo(64, 48))
	tests := []struct {
		name string
		file []byte
		lim  Limits
		want error
	}{
		{"png claiming 100000×100000", pngHeader(100000, 100000), Limits{}, ErrTooLarge},
		{"png just over the limit", pngHeader(10001, 5000), Limits{}, ErrTooLarge},
		{"png over a lower limit", pngHeader(1000, 1001), Limits{MaxPixels: 1_000_000}, ErrTooLarge},
		{"gif of 101 frames", gifFrames(t, 101), Limits{}, ErrTooManyFrames},
		{"gif of 101 frames cut after the 101st", gifFrames(t, 101)[:len(gifFrames(t, 101))-5], Limits{}, ErrTooManyFrames},
		{"gif over a lower limit", gifFrames(t, 6), Limits{MaxFrames: 5}, ErrTooManyFrames},
		{"apng of 1000 frames", append(pngHeader(20, 10), pngChunk("acTL", []byte{0, 0, 3, 232, 0, 0, 0, 0})...), Limits{}, ErrTooManyFrames},
		{"webp canvas of 16384²", webpVP8X(16384, 16384, 0), Limits{}, ErrTooLarge},
		{"webp of 101 frames", webpVP8X(10, 10, 101), Limits{}, ErrTooManyFrames},
		{"heic of 200 MP", heifHeader("heic", 20000, 10000, 0), Limits{}, ErrTooLarge},
		{"jpeg of 65535² cut after its header", append(bytes.Clone(jpg[:2]), 0xFF, 0xC0, 0, 17, 8, 0xFF, 0xFF, 0xFF, 0xFF, 3), Limits{}, ErrTooLarge},
		{"jpeg cut before its frame header", jpg[:20], Limits{}, ErrCorrupt},
		{"png with a broken checksum", append(pngHeader(10, 10)[:29], 0, 0, 0, 0), Limits{}, ErrCorrupt},
		{"png without IHDR", append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IDAT", nil)...), Limits{}, ErrCorrupt},
		{"png of zero width", pngHeader(0, 10), Limits{}, ErrCorrupt},
		{"png signature only", []byte("\x89PNG\r\n\x1a\n"), Limits{}, ErrCorrupt},
		{"gif without frames", []byte("GIF89a\x04\x00\x04\x00\x00\x00\x00;"), Limits{}, ErrCorrupt},
		{"webp header only", []byte("RIFF\x04\x00\x00\x00WEBP"), Limits{}, ErrCorrupt},
		{"heif without meta", isoBox("ftyp", []byte("heic"), []byte{0, 0, 0, 0}, []byte("mif1")), Limits{}, ErrCorrupt},
		{"svg", []byte("<svg><script>alert(1)</script></svg>"), Limits{}, ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Probe(bytes.NewReader(tc.file), tc.lim)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Probe = %+v, %v; want %v", got, err, tc.want)
			}
			if err.Error() == "" || got != (Info{}) {
				t.Errorf("Probe = %+v, %q", got, err)
			}
		})
	}
}

// A header past the limit is refused having read only the header: the rest of
// a 2 GB upload is never waited for.
func TestProbeStopsAtTheHeader(t *testing.T) {
	r := &countingReader{r: io.MultiReader(bytes.NewReader(pngHeader(100000, 100000)), infinite{})}
	if _, err := Probe(r, Limits{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Probe: %v", err)
	}
	if r.n > 64<<10 {
		t.Errorf("Probe read %d bytes", r.n)
	}
}

// A reader that fails is not a corrupt image: the caller sees its error.
func TestProbeReadError(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := Probe(io.MultiReader(bytes.NewReader(encodeJPEG(t, photo(8, 8))[:10]), failing{boom}), Limits{})
	if !errors.Is(err, boom) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("Probe: %v", err)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type infinite struct{}

func (infinite) Read(p []byte) (int, error) { return len(p), nil }

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

func FuzzProbe(f *testing.F) {
	f.Add(encodeJPEG(f, photo(8, 8)))
	f.Add(withEXIF(encodeJPEG(f, photo(8, 8)), 6))
	f.Add(encodePNG(f, photo(8, 8)))
	f.Add(append(pngHeader(20, 10), pngChunk("acTL", []byte{0, 0, 0, 12, 0, 0, 0, 0})...))
	f.Add(gifFrames(f, 3))
	f.Add(webpVP8X(10, 10, 2))
	f.Add(heifHeader("heic", 100, 100, 1))
	f.Add(heifHeader("avif", 100, 100, 0))
	lim := Limits{MaxPixels: 1 << 20, MaxFrames: 10}
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := Probe(bytes.NewReader(b), lim)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrTooManyFrames) && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Probe: %v is none of the kinds", err)
			}
			return
		}
		if info.Width <= 0 || info.Height <= 0 || int64(info.Width)*int64(info.Height) > lim.MaxPixels {
			t.Fatalf("Probe = %+v past %+v", info, lim)
		}
		if info.Frames < 1 || info.Frames > lim.MaxFrames || info.Orientation < 1 || info.Orientation > 8 {
			t.Fatalf("Probe = %+v", info)
		}
	})
}
