package imaging

import (
	"encoding/binary"
	"image"
	"math"
)

// iccTransform maps 8-bit device RGB to 8-bit sRGB.
type iccTransform struct {
	lin [3][256]float64 // per channel: device value → linear
	m   [3][3]float64   // linear device → linear sRGB
}

// srgbD50 holds sRGB's colorants adapted to D50 (as in the ICC's sRGB
// profile), one per column.
var srgbD50 = [3][3]float64{
	{0.4360747, 0.3850649, 0.1430804},
	{0.2225045, 0.7168786, 0.0606169},
	{0.0139322, 0.0971045, 0.7141733},
}

// parseICC reads a matrix/TRC RGB profile; ok is false for any other kind, and
// for one that is sRGB already.
func parseICC(p []byte) (t *iccTransform, ok bool) {
	if len(p) < 132 || string(p[16:20]) != "RGB " || string(p[20:24]) != "XYZ " || string(p[36:40]) != "acsp" {
		return nil, false
	}
	n := int(binary.BigEndian.Uint32(p[128:]))
	tags := map[string][]byte{}
	for i := 0; i < n && 132+12*i+12 <= len(p); i++ {
		e := p[132+12*i:]
		off, size := int(binary.BigEndian.Uint32(e[4:])), int(binary.BigEndian.Uint32(e[8:]))
		if off < 0 || size < 0 || off+size > len(p) || off+size < off {
			return nil, false
		}
		tags[string(e[:4])] = p[off : off+size]
	}
	var src [3][3]float64
	t = &iccTransform{}
	for c, name := range []string{"r", "g", "b"} {
		xyz := tags[name+"XYZ"]
		if len(xyz) < 20 || string(xyz[:4]) != "XYZ " {
			return nil, false
		}
		for row := 0; row < 3; row++ {
			src[row][c] = s15f16(xyz[8+4*row:])
		}
		curve, ok := parseTRC(tags[name+"TRC"])
		if !ok {
			return nil, false
		}
		for v := 0; v < 256; v++ {
			t.lin[c][v] = curve(float64(v) / 255)
		}
	}
	inv, ok := invert3(srgbD50)
	if !ok {
		return nil, false
	}
	t.m = mul3(inv, src)
	if t.isIdentity() {
		return nil, false
	}
	return t, true
}

// isIdentity tells a profile that is sRGB under another name.
func (t *iccTransform) isIdentity() bool {
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(t.m[i][j]-want) > 0.01 {
				return false
			}
		}
		for v := 0; v < 256; v += 15 {
			if math.Abs(t.lin[i][v]-srgbToLinear(uint8(v))) > 0.005 {
				return false
			}
		}
	}
	return true
}

func s15f16(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) / 65536 }

// parseTRC reads a tone curve: 'curv' (identity, a gamma, or a table) or
// 'para' (the five parametric functions).
func parseTRC(b []byte) (func(float64) float64, bool) {
	if len(b) < 12 {
		return nil, false
	}
	switch string(b[:4]) {
	case "curv":
		n := int(binary.BigEndian.Uint32(b[8:]))
		switch {
		case n == 0:
			return func(x float64) float64 { return x }, true
		case n == 1 && len(b) >= 14:
			g := float64(binary.BigEndian.Uint16(b[12:])) / 256
			return func(x float64) float64 { return math.Pow(x, g) }, true
		case n > 1 && len(b) >= 12+2*n:
			table := make([]float64, n)
			for i := range table {
				table[i] = float64(binary.BigEndian.Uint16(b[12+2*i:])) / 65535
			}
			return func(x float64) float64 {
				pos := x * float64(n-1)
				i := min(int(pos), n-2)
				f := pos - float64(i)
				return table[i]*(1-f) + table[i+1]*f
			}, true
		}
	case "para":
		kind := int(binary.BigEndian.Uint16(b[8:]))
		counts := []int{1, 3, 4, 5, 7}
		if kind >= len(counts) || len(b) < 12+4*counts[kind] {
			return nil, false
		}
		var q [7]float64
		for i := 0; i < counts[kind]; i++ {
			q[i] = s15f16(b[12+4*i:])
		}
		g, a, bb, c, d, e, f := q[0], q[1], q[2], q[3], q[4], q[5], q[6]
		pow := func(x float64) float64 { return math.Pow(max(x, 0), g) }
		switch kind {
		case 0:
			return pow, true
		case 1:
			return func(x float64) float64 {
				if x >= -bb/a {
					return pow(a*x + bb)
				}
				return 0
			}, a != 0
		case 2:
			return func(x float64) float64 {
				if x >= -bb/a {
					return pow(a*x+bb) + c
				}
				return c
			}, a != 0
		case 3:
			return func(x float64) float64 {
				if x >= d {
					return pow(a*x + bb)
				}
				return c * x
			}, true
		case 4:
			return func(x float64) float64 {
				if x >= d {
					return pow(a*x+bb) + e
				}
				return c*x + f
			}, true
		}
	}
	return nil, false
}

func mul3(a, b [3][3]float64) (out [3][3]float64) {
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				out[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return out
}

func invert3(m [3][3]float64) (out [3][3]float64, ok bool) {
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
		m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
		m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	if math.Abs(det) < 1e-12 {
		return out, false
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			// The cofactor of (j, i), for the adjugate.
			r0, r1 := (j+1)%3, (j+2)%3
			c0, c1 := (i+1)%3, (i+2)%3
			out[i][j] = (m[r0][c0]*m[r1][c1] - m[r0][c1]*m[r1][c0]) / det
		}
	}
	return out, true
}

// apply converts m (premultiplied) to sRGB in place.
func (t *iccTransform) apply(m *image.RGBA) {
	var enc [4096]uint8 // linear, in 4096 steps → sRGB
	for i := range enc {
		enc[i] = uint8(linearToSRGB(float64(i) / 4095))
	}
	for y := m.Rect.Min.Y; y < m.Rect.Max.Y; y++ {
		row := m.Pix[m.PixOffset(m.Rect.Min.X, y):m.PixOffset(m.Rect.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			a := row[i+3]
			if a == 0 {
				continue
			}
			var in [3]float64
			for c := 0; c < 3; c++ {
				v := row[i+c]
				if a != 255 {
					v = uint8(min(255, (int(v)*255+int(a)/2)/int(a)))
				}
				in[c] = t.lin[c][v]
			}
			for c := 0; c < 3; c++ {
				l := t.m[c][0]*in[0] + t.m[c][1]*in[1] + t.m[c][2]*in[2]
				v := enc[int(max(0, min(1, l))*4095+0.5)]
				if a != 255 {
					v = uint8((int(v)*int(a) + 127) / 255)
				}
				row[i+c] = v
			}
		}
	}
}
