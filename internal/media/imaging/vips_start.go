//go:build vips

package imaging

import (
	"os"
	"sync"

	"github.com/davidbyttow/govips/v2/vips"
)

var startOnce sync.Once

// startVips starts libvips once per process: loaders it marks untrusted
// (ImageMagick, PDF, SVG…) are blocked, its operation cache is off (each
// original is read once, and a cache would only hold memory), and its chatter
// is dropped: failures come back as errors.
func startVips() {
	startOnce.Do(func() {
		os.Setenv("VIPS_BLOCK_UNTRUSTED", "1")
		vips.LoggingSettings(func(string, vips.LogLevel, string) {}, vips.LogLevelError)
		vips.Startup(&vips.Config{ConcurrencyLevel: 0, MaxCacheFiles: 0, MaxCacheMem: 0, MaxCacheSize: 0})
	})
}

func canDecode(f Format) bool {
	switch f {
	case HEIC:
		return decodesHEIC()
	case AVIF:
		return decodesAVIF()
	}
	return true
}

var (
	decodesHEIC = sync.OnceValue(func() bool { return decodesSample(vips.ImageTypeHEIF, sampleHEIC) })
	decodesAVIF = sync.OnceValue(func() bool { return decodesSample(vips.ImageTypeAVIF, sampleAVIF) })
	encodesAVIF = sync.OnceValue(func() bool {
		startVips()
		img, err := vips.Black(2, 2)
		if err != nil {
			return false
		}
		defer img.Close()
		_, _, err = img.ExportAvif(&vips.AvifExportParams{StripMetadata: true, Quality: 50, Bitdepth: 8, Effort: 0})
		return err == nil
	})
)

// decodesSample tells whether libvips decodes a sample of a format to pixels.
func decodesSample(t vips.ImageType, sample string) bool {
	startVips()
	if !vips.IsTypeSupported(t) {
		return false
	}
	img, err := vips.LoadImageFromBuffer([]byte(sample), nil)
	if err != nil {
		return false
	}
	defer img.Close()
	_, err = img.ToBytes()
	return err == nil
}

func vipsEncodes(f Format) bool {
	switch f {
	case JPEG, PNG, WebP:
		return true
	case AVIF:
		return encodesAVIF()
	}
	return false
}
