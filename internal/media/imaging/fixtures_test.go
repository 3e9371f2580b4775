package imaging

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Fixtures are made by the tests: encoded with the standard library, or crafted
// byte by byte where a header must lie.

var (
	red   = color.RGBA{255, 0, 0, 255}
	green = color.RGBA{0, 255, 0, 255}
	blue  = color.RGBA{0, 0, 255, 255}
	white = color.RGBA{255, 255, 255, 255}
)

// quadrants is a w×h picture whose four quarters are red, green (top) and
// blue, white (bottom).
func quadrants(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := [2][2]color.RGBA{{red, green}, {blue, white}}[2*y/h][2*x/w]
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// photo is a w×h gradient with some texture, compressible like a photograph.
func photo(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x*7 + y*13) % 256), 255})
		}
	}
	return m
}

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// exifBlock is a big-endian TIFF block with an orientation tag and a GPS IFD
// holding a latitude, as a phone writes.
func exifBlock(orientation int) []byte {
	var b bytes.Buffer
	be := binary.BigEndian
	b.WriteString("MM\x00*")
	binary.Write(&b, be, uint32(8))
	// IFD0: orientation, GPS IFD pointer.
	binary.Write(&b, be, uint16(2))
	binary.Write(&b, be, []uint16{0x0112, 3})
	binary.Write(&b, be, uint32(1))
	binary.Write(&b, be, []uint16{uint16(orientation), 0})
	gpsIFD := uint32(8 + 2 + 2*12 + 4)
	binary.Write(&b, be, []uint16{0x8825, 4})
	binary.Write(&b, be, []uint32{1, gpsIFD})
	binary.Write(&b, be, uint32(0))
	// GPS IFD: GPSLatitudeRef "N", GPSLatitude 3 rationals.
	binary.Write(&b, be, uint16(2))
	binary.Write(&b, be, []uint16{0x0001, 2})
	binary.Write(&b, be, uint32(2))
	b.WriteString("N\x00\x00\x00")
	rationals := gpsIFD + 2 + 2*12 + 4
	binary.Write(&b, be, []uint16{0x0002, 5})
	binary.Write(&b, be, []uint32{3, rationals})
	binary.Write(&b, be, uint32(0))
	binary.Write(&b, be, []uint32{48, 1, 51, 1, 2400, 100})
	return b.Bytes()
}

// withEXIF inserts an APP1 Exif segment right after the JPEG's SOI marker.
func withEXIF(jpg []byte, orientation int) []byte {
	payload := append([]byte("Exif\x00\x00"), exifBlock(orientation)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	binary.Write(&b, binary.BigEndian, crc.Sum32())
	return b.Bytes()
}

// pngHeader is a PNG signature and an IHDR claiming w×h RGBA pixels, and nothing
// more: a bomb's header with its body cut off.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	return append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
}

// gifFrames is an animated GIF of n 4×4 frames.
func gifFrames(t testing.TB, n int) []byte {
	t.Helper()
	pal := color.Palette{color.Black, color.White}
	g := &gif.GIF{}
	for i := 0; i < n; i++ {
		f := image.NewPaletted(image.Rect(0, 0, 4, 4), pal)
		f.SetColorIndex(i%4, 0, 1)
		g.Image = append(g.Image, f)
		g.Delay = append(g.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpVP8X is the start of an extended WebP with a canvas of w×h; animated
// ones carry n empty ANMF chunks.
func webpVP8X(w, h uint32, frames int) []byte {
	var body bytes.Buffer
	body.WriteString("WEBP")
	body.WriteString("VP8X")
	binary.Write(&body, binary.LittleEndian, uint32(10))
	flags := byte(0)
	if frames > 0 {
		flags |= 0x02
	}
	body.Write([]byte{flags, 0, 0, 0})
	body.Write([]byte{byte(w - 1), byte((w - 1) >> 8), byte((w - 1) >> 16)})
	body.Write([]byte{byte(h - 1), byte((h - 1) >> 8), byte((h - 1) >> 16)})
	if frames > 0 {
		body.WriteString("ANIM")
		binary.Write(&body, binary.LittleEndian, uint32(6))
		body.Write(make([]byte, 6))
	}
	for i := 0; i < frames; i++ {
		body.WriteString("ANMF")
		binary.Write(&body, binary.LittleEndian, uint32(16))
		body.Write(make([]byte, 16))
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(body.Len()))
	b.Write(body.Bytes())
	return b.Bytes()
}

func isoBox(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	b := make([]byte, 8, 8+len(body))
	binary.BigEndian.PutUint32(b, uint32(8+len(body)))
	copy(b[4:], typ)
	return append(b, body...)
}

// heifHeader is an ftyp and a meta box naming item 1 primary, with an ispe of
// w×h and a quarter turn (irot) associated to it.
func heifHeader(brand string, w, h uint32, irot byte) []byte {
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	ftyp := isoBox("ftyp", []byte(brand), u32(0), []byte("mif1"), []byte(brand))
	pitm := isoBox("pitm", u32(0), []byte{0, 1})
	thumb := isoBox("ispe", u32(0), u32(160), u32(120))
	ispe := isoBox("ispe", u32(0), u32(w), u32(h))
	rot := isoBox("irot", []byte{irot})
	ipco := isoBox("ipco", thumb, ispe, rot)
	// version 0, flags 0: item 1 has properties 2 and 3; item 2 has property 1.
	ipma := isoBox("ipma", u32(0), u32(2), []byte{0, 1, 2, 2, 3}, []byte{0, 2, 1, 1})
	meta := isoBox("meta", u32(0), isoBox("hdlr", u32(0), u32(0), []byte("pict"), make([]byte, 13)), pitm, isoBox("iprp", ipco, ipma))
	return append(ftyp, meta...)
}

func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
