package imaging

import (
	"encoding/binary"
	"errors"
)

// stripWebP removes the EXIF, XMP and ICC chunks of a WebP file and clears
// their flags in the VP8X header. libvips 8.14 writes an EXIF chunk even when
// told to strip metadata, and a variant must carry none.
func stripWebP(b []byte) ([]byte, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil, errors.New("strip webp: not a WebP file")
	}
	out := append(make([]byte, 0, len(b)), b[:12]...)
	for i := 12; i < len(b); {
		if i+8 > len(b) {
			return nil, errors.New("strip webp: truncated chunk header")
		}
		typ := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		end := i + 8 + n + n&1
		if n < 0 || end > len(b) {
			return nil, errors.New("strip webp: chunk overruns the file")
		}
		switch typ {
		case "EXIF", "XMP ", "ICCP":
		case "VP8X":
			at := len(out)
			out = append(out, b[i:end]...)
			if n > 0 {
				const icc, exif, xmp = 0x20, 0x08, 0x04
				out[at+8] &^= icc | exif | xmp
			}
		default:
			out = append(out, b[i:end]...)
		}
		i = end
	}
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out, nil
}
