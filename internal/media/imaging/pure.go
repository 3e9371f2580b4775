package imaging

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"

	"golang.org/x/image/webp"
)

// NewGo is the pure-Go processor: it decodes JPEG, PNG, GIF (the first frame)
// and WebP, and writes JPEG, or PNG for an image with transparency. It cannot
// write WebP or AVIF, so those presets are skipped, nor read HEIC or AVIF. It
// converts matrix/TRC RGB profiles (Display P3, Adobe RGB…) to sRGB, and takes
// any other image to be sRGB. It holds the decoded original in memory: at most
// lim.MaxPixels×4 bytes.
func NewGo(lim Limits) Processor { return goProcessor{lim: lim.withDefaults()} }

type goProcessor struct{ lim Limits }

func (goProcessor) Name() string { return "go" }

func goEncodes(f Format) bool { return f == JPEG || f == PNG }

func (g goProcessor) Process(ctx context.Context, src string, presets []Preset, tmpDir string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	info, err := inspect(ctx, src, g.lim)
	if err != nil {
		return Result{}, err
	}
	img, err := decodeGo(ctx, src, info)
	if err != nil {
		return Result{}, err
	}
	// A profile that cannot be read leaves the numbers as they are: the
	// picture is still right for the many files whose profile is sRGB's.
	var toSRGB *iccTransform
	if p, err := readICC(src, info.Format); err == nil && p != nil {
		toSRGB, _ = parseICC(p)
	}
	uw, uh := info.Upright()
	targets := plan(presets, uw, uh, !opaque(img), goEncodes)
	if len(targets) == 0 {
		return Result{}, noVariants(presets)
	}
	out := &outputs{dir: tmpDir}
	res, err := g.encodeAll(ctx, img, info, toSRGB, targets, out)
	if err != nil {
		out.removeAll()
		return Result{}, err
	}
	return res, nil
}

func (g goProcessor) encodeAll(ctx context.Context, img image.Image, info Info, toSRGB *iccTransform, targets []target, out *outputs) (Result, error) {
	res := Result{Variants: make([]Output, len(targets))}
	// Largest first, each scaled from the one before: a 12 MP original is read
	// once, not once per preset.
	from := img
	var smallest *image.RGBA
	for i := len(targets) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		t := targets[i]
		sw, sh := t.width, t.height
		if info.Orientation >= 5 {
			sw, sh = sh, sw
		}
		var scaled *image.RGBA
		if fb := from.Bounds(); fb.Dx() == sw && fb.Dy() == sh {
			scaled = toRGBA(from)
		} else {
			scaled = resize(from, sw, sh)
		}
		if toSRGB != nil && i == len(targets)-1 {
			// The widest variant is converted, and the others scaled from it.
			toSRGB.apply(scaled)
		}
		from = scaled
		upright := orient(scaled, info.Orientation)
		smallest = upright
		o, err := encodeGo(upright, t, out)
		if err != nil {
			return Result{}, err
		}
		res.Variants[i] = o
	}
	res.Placeholder, res.Dominant = placeholders(smallest)
	return res, nil
}

func encodeGo(m *image.RGBA, t target, out *outputs) (Output, error) {
	file, err := out.create(t.format)
	if err != nil {
		return Output{}, err
	}
	defer file.Close()
	w := bufio.NewWriterSize(file, 64<<10)
	switch t.format {
	case JPEG:
		q := t.preset.Quality
		if q <= 0 || q > 100 {
			q = DefaultQuality(JPEG)
		}
		err = jpeg.Encode(w, m, &jpeg.Options{Quality: q})
	case PNG:
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(w, m)
	default:
		err = fmt.Errorf("cannot write %s", t.format)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = file.Close()
	}
	if err != nil {
		return Output{}, fmt.Errorf("write %s variant: %w", t.preset.Name, err)
	}
	st, err := os.Stat(file.Name())
	if err != nil {
		return Output{}, fmt.Errorf("write %s variant: %w", t.preset.Name, err)
	}
	b := m.Bounds()
	return Output{Preset: t.preset, Width: b.Dx(), Height: b.Dy(), Format: t.format, Bytes: st.Size(), Path: file.Name()}, nil
}

// decodeGo decodes the original; for a GIF, only its first frame.
func decodeGo(ctx context.Context, src string, info Info) (image.Image, error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, fmt.Errorf("open original: %w", err)
	}
	defer f.Close()
	eof := &eofReader{r: ctxReader{ctx, f}}
	r := bufio.NewReaderSize(eof, 64<<10)
	var img image.Image
	switch info.Format {
	case JPEG:
		img, err = jpeg.Decode(r)
	case PNG:
		img, err = png.Decode(r)
	case GIF:
		img, err = gif.Decode(r)
		if err == nil {
			img = onCanvas(img, info)
		}
	case WebP:
		img, err = webp.Decode(r)
	default:
		return nil, unsupported("%s cannot be decoded on this server", formatName(info.Format))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if eof.seen {
			// The decoder wanted more than the file has.
			return nil, corrupt("the %s image is truncated", formatName(info.Format))
		}
		return nil, corrupt("the %s image data is damaged", formatName(info.Format))
	}
	if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return nil, corrupt("the %s header says %d×%d pixels but the image is %d×%d", formatName(info.Format), info.Width, info.Height, b.Dx(), b.Dy())
	}
	return img, nil
}

// eofReader notes whether its reader came to the end.
type eofReader struct {
	r    io.Reader
	seen bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if errors.Is(err, io.EOF) {
		e.seen = true
	}
	return n, err
}

func opaque(m image.Image) bool {
	if o, ok := m.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

func toRGBA(m image.Image) *image.RGBA {
	if r, ok := m.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := m.Bounds()
	return resize(m, b.Dx(), b.Dy())
}

// onCanvas places the first frame of a GIF, which may cover only part of the
// picture, on a transparent canvas of the picture's size.
func onCanvas(frame image.Image, info Info) image.Image {
	canvas := image.Rect(0, 0, info.Width, info.Height)
	if frame.Bounds() == canvas {
		return frame
	}
	m := image.NewRGBA(canvas)
	draw.Draw(m, frame.Bounds().Intersect(canvas), frame, frame.Bounds().Min, draw.Src)
	return m
}
