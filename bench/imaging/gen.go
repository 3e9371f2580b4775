package main

import (
	"bufio"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
)

// generate writes a w×h JPEG that compresses like a photograph: smooth light
// across the frame, shapes with edges, and sensor-like noise, at quality 92 (a
// phone's 12 MP photo is 3 to 5 MB).
func generate(path string, w, h int) error {
	rng := rand.New(rand.NewPCG(11, 12))
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	type disc struct{ x, y, r, cb, cr float64 }
	discs := make([]disc, 40)
	for i := range discs {
		discs[i] = disc{rng.Float64() * float64(w), rng.Float64() * float64(h), 50 + rng.Float64()*float64(h)/4, rng.Float64()*200 + 28, rng.Float64()*200 + 28}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			l := 60 + 120*fy + 40*math.Sin(fx*9+fy*4) + rng.NormFloat64()*6
			cb, cr := 128+30*math.Cos(fx*5), 128+30*math.Sin(fy*7)
			for _, d := range discs {
				if dx, dy := float64(x)-d.x, float64(y)-d.y; dx*dx+dy*dy < d.r*d.r {
					l += 25 * math.Cos(dx/17) * math.Sin(dy/23)
					cb, cr = d.cb, d.cr
				}
			}
			m.Y[m.YOffset(x, y)] = clamp(l)
			if x%2 == 0 && y%2 == 0 {
				i := m.COffset(x, y)
				m.Cb[i], m.Cr[i] = clamp(cb), clamp(cr)
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := jpeg.Encode(bw, m, &jpeg.Options{Quality: 92}); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func clamp(v float64) uint8 { return uint8(max(0, min(255, v+0.5))) }

// onePixelPNG is a 1×1 grey PNG, for timing vipsthumbnail's start-up.
var onePixelPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc`\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00IEND\xaeB`\x82")
