// Package imaging turns an uploaded photo into the variants Lyo serves: it tells
// the type from the content, reads dimensions and frame counts from the header
// before anything is decoded (so a decompression bomb is refused cheaply), and
// then decodes, orients, converts to sRGB, strips every piece of metadata and
// encodes each preset. Two processors sit behind one interface: libvips through
// govips when built with the vips tag, and a pure-Go fallback (JPEG, and PNG
// where the image has alpha) otherwise. An animated GIF or WebP gives stills
// of its first frame.
package imaging

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lyolearn/lyo/internal/fault"
)

// Format is an image format, named as in a MIME subtype.
type Format string

// Formats Lyo accepts or writes.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
	HEIC Format = "heic"
	AVIF Format = "avif"
)

// MIME is the media type a browser expects for f.
func (f Format) MIME() string {
	if f == HEIC {
		return "image/heic"
	}
	return "image/" + string(f)
}

// Ext is the file extension for f, without the dot.
func (f Format) Ext() string {
	if f == JPEG {
		return "jpg"
	}
	return string(f)
}

// Kind is the broad class of a media file.
type Kind string

// KindImage is a still or animated picture.
const KindImage Kind = "image"

// Kind is the class of media f belongs to.
func (f Format) Kind() Kind { return KindImage }

// The kinds of failure. Every error this package returns for bad input wraps one
// of them in a *fault.Error whose message is safe to show to the uploader.
var (
	ErrUnsupported   = errors.New("unsupported media type")
	ErrTooLarge      = errors.New("image dimensions too large")
	ErrTooManyFrames = errors.New("too many animation frames")
	ErrCorrupt       = errors.New("image cannot be decoded")
)

func unsupported(format string, args ...any) error {
	return fault.New(ErrUnsupported, "unsupported_type", format, args...)
}

func corrupt(format string, args ...any) error {
	return fault.New(ErrCorrupt, "corrupt_image", format, args...)
}

// Limits bound what an upload may claim in its header.
type Limits struct {
	// MaxPixels is the largest width×height accepted; 0 means 50,000,000.
	MaxPixels int64
	// MaxFrames is the most animation frames accepted; 0 means 100.
	MaxFrames int
}

// Default limits.
const (
	DefaultMaxPixels = 50_000_000
	DefaultMaxFrames = 100
)

func (l Limits) withDefaults() Limits {
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxFrames <= 0 {
		l.MaxFrames = DefaultMaxFrames
	}
	return l
}

// Info is what a header says about an image.
type Info struct {
	Format Format
	Width  int
	Height int
	// Frames is 1 for a still image; for an animation whose reader ended
	// early, the frames seen.
	Frames int
	// Orientation is the EXIF orientation, 1 (upright) to 8; 1 when absent.
	// Width and Height are as stored, before the orientation is applied.
	Orientation int
}

// Upright gives the dimensions as displayed, once the orientation is applied.
func (i Info) Upright() (w, h int) {
	if i.Orientation >= 5 && i.Orientation <= 8 {
		return i.Height, i.Width
	}
	return i.Width, i.Height
}

// Preset is one variant to make: an image Width pixels wide (never wider than
// the original) in Format. A JPEG preset is the universal fallback: for an
// image with transparency it is written as PNG instead.
type Preset struct {
	Name    string
	Width   int
	Format  Format
	Quality int
}

// DefaultPresets are three widths, each in WebP and in the JPEG fallback,
// smallest first.
func DefaultPresets() []Preset { return Presets([]int{150, 480, 1080}, WebP, JPEG) }

// Presets makes a preset for each width in each format, named
// "{width}-{format}" at the format's default quality, smallest first. AVIF
// belongs in the list only where the configuration asks for it: it is the
// slowest to encode by far.
func Presets(widths []int, formats ...Format) []Preset {
	ws := slices.Clone(widths)
	slices.Sort(ws)
	var ps []Preset
	for _, w := range slices.Compact(ws) {
		for _, f := range formats {
			ps = append(ps, Preset{Name: presetName(w, f), Width: w, Format: f, Quality: DefaultQuality(f)})
		}
	}
	return ps
}

// DefaultQuality is the encoder quality a preset of format f gets unless it
// says otherwise: about where each format's artefacts stop being visible at
// phone-screen sizes.
func DefaultQuality(f Format) int {
	switch f {
	case WebP:
		return 80
	case AVIF:
		return 55
	}
	return 82
}

// ParseFormat reads a format name as configuration writes it: "jpeg" (or
// "jpg"), "png", "webp", "avif".
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "jpg":
		return JPEG, nil
	case JPEG, PNG, WebP, AVIF:
		return f, nil
	}
	return "", fmt.Errorf("image format %q: want jpeg, png, webp or avif", s)
}

// Output is one variant written to a temporary file, which the caller moves
// into storage and removes.
type Output struct {
	Preset Preset
	Width  int
	Height int
	Format Format
	Bytes  int64
	Path   string
}

// Result is what processing made of one original.
type Result struct {
	// Variants are listed smallest first.
	Variants []Output
	// Placeholder is a blurhash of the image, to paint while a variant loads.
	Placeholder string
	// Dominant is the image's most common colour as #rrggbb.
	Dominant string
}

// Processor makes the variants of an original on local disk. Process writes
// its files into tmpDir; on error it leaves nothing there.
type Processor interface {
	Process(ctx context.Context, src string, presets []Preset, tmpDir string) (Result, error)
	// Name says which implementation runs: "libvips" or "go".
	Name() string
}
