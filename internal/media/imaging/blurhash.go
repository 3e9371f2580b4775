package imaging

import (
	"fmt"
	"image"
	"math"
	"strings"
)

// blurhash encodes m (premultiplied, expected small: a few dozen pixels across)
// with nx×ny components, per the BlurHash specification: a DCT of the image in
// linear light, quantised into base 83.
func blurhash(m *image.RGBA, nx, ny int) string {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if w == 0 || h == 0 {
		return ""
	}
	lin := make([][3]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := m.Pix[y*m.Stride+4*x:]
			lin[y*w+x] = [3]float64{srgbToLinear(p[0]), srgbToLinear(p[1]), srgbToLinear(p[2])}
		}
	}
	factors := make([][3]float64, 0, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			norm := 2.0
			if i == 0 && j == 0 {
				norm = 1
			}
			var f [3]float64
			for y := 0; y < h; y++ {
				cy := math.Cos(math.Pi * float64(j) * float64(y) / float64(h))
				for x := 0; x < w; x++ {
					basis := norm * math.Cos(math.Pi*float64(i)*float64(x)/float64(w)) * cy
					c := lin[y*w+x]
					f[0] += basis * c[0]
					f[1] += basis * c[1]
					f[2] += basis * c[2]
				}
			}
			scale := 1 / float64(w*h)
			factors = append(factors, [3]float64{f[0] * scale, f[1] * scale, f[2] * scale})
		}
	}
	var sb strings.Builder
	base83(&sb, (nx-1)+(ny-1)*9, 1)
	maxAC := 1.0
	if ac := factors[1:]; len(ac) > 0 {
		actual := 0.0
		for _, f := range ac {
			actual = max(actual, math.Abs(f[0]), math.Abs(f[1]), math.Abs(f[2]))
		}
		q := max(0, min(82, int(math.Floor(actual*166-0.5))))
		maxAC = float64(q+1) / 166
		base83(&sb, q, 1)
	} else {
		base83(&sb, 0, 1)
	}
	dc := factors[0]
	base83(&sb, linearToSRGB(dc[0])<<16|linearToSRGB(dc[1])<<8|linearToSRGB(dc[2]), 4)
	for _, f := range factors[1:] {
		q := func(v float64) int {
			return max(0, min(18, int(math.Floor(signPow(v/maxAC, 0.5)*9+9.5))))
		}
		base83(&sb, q(f[0])*19*19+q(f[1])*19+q(f[2]), 2)
	}
	return sb.String()
}

const base83Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

func base83(sb *strings.Builder, v, digits int) {
	for i := digits - 1; i >= 0; i-- {
		d := v / int(math.Pow(83, float64(i))) % 83
		sb.WriteByte(base83Chars[d])
	}
}

func srgbToLinear(v uint8) float64 {
	c := float64(v) / 255
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

func linearToSRGB(v float64) int {
	v = max(0, min(1, v))
	if v <= 0.0031308 {
		return int(v*12.92*255 + 0.5)
	}
	return int((1.055*math.Pow(v, 1/2.4)-0.055)*255 + 0.5)
}

func signPow(v, exp float64) float64 {
	return math.Copysign(math.Pow(math.Abs(v), exp), v)
}

// dominant is the most common colour of m: pixels are counted in buckets of 16
// levels a channel (weighted by opacity), and the fullest bucket's mean is the
// answer, written #rrggbb.
func dominant(m *image.RGBA) string {
	type bucket struct{ n, r, g, b float64 }
	var bs [4096]bucket
	best := -1
	for y := m.Rect.Min.Y; y < m.Rect.Max.Y; y++ {
		for x := m.Rect.Min.X; x < m.Rect.Max.X; x++ {
			p := m.Pix[m.PixOffset(x, y):]
			a := float64(p[3]) / 255
			if a == 0 {
				continue
			}
			// Un-premultiply to bucket by the colour itself.
			r, g, b := min(255, float64(p[0])/a), min(255, float64(p[1])/a), min(255, float64(p[2])/a)
			k := int(r)>>4<<8 | int(g)>>4<<4 | int(b)>>4
			bk := &bs[k]
			bk.n += a
			bk.r += r * a
			bk.g += g * a
			bk.b += b * a
			if best < 0 || bk.n > bs[best].n {
				best = k
			}
		}
	}
	if best < 0 {
		return "#000000"
	}
	bk := bs[best]
	c := func(v float64) int { return max(0, min(255, int(v/bk.n+0.5))) }
	return fmt.Sprintf("#%02x%02x%02x", c(bk.r), c(bk.g), c(bk.b))
}
