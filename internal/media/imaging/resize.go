package imaging

import (
	"image"
	"image/color"
)

// resize scales src to w×h by area averaging: each output pixel is the mean of
// the source pixels it covers, weighted by how much of each it covers. That is
// the right filter for shrinking, which is all Lyo does. It works one source row
// at a time, so beyond the output it holds two rows of floats.
func resize(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xs := spans(sw, w)
	row := make([]uint8, 4*sw)
	hrow := make([]float32, 4*w) // the current source row, resized across
	acc := make([]float32, 4*w)  // the output row being gathered
	read := rowReader(src)
	scale := float64(h) / float64(sh)
	oy := 0
	var covered float64 // how much of output row oy has been gathered
	for sy := 0; sy < sh && oy < h; sy++ {
		read(b.Min.Y+sy, row)
		for i := range hrow {
			hrow[i] = 0
		}
		for ox, sp := range xs {
			for _, c := range sp {
				p := row[4*c.i : 4*c.i+4]
				o := hrow[4*ox : 4*ox+4]
				o[0] += c.w * float32(p[0])
				o[1] += c.w * float32(p[1])
				o[2] += c.w * float32(p[2])
				o[3] += c.w * float32(p[3])
			}
		}
		// Source row sy covers [sy*scale, (sy+1)*scale) of the output rows.
		lo, hi := float64(sy)*scale, float64(sy+1)*scale
		for lo < hi-1e-9 && oy < h {
			part := min(hi, float64(oy+1)) - lo
			for i, v := range hrow {
				acc[i] += float32(part) * v
			}
			covered += part
			lo += part
			if float64(oy+1)-lo < 1e-9 {
				emit(dst, oy, acc, covered)
				covered = 0
				oy++
			}
		}
	}
	if oy < h {
		emit(dst, oy, acc, covered)
	}
	return dst
}

func emit(dst *image.RGBA, y int, acc []float32, covered float64) {
	out := dst.Pix[y*dst.Stride : y*dst.Stride+len(acc)]
	k := float32(1 / max(covered, 1e-9))
	for i, v := range acc {
		out[i] = clamp8(v * k)
		acc[i] = 0
	}
}

func clamp8(v float32) uint8 {
	v += 0.5
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v)
}

type contrib struct {
	i int
	w float32
}

// spans lists, for each of n output columns, the source columns among sn it
// covers and their weights (summing to 1).
func spans(sn, n int) [][]contrib {
	out := make([][]contrib, n)
	scale := float64(sn) / float64(n)
	for o := range out {
		lo, hi := float64(o)*scale, float64(o+1)*scale
		for s := int(lo); s < sn && float64(s) < hi; s++ {
			part := min(hi, float64(s+1)) - max(lo, float64(s))
			if part > 1e-9 {
				out[o] = append(out[o], contrib{s, float32(part / scale)})
			}
		}
	}
	return out
}

// rowReader returns a function that writes row y of src into row as
// premultiplied RGBA bytes, with fast paths for what the decoders produce.
func rowReader(src image.Image) func(y int, row []uint8) {
	b := src.Bounds()
	switch m := src.(type) {
	case *image.YCbCr:
		return func(y int, row []uint8) {
			yi := m.YOffset(b.Min.X, y)
			for x := b.Min.X; x < b.Max.X; x++ {
				ci := m.COffset(x, y)
				r, g, bb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				o := 4 * (x - b.Min.X)
				row[o], row[o+1], row[o+2], row[o+3] = r, g, bb, 255
				yi++
			}
		}
	case *image.RGBA:
		return func(y int, row []uint8) {
			i := m.PixOffset(b.Min.X, y)
			copy(row, m.Pix[i:i+4*b.Dx()])
		}
	case *image.NRGBA:
		return func(y int, row []uint8) {
			i := m.PixOffset(b.Min.X, y)
			p := m.Pix[i : i+4*b.Dx()]
			for o := 0; o < len(p); o += 4 {
				a := uint32(p[o+3])
				row[o] = uint8((uint32(p[o])*a + 127) / 255)
				row[o+1] = uint8((uint32(p[o+1])*a + 127) / 255)
				row[o+2] = uint8((uint32(p[o+2])*a + 127) / 255)
				row[o+3] = uint8(a)
			}
		}
	case *image.Gray:
		return func(y int, row []uint8) {
			i := m.PixOffset(b.Min.X, y)
			for x, v := range m.Pix[i : i+b.Dx()] {
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = v, v, v, 255
			}
		}
	case *image.Paletted:
		pal := make([][4]uint8, 256)
		for i, c := range m.Palette {
			r, g, bb, a := c.RGBA()
			pal[i] = [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), uint8(a >> 8)}
		}
		return func(y int, row []uint8) {
			i := m.PixOffset(b.Min.X, y)
			for x, v := range m.Pix[i : i+b.Dx()] {
				copy(row[4*x:4*x+4], pal[v][:])
			}
		}
	}
	return func(y int, row []uint8) {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, a := src.At(x, y).RGBA()
			o := 4 * (x - b.Min.X)
			row[o], row[o+1], row[o+2], row[o+3] = uint8(r>>8), uint8(g>>8), uint8(bb>>8), uint8(a>>8)
		}
	}
}

// orient applies an EXIF orientation to m, giving the upright picture.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return m
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored left-right
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored top-bottom
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // to be turned a quarter clockwise
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // to be turned a quarter anticlockwise
				dx, dy = y, w-1-x
			}
			copy(out.Pix[dy*out.Stride+4*dx:dy*out.Stride+4*dx+4], m.Pix[y*m.Stride+4*x:y*m.Stride+4*x+4])
		}
	}
	return out
}
