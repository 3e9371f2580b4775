package imaging

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// go test -bench . -benchtime 5x ./internal/media/imaging (with -tags vips for
// libvips): the default presets from a 12 MP JPEG, per processor; bench/imaging.sh
// compares the libvips one with vipsthumbnail.
func BenchmarkProcess(b *testing.B) {
	src := writeFile(b, b.TempDir(), "photo.jpg", withEXIF(encodeJPEG(b, photo(4000, 3000)), 6))
	for _, p := range processors() {
		b.Run(p.Name(), func(b *testing.B) {
			out := b.TempDir()
			for b.Loop() {
				res, err := p.Process(context.Background(), src, DefaultPresets(), out)
				if err != nil {
					b.Fatal(err)
				}
				for _, v := range res.Variants {
					os.Remove(v.Path)
				}
			}
		})
	}
}

func BenchmarkProbe(b *testing.B) {
	jpg := withEXIF(encodeJPEG(b, photo(400, 300)), 6)
	for b.Loop() {
		if _, err := Probe(bytes.NewReader(jpg), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
