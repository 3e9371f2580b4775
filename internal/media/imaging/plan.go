package imaging

import (
	"fmt"
	"slices"
)

func presetName(width int, f Format) string { return fmt.Sprintf("%d-%s", width, f) }

// target is one variant to make: a preset resolved against an image.
type target struct {
	preset Preset
	width  int
	height int
	format Format
}

// plan resolves presets against an upright image of w×h pixels: a JPEG preset
// becomes PNG when the image has transparency; a format the processor cannot
// write is skipped; a preset wider than the image gives the image's own width
// (never upscaled), so two presets may meet at one size, of which the first is
// kept. The targets come smallest first, in preset order within a width.
func plan(presets []Preset, w, h int, alpha bool, canEncode func(Format) bool) []target {
	var out []target
	for _, p := range presets {
		f := p.Format
		if f == JPEG && alpha {
			f = PNG
		}
		if p.Width <= 0 || w <= 0 || h <= 0 || !canEncode(f) {
			continue
		}
		tw := min(p.Width, w)
		th := max(1, int((int64(h)*int64(tw)+int64(w)/2)/int64(w)))
		if slices.ContainsFunc(out, func(t target) bool { return t.width == tw && t.format == f }) {
			continue
		}
		out = append(out, target{preset: p, width: tw, height: th, format: f})
	}
	slices.SortStableFunc(out, func(a, b target) int { return a.width - b.width })
	return out
}
