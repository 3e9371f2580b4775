package imaging

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// The pure-Go processor converts to sRGB the profiles phones and cameras
// embed: matrix/TRC RGB profiles (Display P3, Adobe RGB, ProPhoto, the sRGB
// variants). It reads three colorants and three tone curves, and maps each
// pixel device → linear → XYZ (D50) → linear sRGB → sRGB. A profile it cannot
// read (LUT-based, CMYK, grey) leaves the numbers as they are. libvips does all
// of this, and more, through lcms.

// maxICC bounds the profile read into memory.
const maxICC = 4 << 20

// readICC returns the ICC profile embedded in the header of an image file, or
// nil when it has none.
func readICC(path string, f Format) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	br := bufio.NewReaderSize(file, 64<<10)
	switch f {
	case JPEG:
		return jpegICC(br)
	case PNG:
		return pngICC(br)
	case WebP:
		return webpICC(br)
	}
	return nil, nil
}

func jpegICC(br *bufio.Reader) ([]byte, error) {
	var b [4]byte
	if _, err := io.ReadFull(br, b[:2]); err != nil {
		return nil, err
	}
	parts := map[byte][]byte{}
	var count byte
	total := 0
	for {
		if _, err := io.ReadFull(br, b[:4]); err != nil {
			return nil, err
		}
		for b[1] == 0xFF { // fill bytes
			copy(b[:], b[1:4])
			if _, err := io.ReadFull(br, b[3:4]); err != nil {
				return nil, err
			}
		}
		m, n := b[1], int(binary.BigEndian.Uint16(b[2:4]))-2
		if b[0] != 0xFF || n < 0 || m == 0xDA || m == 0xD9 || m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			break // the frame header or the scan: profiles come before them
		}
		seg := make([]byte, n)
		if _, err := io.ReadFull(br, seg); err != nil {
			return nil, err
		}
		if m == 0xE2 && len(seg) > 14 && string(seg[:12]) == "ICC_PROFILE\x00" {
			total += len(seg) - 14
			if total > maxICC {
				return nil, errors.New("ICC profile too large")
			}
			parts[seg[12]], count = seg[14:], seg[13]
		}
	}
	var out []byte
	for i := byte(1); i <= count; i++ {
		p, ok := parts[i]
		if !ok {
			return nil, errors.New("ICC profile incomplete")
		}
		out = append(out, p...)
	}
	return out, nil
}

func pngICC(br *bufio.Reader) ([]byte, error) {
	var b [8]byte
	if _, err := io.ReadFull(br, b[:8]); err != nil {
		return nil, err
	}
	for {
		if _, err := io.ReadFull(br, b[:8]); err != nil {
			return nil, err
		}
		n, typ := int64(binary.BigEndian.Uint32(b[:4])), string(b[4:8])
		switch typ {
		case "iCCP":
			if n > maxICC {
				return nil, errors.New("ICC profile too large")
			}
			data := make([]byte, n)
			if _, err := io.ReadFull(br, data); err != nil {
				return nil, err
			}
			i := bytes.IndexByte(data, 0)
			if i < 0 || i+2 > len(data) || data[i+1] != 0 {
				return nil, errors.New("iCCP chunk malformed")
			}
			z, err := zlib.NewReader(bytes.NewReader(data[i+2:]))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(io.LimitReader(z, maxICC))
		case "IDAT", "IEND":
			return nil, nil
		}
		if err := discard(br, n+4); err != nil {
			return nil, err
		}
	}
}

func webpICC(br *bufio.Reader) ([]byte, error) {
	var b [12]byte
	if _, err := io.ReadFull(br, b[:12]); err != nil {
		return nil, err
	}
	for {
		if _, err := io.ReadFull(br, b[:8]); err != nil {
			return nil, err
		}
		typ, n := string(b[:4]), int64(binary.LittleEndian.Uint32(b[4:8]))
		switch typ {
		case "ICCP":
			if n > maxICC {
				return nil, errors.New("ICC profile too large")
			}
			data := make([]byte, n)
			_, err := io.ReadFull(br, data)
			return data, err
		case "VP8X":
		default: // the image data: a profile comes before it
			return nil, nil
		}
		if err := discard(br, n+n&1); err != nil {
			return nil, err
		}
	}
}
