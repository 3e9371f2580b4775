package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A black image is all zeros in linear light, so every component is zero and
// its hash is the neutral one: size flag L (4×3), maximum 0, DC 0, and eleven
// AC pairs of value 9·19²+9·19+9 = 3429, "fQ". (It is also the placeholder the
// reference implementations give for black.) For other solid colours the DC
// digits follow from the colour by hand; their AC is not neutral, since
// BlurHash samples its cosines at x/w, not at pixel centres.
func TestBlurhashKnownVectors(t *testing.T) {
	solid := func(c color.RGBA) *image.RGBA {
		m := image.NewRGBA(image.Rect(0, 0, 32, 24))
		for i := 0; i < len(m.Pix); i += 4 {
			m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, c.A
		}
		return m
	}
	if got, want := blurhash(solid(color.RGBA{0, 0, 0, 255}), 4, 3), "L00000"+strings.Repeat("fQ", 11); got != want {
		t.Errorf("blurhash of black = %s, want %s", got, want)
	}
	for _, tc := range []struct {
		c  color.RGBA
		dc string
	}{
		{color.RGBA{255, 255, 255, 255}, "TSUA"}, // 0xFFFFFF = 29·83³ + 28·83² + 30·83 + 10
		{color.RGBA{255, 0, 0, 255}, "TI:j"},     // 0xFF0000 = 29·83³ + 18·83² + 70·83 + 45
	} {
		if got := blurhash(solid(tc.c), 4, 3); len(got) != 28 || got[2:6] != tc.dc {
			t.Errorf("blurhash of %v = %s, want DC %s", tc.c, got, tc.dc)
		}
	}
}

// A picture dark on the left and light on the right: decoded by hand, its first
// horizontal component is strongly negative and grey, and its first vertical one
// near zero.
func TestBlurhashSeesAGradient(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			v := uint8(x * 255 / 31)
			m.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	h := blurhash(m, 4, 3)
	if len(h) != 28 {
		t.Fatalf("hash %q", h)
	}
	ac := func(k int) (r, g, b int) { // k-th AC pair, quantised to 0..18
		v := strings.IndexByte(base83Chars, h[6+2*k])*83 + strings.IndexByte(base83Chars, h[7+2*k])
		return v / 361, v / 19 % 19, v % 19
	}
	if r, g, b := ac(0); r != g || g != b || r > 3 {
		t.Errorf("hash %s: horizontal component (%d,%d,%d), want grey and strongly negative", h, r, g, b)
	}
	if r, _, _ := ac(3); abs(r-9) > 3 {
		t.Errorf("hash %s: vertical component %d, want near 9 (zero)", h, r)
	}
}

func TestDominant(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 10, 10))
	for i := 0; i < 100; i++ {
		c := color.RGBA{200, 30, 40, 255} // 70% of the pixels
		if i >= 70 {
			c = color.RGBA{10, 10, 250, 255}
		}
		m.SetRGBA(i%10, i/10, c)
	}
	if got := dominant(m); got != "#c81e28" {
		t.Errorf("dominant = %s, want #c81e28", got)
	}
}

// Area averaging: each output pixel is the mean of the block it covers,
// computed here by hand.
func TestResizeAverages(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 4, 2))
	copy(src.Pix, []uint8{0, 100, 200, 40, 50, 150, 0, 80})
	got := resize(src, 2, 1)
	want := []uint8{75, 75, 75, 255, 80, 80, 80, 255} // (0+100+50+150)/4, (200+40+0+80)/4
	if !bytes.Equal(got.Pix, want) {
		t.Errorf("resize = %v, want %v", got.Pix, want)
	}
	// Three columns into two: the middle one is shared half and half.
	src = image.NewGray(image.Rect(0, 0, 3, 1))
	copy(src.Pix, []uint8{30, 90, 210})
	got = resize(src, 2, 1)
	want = []uint8{50, 50, 50, 255, 170, 170, 170, 255} // (30+45)/1.5, (45+210)/1.5
	if !bytes.Equal(got.Pix, want) {
		t.Errorf("resize = %v, want %v", got.Pix, want)
	}
}

func TestPlan(t *testing.T) {
	all := func(Format) bool { return true }
	jpegOnly := func(f Format) bool { return f == JPEG || f == PNG }
	show := func(ts []target) []string {
		var out []string
		for _, t := range ts {
			out = append(out, fmt.Sprintf("%s:%dx%d:%s", t.preset.Name, t.width, t.height, t.format))
		}
		return out
	}
	tests := []struct {
		name      string
		w, h      int
		alpha     bool
		canEncode func(Format) bool
		want      []string
	}{
		{"landscape photo", 4000, 3000, false, all, []string{
			"150-webp:150x113:webp", "150-jpeg:150x113:jpeg", "480-webp:480x360:webp", "480-jpeg:480x360:jpeg",
			"1080-webp:1080x810:webp", "1080-jpeg:1080x810:jpeg"}},
		{"no webp encoder", 4000, 3000, false, jpegOnly, []string{"150-jpeg:150x113:jpeg", "480-jpeg:480x360:jpeg", "1080-jpeg:1080x810:jpeg"}},
		{"transparency", 600, 600, true, jpegOnly, []string{"150-jpeg:150x150:png", "480-jpeg:480x480:png", "1080-jpeg:600x600:png"}},
		{"smaller than every preset", 100, 40, false, all, []string{"150-webp:100x40:webp", "150-jpeg:100x40:jpeg"}},
		{"a sliver", 3000, 1, false, jpegOnly, []string{"150-jpeg:150x1:jpeg", "480-jpeg:480x1:jpeg", "1080-jpeg:1080x1:jpeg"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := show(plan(DefaultPresets(), tc.w, tc.h, tc.alpha, tc.canEncode))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStripWebP(t *testing.T) {
	chunk := func(typ string, data string) string {
		n := len(data)
		s := typ + string([]byte{byte(n), byte(n >> 8), 0, 0}) + data
		if n%2 == 1 {
			s += "\x00"
		}
		return s
	}
	body := "WEBP" + chunk("VP8X", "\x2c\x00\x00\x00\x09\x00\x00\x09\x00\x00") + chunk("ICCP", "profile") +
		chunk("VP8 ", "frame data") + chunk("EXIF", "MM\x00*gps") + chunk("XMP ", "<x:xmpmeta/>")
	in := []byte("RIFF" + string([]byte{byte(len(body)), 0, 0, 0}) + body)
	got, err := stripWebP(in)
	if err != nil {
		t.Fatal(err)
	}
	wantBody := "WEBP" + chunk("VP8X", "\x00\x00\x00\x00\x09\x00\x00\x09\x00\x00") + chunk("VP8 ", "frame data")
	want := "RIFF" + string([]byte{byte(len(wantBody)), 0, 0, 0}) + wantBody
	if string(got) != want {
		t.Errorf("stripWebP =\n%q\nwant\n%q", got, want)
	}
	if _, err := stripWebP(in[:len(in)-3]); err == nil {
		t.Error("stripWebP accepted a chunk overrunning the file")
	}
}

// Markup is found wherever it falls, across the scanner's chunk boundaries too.
func TestScanMarkup(t *testing.T) {
	for _, at := range []int{0, 100, 64<<10 - 3, 64 << 10, 3*64<<10 - 7} {
		b := bytes.Repeat([]byte{0xAB}, 4*64<<10)
		copy(b[at:], "<ScRiPt>")
		got, err := scanMarkup(bytes.NewReader(b))
		if err != nil || got != int64(at) {
			t.Errorf("markup at %d: scanMarkup = %d, %v", at, got, err)
		}
	}
	got, err := scanMarkup(bytes.NewReader(bytes.Repeat([]byte("<scrip"), 50000)))
	if err != nil || got != -1 {
		t.Errorf("no markup: scanMarkup = %d, %v", got, err)
	}
}

func TestHeifOrientation(t *testing.T) {
	// Rotation alone, and a mirror about the vertical axis (left-right) after
	// it: EXIF's names for the same pictures, from its table of eight.
	for _, tc := range []struct{ rot, mirror, want int }{
		{0, -1, 1}, {1, -1, 8}, {2, -1, 3}, {3, -1, 6},
		{0, 0, 2}, {0, 1, 4}, {2, 0, 4}, {1, 0, 7}, {3, 0, 5},
	} {
		if got := heifOrientation(tc.rot, tc.mirror); got != tc.want {
			t.Errorf("irot %d imir %d: orientation %d, want %d", tc.rot, tc.mirror, got, tc.want)
		}
	}
}

func TestPresets(t *testing.T) {
	got := Presets([]int{1080, 150, 480, 150}, AVIF, JPEG)
	want := []Preset{
		{"150-avif", 150, AVIF, 55}, {"150-jpeg", 150, JPEG, 82},
		{"480-avif", 480, AVIF, 55}, {"480-jpeg", 480, JPEG, 82},
		{"1080-avif", 1080, AVIF, 55}, {"1080-jpeg", 1080, JPEG, 82},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Presets (-want +got):\n%s", diff)
	}
	for in, want := range map[string]Format{"JPG": JPEG, " webp": WebP, "avif": AVIF, "png": PNG} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"gif", "heic", "svg", ""} {
		if _, err := ParseFormat(in); err == nil {
			t.Errorf("ParseFormat(%q) accepted", in)
		}
	}
}
