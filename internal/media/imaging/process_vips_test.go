//go:build vips

package imaging

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"os"
	"testing"

	"github.com/davidbyttow/govips/v2/vips"
)

// libvips is here, so HEIC and AVIF from phones are accepted and processed.
func TestProcessHEIF(t *testing.T) {
	startVips()
	for _, f := range []Format{HEIC, AVIF} {
		t.Run(string(f), func(t *testing.T) {
			if !canDecode(f) {
				t.Fatalf("this libvips cannot decode %s: install libheif with its decoders (scripts/deps)", f)
			}
			img, err := vips.NewImageFromBuffer(encodeJPEG(t, quadrants(640, 480)))
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			var b []byte
			if f == HEIC {
				b, _, err = img.ExportHeif(&vips.HeifExportParams{Quality: 80})
			} else {
				b, _, err = img.ExportAvif(&vips.AvifExportParams{Quality: 80, Bitdepth: 8, Effort: 0})
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, err := Sniff(b); err != nil || got != f {
				t.Fatalf("Sniff = %q, %v", got, err)
			}
			src := writeFile(t, t.TempDir(), "photo."+f.Ext(), b)
			res, err := New().Process(context.Background(), src, DefaultPresets(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Variants) != 6 || res.Variants[5].Width != 640 || res.Variants[5].Height != 480 {
				t.Fatalf("variants %+v", res.Variants)
			}
			for _, v := range res.Variants {
				checkOutput(t, v)
			}
			last := res.Variants[5]
			b, _ = os.ReadFile(last.Path)
			m := decodeOutput(t, last.Format, b)
			if !near(m.At(80, 60), red, 40) || !near(m.At(560, 420), white, 40) {
				t.Errorf("corners %v %v", m.At(80, 60), m.At(560, 420))
			}
		})
	}
}

// A photo tagged with the Display P3 profile is converted to sRGB before its
// profile is stripped: the variant shows the colour the photo shows, not its
// P3 numbers read as sRGB.
func TestProcessConvertsToSRGB(t *testing.T) {
	startVips()
	want := color.RGBA{200, 60, 40, 255}
	m := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = want.R, want.G, want.B, 255
	}
	img, err := vips.NewImageFromBuffer(encodePNG(t, m))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if err := img.TransformICCProfileWithFallback("p3", "srgb"); err != nil {
		t.Fatal(err)
	}
	b, _, err := img.ExportPng(&vips.PngExportParams{Compression: 6})
	if err != nil {
		t.Fatal(err)
	}
	tagged := decodeOutput(t, PNG, b)
	if near(tagged.At(32, 32), want, 10) {
		t.Fatalf("the P3 file's numbers %v are sRGB's: the test would prove nothing", tagged.At(32, 32))
	}
	src := writeFile(t, t.TempDir(), "p3.png", b)
	res, err := New().Process(context.Background(), src, []Preset{{Name: "png", Width: 64, Format: PNG}}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	v := res.Variants[0]
	checkOutput(t, v)
	out, _ := os.ReadFile(v.Path)
	if got := decodeOutput(t, v.Format, out).At(32, 32); !near(got, want, 4) {
		t.Errorf("variant pixel %v, want %v (the P3 numbers were %v)", got, want, tagged.At(32, 32))
	}
}

// AVIF variants, when the configuration asks for them.
func TestProcessAVIFVariants(t *testing.T) {
	if !vipsEncodes(AVIF) {
		t.Fatal("this libvips cannot write AVIF: install libheif with its AV1 encoder (scripts/deps)")
	}
	src := writeFile(t, t.TempDir(), "photo", withEXIF(encodeJPEG(t, photo(800, 600)), 6))
	res, err := New().Process(context.Background(), src, Presets([]int{160}, AVIF), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Variants) != 1 {
		t.Fatalf("variants %+v", res.Variants)
	}
	for _, v := range res.Variants {
		f, err := os.Open(v.Path)
		if err != nil {
			t.Fatal(err)
		}
		info, err := Probe(f, Limits{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Upright: the original is 800×600 turned a quarter.
		if w, h := info.Upright(); info.Format != AVIF || w != v.Width || h != v.Height || v.Height <= v.Width {
			t.Errorf("%s: %+v, Output says %d×%d", v.Preset.Name, info, v.Width, v.Height)
		}
		b, _ := os.ReadFile(v.Path)
		if bytes.Contains(b, []byte("Exif")) || bytes.Contains(b, exifBlock(6)[:8]) {
			t.Errorf("%s keeps EXIF", v.Preset.Name)
		}
	}
}

// A WebP original, lossy and lossless, through both processors: the pure-Go
// one decodes WebP even though it cannot write it.
func TestProcessWebPOriginal(t *testing.T) {
	startVips()
	img, err := vips.NewImageFromBuffer(encodeJPEG(t, quadrants(300, 200)))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	for _, lossless := range []bool{false, true} {
		b, _, err := img.ExportWebp(&vips.WebpExportParams{Quality: 90, Lossless: lossless})
		if err != nil {
			t.Fatal(err)
		}
		each(t, func(t *testing.T, p Processor) {
			src := writeFile(t, t.TempDir(), "photo.webp", b)
			res, err := p.Process(context.Background(), src, []Preset{{Name: "jpeg", Width: 150, Format: JPEG}}, t.TempDir())
			if err != nil {
				t.Fatalf("lossless %v: %v", lossless, err)
			}
			v := res.Variants[0]
			checkOutput(t, v)
			out, _ := os.ReadFile(v.Path)
			m := decodeOutput(t, v.Format, out)
			if v.Width != 150 || v.Height != 100 || !near(m.At(20, 20), red, 40) || !near(m.At(130, 80), white, 40) {
				t.Errorf("lossless %v: %d×%d, corners %v %v", lossless, v.Width, v.Height, m.At(20, 20), m.At(130, 80))
			}
		})
	}
}
