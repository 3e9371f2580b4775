package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/image/webp"
)

// processors are the implementations this build has: New's, and the pure-Go one
// when New is libvips.
func processors() []Processor {
	ps := []Processor{New()}
	if ps[0].Name() != "go" {
		ps = append(ps, NewGo(Limits{}))
	}
	return ps
}

func each(t *testing.T, f func(t *testing.T, p Processor)) {
	for _, p := range processors() {
		t.Run(p.Name(), func(t *testing.T) { f(t, p) })
	}
}

func TestProcessVariants(t *testing.T) {
	each(t, func(t *testing.T, p Processor) {
		dir, out := t.TempDir(), t.TempDir()
		src := writeFile(t, dir, "original", withEXIF(encodeJPEG(t, photo(1200, 900)), 1))
		res, err := p.Process(context.Background(), src, DefaultPresets(), out)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"150-jpeg 150×113 jpeg", "480-jpeg 480×360 jpeg", "1080-jpeg 1080×810 jpeg"}
		if p.Name() == "libvips" {
			want = []string{"150-webp 150×113 webp", "150-jpeg 150×113 jpeg", "480-webp 480×360 webp", "480-jpeg 480×360 jpeg", "1080-webp 1080×810 webp", "1080-jpeg 1080×810 jpeg"}
		}
		var got []string
		for _, v := range res.Variants {
			got = append(got, fmt.Sprintf("%s %d×%d %s", v.Preset.Name, v.Width, v.Height, v.Format))
			checkOutput(t, v)
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("variants:\n got %v\nwant %v", got, want)
		}
		if !regexp.MustCompile(`^[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{28}$`).MatchString(res.Placeholder) {
			t.Errorf("placeholder %q is no 4×3 blurhash", res.Placeholder)
		}
		if !regexp.MustCompile(`^#[0-9a-f]{6}$`).MatchString(res.Dominant) {
			t.Errorf("dominant colour %q", res.Dominant)
		}
		if n := len(dirNames(t, out)); n != len(res.Variants) {
			t.Errorf("%d files for %d variants", n, len(res.Variants))
		}
	})
}

// checkOutput decodes a variant, compares it with what Output says, and looks
// for metadata: there must be none.
func checkOutput(t *testing.T, v Output) {
	t.Helper()
	b, err := os.ReadFile(v.Path)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != v.Bytes {
		t.Errorf("%s: %d bytes, Output says %d", v.Preset.Name, len(b), v.Bytes)
	}
	m := decodeOutput(t, v.Format, b)
	if m.Bounds().Dx() != v.Width || m.Bounds().Dy() != v.Height {
		t.Errorf("%s: %v, Output says %d×%d", v.Preset.Name, m.Bounds(), v.Width, v.Height)
	}
	if md := metadata(t, v.Format, b); len(md) > 0 {
		t.Errorf("%s (%s) keeps metadata: %v", v.Preset.Name, v.Format, md)
	}
}

func decodeOutput(t *testing.T, f Format, b []byte) image.Image {
	t.Helper()
	var m image.Image
	var err error
	switch f {
	case JPEG:
		m, err = jpeg.Decode(bytes.NewReader(b))
	case PNG:
		m, err = png.Decode(bytes.NewReader(b))
	case WebP:
		m, err = webp.Decode(bytes.NewReader(b))
	default:
		t.Fatalf("cannot decode %s here", f)
	}
	if err != nil {
		t.Fatalf("decode %s: %v", f, err)
	}
	return m
}

// metadata lists the metadata an encoded file carries, read with a parser of
// its own: JPEG APPn segments (other than the bare JFIF header) and comments,
// PNG ancillary chunks that are not about pixels, WebP EXIF, XMP and ICC.
func metadata(t *testing.T, f Format, b []byte) []string {
	t.Helper()
	var found []string
	switch f {
	case JPEG:
		for i := 2; i+4 <= len(b); {
			if b[i] != 0xFF {
				t.Fatalf("jpeg: no marker at %d", i)
			}
			m := b[i+1]
			if m == 0xDA {
				break
			}
			n := int(binary.BigEndian.Uint16(b[i+2:]))
			seg := b[i+4 : i+2+n]
			if m >= 0xE1 && m <= 0xEF || m == 0xFE || m == 0xE0 && !bytes.HasPrefix(seg, []byte("JFIF\x00")) {
				found = append(found, fmt.Sprintf("APP%d/COM %q", m-0xE0, seg[:min(len(seg), 8)]))
			}
			i += 2 + n
		}
	case PNG:
		for i := 8; i+8 <= len(b); {
			n := int(binary.BigEndian.Uint32(b[i:]))
			typ := string(b[i+4 : i+8])
			switch typ {
			case "IHDR", "PLTE", "tRNS", "IDAT", "IEND", "pHYs", "bKGD":
			default:
				found = append(found, typ)
			}
			i += 12 + n
		}
	case WebP:
		for i := 12; i+8 <= len(b); {
			typ := string(b[i : i+4])
			n := int(binary.LittleEndian.Uint32(b[i+4:]))
			switch typ {
			case "VP8 ", "VP8L", "ALPH":
			case "VP8X":
				if b[i+8]&(0x20|0x08|0x04) != 0 {
					found = append(found, fmt.Sprintf("VP8X flags %#x", b[i+8]))
				}
			default:
				found = append(found, typ)
			}
			i += 8 + n + n&1
		}
	}
	if bytes.Contains(b, []byte("Exif\x00\x00")) || bytes.Contains(b, exifBlock(1)[:8]) {
		found = append(found, "an EXIF block")
	}
	return found
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// The corners of the upright picture, for each EXIF orientation of a stored
// picture whose quarters are red, green / blue, white: worked out from the
// orientation's definition, not from the code.
func TestProcessOrientation(t *testing.T) {
	want := map[int][4]color.RGBA{
		1: {red, green, blue, white},
		2: {green, red, white, blue},
		3: {white, blue, green, red},
		4: {blue, white, red, green},
		5: {red, blue, green, white},
		6: {blue, red, white, green},
		7: {white, green, blue, red},
		8: {green, white, red, blue},
	}
	each(t, func(t *testing.T, p Processor) {
		dir := t.TempDir()
		stored := encodeJPEG(t, quadrants(200, 100))
		for o := 1; o <= 8; o++ {
			src := writeFile(t, dir, fmt.Sprintf("o%d", o), withEXIF(stored, o))
			res, err := p.Process(context.Background(), src, []Preset{{Name: "big", Width: 1080, Format: JPEG, Quality: 95}}, t.TempDir())
			if err != nil {
				t.Fatalf("orientation %d: %v", o, err)
			}
			v := res.Variants[0]
			ww, wh := 200, 100
			if o >= 5 {
				ww, wh = 100, 200
			}
			if v.Width != ww || v.Height != wh {
				t.Errorf("orientation %d: %d×%d, want %d×%d", o, v.Width, v.Height, ww, wh)
			}
			b, _ := os.ReadFile(v.Path)
			m := decodeOutput(t, v.Format, b)
			w, h := m.Bounds().Dx(), m.Bounds().Dy()
			corners := [4]image.Point{{w / 8, h / 8}, {w - w/8, h / 8}, {w / 8, h - h/8}, {w - w/8, h - h/8}}
			for i, pt := range corners {
				if !near(m.At(pt.X, pt.Y), want[o][i], 40) {
					t.Errorf("orientation %d: corner %d is %v, want %v", o, i, m.At(pt.X, pt.Y), want[o][i])
				}
			}
		}
	})
}

func near(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool { return abs(int(a>>8)-int(w)) <= tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestProcessNeverUpscales(t *testing.T) {
	each(t, func(t *testing.T, p Processor) {
		src := writeFile(t, t.TempDir(), "small", encodeJPEG(t, photo(100, 80)))
		res, err := p.Process(context.Background(), src, DefaultPresets(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		formats := map[Format]bool{}
		for _, v := range res.Variants {
			if v.Width != 100 || v.Height != 80 {
				t.Errorf("%s: %d×%d from a 100×80 original", v.Preset.Name, v.Width, v.Height)
			}
			if formats[v.Format] {
				t.Errorf("two %s variants of the same size", v.Format)
			}
			formats[v.Format] = true
		}
		if len(res.Variants) == 0 {
			t.Fatal("no variants")
		}
	})
}

// Transparency survives: the JPEG presets are written as PNG.
func TestProcessAlpha(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 600, 400))
	for y := 0; y < 400; y++ {
		for x := 300; x < 600; x++ {
			m.SetNRGBA(x, y, color.NRGBA{0, 0, 255, 255})
		}
	}
	each(t, func(t *testing.T, p Processor) {
		src := writeFile(t, t.TempDir(), "logo", encodePNG(t, m))
		res, err := p.Process(context.Background(), src, DefaultPresets(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Variants {
			if v.Format == JPEG {
				t.Fatalf("%s written as JPEG: transparency lost", v.Preset.Name)
			}
			checkOutput(t, v)
			b, _ := os.ReadFile(v.Path)
			out := decodeOutput(t, v.Format, b)
			if _, _, _, a := out.At(v.Width/8, v.Height/2).RGBA(); a != 0 {
				t.Errorf("%s: the transparent half has alpha %d", v.Preset.Name, a>>8)
			}
			if !near(out.At(v.Width-v.Width/8, v.Height/2), blue, 40) {
				t.Errorf("%s: the blue half is %v", v.Preset.Name, out.At(v.Width-v.Width/8, v.Height/2))
			}
		}
	})
}

func TestProcessCancelled(t *testing.T) {
	each(t, func(t *testing.T, p Processor) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		out := t.TempDir()
		src := writeFile(t, t.TempDir(), "original", encodeJPEG(t, photo(400, 300)))
		if _, err := p.Process(ctx, src, DefaultPresets(), out); !errors.Is(err, context.Canceled) {
			t.Fatalf("Process: %v", err)
		}
		if names := dirNames(t, out); len(names) > 0 {
			t.Errorf("left behind: %v", names)
		}
	})
}

func TestProcessWithoutServablePresets(t *testing.T) {
	src := writeFile(t, t.TempDir(), "original", encodeJPEG(t, photo(400, 300)))
	_, err := NewGo(Limits{}).Process(context.Background(), src, []Preset{{Name: "w", Width: 100, Format: WebP}}, t.TempDir())
	if !errors.Is(err, ErrNoVariants) || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "need libvips") {
		t.Fatalf("Process: %v", err)
	}
}

// An animated GIF gives stills of its first frame, which may cover only part of
// the picture: the rest is transparent, so the variants are PNG.
func TestProcessAnimatedGIF(t *testing.T) {
	pal := color.Palette{color.Transparent, red, blue}
	g := &gif.GIF{Config: image.Config{Width: 40, Height: 40, ColorModel: pal}}
	first := image.NewPaletted(image.Rect(10, 10, 30, 30), pal)
	for i := range first.Pix {
		first.Pix[i] = 1
	}
	second := image.NewPaletted(image.Rect(0, 0, 40, 40), pal)
	for i := range second.Pix {
		second.Pix[i] = 2
	}
	g.Image, g.Delay, g.Disposal = []*image.Paletted{first, second}, []int{10, 10}, []byte{0, 0}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	each(t, func(t *testing.T, p Processor) {
		src := writeFile(t, t.TempDir(), "anim.gif", b.Bytes())
		res, err := p.Process(context.Background(), src, []Preset{{Name: "still", Width: 480, Format: JPEG}}, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		v := res.Variants[0]
		if v.Format != PNG || v.Width != 40 || v.Height != 40 {
			t.Fatalf("variant %+v", v)
		}
		checkOutput(t, v)
		out, _ := os.ReadFile(v.Path)
		m := decodeOutput(t, v.Format, out)
		if !near(m.At(20, 20), red, 10) {
			t.Errorf("centre %v, want the first frame's red", m.At(20, 20))
		}
		if _, _, _, a := m.At(2, 2).RGBA(); a != 0 {
			t.Errorf("corner alpha %d, want transparent", a>>8)
		}
	})
}

// Jobs run side by side: one processor serves them all.
func TestProcessConcurrently(t *testing.T) {
	each(t, func(t *testing.T, p Processor) {
		dir := t.TempDir()
		srcs := []string{
			writeFile(t, dir, "a.jpg", withEXIF(encodeJPEG(t, photo(640, 480)), 6)),
			writeFile(t, dir, "b.png", encodePNG(t, photo(500, 300))),
			writeFile(t, dir, "c.gif", gifFrames(t, 3)),
			writeFile(t, dir, "d.jpg", encodeJPEG(t, quadrants(300, 300))),
		}
		errs := make(chan error, 2*len(srcs))
		for i := 0; i < 2*len(srcs); i++ {
			go func() {
				res, err := p.Process(context.Background(), srcs[i%len(srcs)], DefaultPresets(), t.TempDir())
				if err == nil && len(res.Variants) == 0 {
					err = fmt.Errorf("%s: no variants", srcs[i%len(srcs)])
				}
				errs <- err
			}()
		}
		for i := 0; i < 2*len(srcs); i++ {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
}
