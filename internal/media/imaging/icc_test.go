package imaging

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"os"
	"testing"
)

// displayP3 is Display P3's colorants adapted to D50, one per column, as
// Apple's profile states them.
var displayP3 = [3][3]float64{
	{0.515102, 0.291965, 0.157153},
	{0.241182, 0.692236, 0.0665819},
	{-0.00104941, 0.0418818, 0.784378},
}

// iccProfile builds a version 2 matrix/TRC RGB display profile with the given
// colorants and sRGB's tone curve (parametric type 3) on each channel.
func iccProfile(colorants [3][3]float64) []byte {
	fixed := func(v float64) []byte { return binary.BigEndian.AppendUint32(nil, uint32(int32(math.Round(v*65536)))) }
	xyz := func(x, y, z float64) []byte {
		return bytes.Join([][]byte{[]byte("XYZ \x00\x00\x00\x00"), fixed(x), fixed(y), fixed(z)}, nil)
	}
	curve := bytes.Join([][]byte{[]byte("para\x00\x00\x00\x00\x00\x03\x00\x00"),
		fixed(2.4), fixed(1 / 1.055), fixed(0.055 / 1.055), fixed(1 / 12.92), fixed(0.04045)}, nil)
	desc := append([]byte("desc\x00\x00\x00\x00\x00\x00\x00\x05test\x00"), make([]byte, 4+4+2+1+67)...)
	tags := []struct {
		sig  string
		data []byte
	}{
		{"desc", desc},
		{"cprt", []byte("text\x00\x00\x00\x00none\x00")},
		{"wtpt", xyz(0.9642, 1, 0.8249)},
		{"rXYZ", xyz(colorants[0][0], colorants[1][0], colorants[2][0])},
		{"gXYZ", xyz(colorants[0][1], colorants[1][1], colorants[2][1])},
		{"bXYZ", xyz(colorants[0][2], colorants[1][2], colorants[2][2])},
		{"rTRC", curve}, {"gTRC", curve}, {"bTRC", curve},
	}
	table := binary.BigEndian.AppendUint32(nil, uint32(len(tags)))
	var data []byte
	off := 128 + 4 + 12*len(tags)
	for _, tg := range tags {
		for len(data)%4 != 0 {
			data = append(data, 0)
		}
		table = append(table, tg.sig...)
		table = binary.BigEndian.AppendUint32(table, uint32(off+len(data)))
		table = binary.BigEndian.AppendUint32(table, uint32(len(tg.data)))
		data = append(data, tg.data...)
	}
	for len(data)%4 != 0 {
		data = append(data, 0)
	}
	h := make([]byte, 128)
	binary.BigEndian.PutUint32(h, uint32(128+len(table)+len(data)))
	binary.BigEndian.PutUint32(h[8:], 0x02100000)
	copy(h[12:], "mntrRGB XYZ ")
	binary.BigEndian.PutUint16(h[24:], 2026)
	binary.BigEndian.PutUint16(h[26:], 1)
	binary.BigEndian.PutUint16(h[28:], 1)
	copy(h[36:], "acsp")
	copy(h[68:], bytes.Join([][]byte{fixed(0.9642), fixed(1), fixed(0.8249)}, nil))
	return bytes.Join([][]byte{h, table, data}, nil)
}

// withICC embeds a profile in a PNG, in an iCCP chunk after IHDR.
func withICC(pngFile, profile []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(profile)
	w.Close()
	chunk := pngChunk("iCCP", append([]byte("P3\x00\x00"), z.Bytes()...))
	return bytes.Join([][]byte{pngFile[:33], chunk, pngFile[33:]}, nil)
}

// The colour a P3 value shows, in sRGB, from the published P3-to-sRGB matrix
// (linear light, both D65): the oracle, independent of the profile parsing.
func p3ToSRGB(c color.RGBA) color.RGBA {
	m := [3][3]float64{{1.2249, -0.2247, 0}, {-0.0420, 1.0419, 0}, {-0.0197, -0.0786, 1.0979}}
	in := [3]float64{srgbToLinear(c.R), srgbToLinear(c.G), srgbToLinear(c.B)}
	var out [3]uint8
	for i := range out {
		out[i] = uint8(linearToSRGB(m[i][0]*in[0] + m[i][1]*in[1] + m[i][2]*in[2]))
	}
	return color.RGBA{out[0], out[1], out[2], 255}
}

func TestProcessAppliesTheProfile(t *testing.T) {
	p3 := color.RGBA{200, 60, 40, 255}
	want := p3ToSRGB(p3)
	if near(want, p3, 10) {
		t.Fatalf("P3 %v shows as %v in sRGB: too close for the test to prove anything", p3, want)
	}
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = p3.R, p3.G, p3.B, 255
	}
	file := withICC(encodePNG(t, m), iccProfile(displayP3))
	each(t, func(t *testing.T, p Processor) {
		src := writeFile(t, t.TempDir(), "p3.png", file)
		res, err := p.Process(context.Background(), src, []Preset{{Name: "jpeg", Width: 64, Format: JPEG, Quality: 100}}, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		v := res.Variants[0]
		checkOutput(t, v)
		b, _ := os.ReadFile(v.Path)
		if got := decodeOutput(t, v.Format, b).At(32, 24); !near(got, want, 4) {
			r, g, bb, _ := got.RGBA()
			t.Errorf("variant pixel (%d,%d,%d), want %v (the P3 numbers: %v)", r>>8, g>>8, bb>>8, want, p3)
		}
	})
}

func TestParseICC(t *testing.T) {
	if _, ok := parseICC(iccProfile(srgbD50)); ok {
		t.Error("an sRGB profile asks for a conversion")
	}
	tr, ok := parseICC(iccProfile(displayP3))
	if !ok {
		t.Fatal("the P3 profile was not read")
	}
	// Through the profile's own matrix and sRGB's inverse: white stays white.
	var sum [3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			sum[i] += tr.m[i][j]
		}
	}
	for i, s := range sum {
		if math.Abs(s-1) > 0.002 {
			t.Errorf("row %d of the matrix sums to %.4f: white would not stay white", i, s)
		}
	}
	for _, bad := range [][]byte{nil, []byte("garbage"), iccProfile(displayP3)[:200]} {
		if _, ok := parseICC(bad); ok {
			t.Errorf("parseICC accepted %d bytes of nonsense", len(bad))
		}
	}
	inv, ok := invert3(displayP3)
	if !ok {
		t.Fatal("invert3 failed")
	}
	id := mul3(inv, displayP3)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(id[i][j]-want) > 1e-9 {
				t.Fatalf("inverse × matrix = %v", id)
			}
		}
	}
}

func FuzzParseICC(f *testing.F) {
	f.Add(iccProfile(displayP3))
	f.Add(iccProfile(srgbD50))
	f.Fuzz(func(t *testing.T, b []byte) {
		if tr, ok := parseICC(b); ok {
			m := image.NewRGBA(image.Rect(0, 0, 2, 2))
			for i := range m.Pix {
				m.Pix[i] = uint8(i * 37)
			}
			tr.apply(m)
		}
	})
}
