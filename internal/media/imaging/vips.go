//go:build vips

package imaging

import (
	"context"
	"fmt"
	"image"
	"strings"

	"github.com/davidbyttow/govips/v2/vips"
)

// New is the libvips processor with the default limits.
func New() Processor { return NewWithLimits(Limits{}) }

// NewWithLimits is New with other header limits. libvips starts on first use.
func NewWithLimits(lim Limits) Processor { return vipsProcessor{lim: lim.withDefaults()} }

type vipsProcessor struct{ lim Limits }

// maxCoord is libvips' largest dimension: as a thumbnail's height bound it lets
// the width alone decide the scale.
const maxCoord = 10_000_000

func (vipsProcessor) Name() string { return "libvips" }

func (v vipsProcessor) Process(ctx context.Context, src string, presets []Preset, tmpDir string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	startVips()
	info, err := inspect(ctx, src, v.lim)
	if err != nil {
		return Result{}, err
	}
	if strings.ContainsAny(src, "[]") {
		return Result{}, fmt.Errorf("original path %q: libvips reads brackets as options", src)
	}
	uw, uh := info.Upright()
	widest := 0
	for _, p := range presets {
		widest = max(widest, min(p.Width, uw))
	}
	if widest <= 0 {
		return Result{}, noVariants(presets)
	}
	img, err := thumbnail(ctx, src, widest, info.Format)
	if err != nil {
		return Result{}, err
	}
	defer img.Close()
	targets := plan(presets, uw, uh, img.HasAlpha(), vipsEncodes)
	if len(targets) == 0 {
		return Result{}, noVariants(presets)
	}
	out := &outputs{dir: tmpDir}
	res, err := v.encodeAll(ctx, img, targets, out)
	if err != nil {
		out.removeAll()
		return Result{}, err
	}
	return res, nil
}

// thumbnail makes the widest variant's pixels: shrunk on load, upright, first
// page only, in sRGB. The loader is told to fail on decoder warnings, but
// libvips 8.14 reports some (a truncated JPEG) only once the pixels are out,
// which is why inspect checks the structure first. libvips reads the file once,
// in order, so the result is held in memory (as an uncompressed TIFF: a
// 1080-pixel picture is a few MB) for the narrower variants to be made from it.
func thumbnail(ctx context.Context, src string, width int, f Format) (*vips.ImageRef, error) {
	params := vips.NewImportParams()
	params.FailOnError.Set(true)
	// (On a failure here govips reads the file whole, to retry it as BMP; the
	// upload size limit bounds that.)
	img, err := vips.LoadThumbnailFromFile(src, width, maxCoord, vips.InterestingNone, vips.SizeDown, params)
	if err != nil {
		return nil, vipsDecodeError(ctx, f, err)
	}
	defer img.Close()
	if err := toSRGB(img); err != nil {
		return nil, err
	}
	buf, _, err := img.ExportTiff(&vips.TiffExportParams{StripMetadata: true, Compression: vips.TiffCompressionNone, Predictor: vips.TiffPredictorNone})
	if err != nil {
		return nil, vipsDecodeError(ctx, f, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	held, err := vips.LoadImageFromBuffer(buf, nil)
	if err != nil {
		return nil, fmt.Errorf("reload thumbnail: %w", err)
	}
	return held, nil
}

// toSRGB converts img from its embedded profile to sRGB, and any other colour
// space (CMYK, 16-bit, grey with a profile) to 8-bit sRGB.
func toSRGB(img *vips.ImageRef) error {
	if img.HasICCProfile() {
		if err := img.TransformICCProfileWithFallback("srgb", "srgb"); err != nil { // libvips' built-in sRGB
			return corrupt("the image's colour profile cannot be applied")
		}
	}
	switch img.Interpretation() {
	case vips.InterpretationSRGB, vips.InterpretationBW:
		if img.BandFormat() == vips.BandFormatUchar {
			return nil
		}
	}
	if err := img.ToColorSpace(vips.InterpretationSRGB); err != nil {
		return fmt.Errorf("convert to sRGB: %w", err)
	}
	if img.BandFormat() != vips.BandFormatUchar {
		if err := img.Cast(vips.BandFormatUchar); err != nil {
			return fmt.Errorf("convert to 8 bits: %w", err)
		}
	}
	return nil
}

func (v vipsProcessor) encodeAll(ctx context.Context, img *vips.ImageRef, targets []target, out *outputs) (Result, error) {
	res := Result{Variants: make([]Output, len(targets))}
	var smallest *vips.ImageRef
	defer func() {
		if smallest != nil && smallest != img {
			smallest.Close()
		}
	}()
	for i := len(targets) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		t := targets[i]
		m := img
		switch {
		case t.width == img.Width():
		case smallest != nil && smallest.Width() == t.width:
			m = smallest // the same size in another format
		default:
			c, err := img.Copy()
			if err != nil {
				return Result{}, fmt.Errorf("copy image: %w", err)
			}
			if err := c.Resize(float64(t.width)/float64(img.Width()), vips.KernelLanczos3); err != nil {
				c.Close()
				return Result{}, fmt.Errorf("resize to %d: %w", t.width, err)
			}
			m = c
		}
		o, err := encodeVips(m, t, out)
		if smallest != nil && smallest != img && smallest != m {
			smallest.Close()
		}
		smallest = m
		if err != nil {
			return Result{}, err
		}
		res.Variants[i] = o
	}
	small, err := vipsRGBA(smallest)
	if err != nil {
		return Result{}, err
	}
	res.Placeholder, res.Dominant = placeholders(small)
	return res, nil
}

func encodeVips(m *vips.ImageRef, t target, out *outputs) (Output, error) {
	q := t.preset.Quality
	var buf []byte
	var err error
	switch t.format {
	case WebP:
		buf, _, err = m.ExportWebp(&vips.WebpExportParams{StripMetadata: true, Quality: quality(q, DefaultQuality(WebP)), ReductionEffort: 4})
		if err == nil {
			buf, err = stripWebP(buf)
		}
	case JPEG:
		buf, _, err = m.ExportJpeg(&vips.JpegExportParams{StripMetadata: true, Quality: quality(q, DefaultQuality(JPEG)), Interlace: true, OptimizeCoding: true})
	case PNG:
		buf, _, err = m.ExportPng(&vips.PngExportParams{StripMetadata: true, Compression: 6, Filter: vips.PngFilterAll})
	case AVIF:
		buf, _, err = m.ExportAvif(&vips.AvifExportParams{StripMetadata: true, Quality: quality(q, DefaultQuality(AVIF)), Bitdepth: 8, Effort: 4})
	default:
		err = fmt.Errorf("cannot write %s", t.format)
	}
	if err != nil {
		return Output{}, fmt.Errorf("encode %s variant: %w", t.preset.Name, err)
	}
	file, err := out.create(t.format)
	if err != nil {
		return Output{}, err
	}
	_, err = file.Write(buf)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Output{}, fmt.Errorf("write %s variant: %w", t.preset.Name, err)
	}
	return Output{Preset: t.preset, Width: m.Width(), Height: m.Height(), Format: t.format, Bytes: int64(len(buf)), Path: file.Name()}, nil
}

func quality(q, def int) int {
	if q <= 0 || q > 100 {
		return def
	}
	return q
}

// vipsRGBA renders img at most 32 pixels across as a premultiplied RGBA image
// for the placeholders.
func vipsRGBA(img *vips.ImageRef) (*image.RGBA, error) {
	c, err := img.Copy()
	if err != nil {
		return nil, fmt.Errorf("copy image: %w", err)
	}
	defer c.Close()
	if err := c.Thumbnail(32, 32, vips.InterestingNone); err != nil {
		return nil, fmt.Errorf("placeholder: %w", err)
	}
	if c.Bands() < 3 {
		if err := c.ToColorSpace(vips.InterpretationSRGB); err != nil {
			return nil, fmt.Errorf("placeholder: %w", err)
		}
	}
	pix, err := c.ToBytes()
	if err != nil {
		return nil, fmt.Errorf("placeholder: %w", err)
	}
	w, h, bands := c.Width(), c.Height(), c.Bands()
	if len(pix) < w*h*bands || bands < 3 {
		return nil, fmt.Errorf("placeholder: %d bytes for %d×%d×%d", len(pix), w, h, bands)
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		p := pix[i*bands:]
		a := uint32(255)
		if bands >= 4 {
			a = uint32(p[3])
		}
		d := m.Pix[4*i:]
		d[0], d[1], d[2], d[3] = uint8(uint32(p[0])*a/255), uint8(uint32(p[1])*a/255), uint8(uint32(p[2])*a/255), uint8(a)
	}
	return m, nil
}

// vipsDecodeError turns a libvips failure into a reason safe to show; libvips'
// own text names files and internals.
func vipsDecodeError(ctx context.Context, f Format, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"premature end", "truncated", "unexpected end", "out of data", "end of file", "not enough data", "short read"} {
		if strings.Contains(msg, s) {
			return corrupt("the %s image is truncated", formatName(f))
		}
	}
	return corrupt("the %s image data is damaged", formatName(f))
}
