package imaging

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/lyolearn/lyo/internal/fault"
)

// headerBudget bounds how far Probe reads looking for the dimensions of a JPEG,
// PNG or HEIF file: an honest header is found within a few hundred kilobytes.
const headerBudget = 16 << 20

// Probe reads the header of an image from r and never decodes pixels. It returns
// the format, the dimensions, the frame count (animated GIF, WebP and PNG) and
// the EXIF orientation. It checks lim as soon as the header states a figure, so
// a header claiming too many pixels is an error wrapping ErrTooLarge (too many
// frames: ErrTooManyFrames) even when the rest of the file is missing. A header
// that makes no sense is ErrCorrupt. To count frames it reads to the end of an
// animated GIF or WebP, skipping the pixel data; if r ends first (a file cut
// short, or a caller that passes only the first megabytes), Frames is the count
// seen so far, and Process finds the cut.
func Probe(r io.Reader, lim Limits) (Info, error) {
	return probe(r, lim, false)
}

func probe(r io.Reader, lim Limits, whole bool) (Info, error) {
	lim = lim.withDefaults()
	br := bufio.NewReaderSize(r, 8<<10)
	head, err := br.Peek(SniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Info{}, fmt.Errorf("read header: %w", err)
	}
	f, err := sniffFormat(head)
	if err != nil {
		return Info{}, err
	}
	p := &prober{r: br, lim: lim, info: Info{Format: f, Frames: 1, Orientation: 1}, whole: whole}
	switch f {
	case JPEG:
		err = p.jpeg()
	case PNG:
		err = p.png()
	case GIF:
		err = p.gif()
	case WebP:
		err = p.webp()
	case HEIC, AVIF:
		err = p.heif()
	}
	if err != nil {
		return Info{}, err
	}
	if p.info.Width == 0 {
		return Info{}, corrupt("the %s header has no dimensions", formatName(f))
	}
	return p.info, nil
}

type prober struct {
	r    *bufio.Reader
	lim  Limits
	info Info
	read int64
	// whole is set when the reader holds the whole file, so an animation cut
	// short is corrupt; otherwise (an upload's first megabytes) the frames
	// seen are reported.
	whole bool
}

// full reads exactly len(b) bytes; running out is a corrupt header.
func (p *prober) full(b []byte) error {
	n, err := io.ReadFull(p.r, b)
	p.read += int64(n)
	return p.eof(err)
}

func (p *prober) skip(n int64) error {
	m, err := p.r.Discard(int(min(n, 1<<40)))
	p.read += int64(m)
	return p.eof(err)
}

func (p *prober) eof(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return corrupt("the %s file ends inside its header", formatName(p.info.Format))
	}
	if err != nil {
		return fmt.Errorf("read header: %w", err)
	}
	return nil
}

func (p *prober) budget() error {
	if p.read > headerBudget {
		return corrupt("no %s image header in the first %d MiB", formatName(p.info.Format), headerBudget>>20)
	}
	return nil
}

// size records the dimensions and checks them against the limit at once.
func (p *prober) size(w, h int64) error {
	if w <= 0 || h <= 0 {
		return corrupt("the %s header says the image is %d×%d pixels", formatName(p.info.Format), w, h)
	}
	if w*h > p.lim.MaxPixels || w > 1<<24 || h > 1<<24 {
		return fault.New(ErrTooLarge, "image_too_large", "the image is %d×%d pixels (%.1f megapixels); at most %.1f megapixels are accepted",
			w, h, float64(w*h)/1e6, float64(p.lim.MaxPixels)/1e6)
	}
	p.info.Width, p.info.Height = int(w), int(h)
	return nil
}

func (p *prober) frames(n int64) error {
	if n > int64(p.lim.MaxFrames) {
		return fault.New(ErrTooManyFrames, "too_many_frames", "the animation has more than %d frames; at most %d are accepted",
			p.lim.MaxFrames, p.lim.MaxFrames)
	}
	if n < 1 {
		return corrupt("the %s header says the animation has %d frames", formatName(p.info.Format), n)
	}
	p.info.Frames = int(n)
	return nil
}

func (p *prober) jpeg() error {
	var b [8]byte
	if err := p.full(b[:2]); err != nil {
		return err
	}
	for {
		if err := p.budget(); err != nil {
			return err
		}
		if err := p.full(b[:1]); err != nil {
			return err
		}
		if b[0] != 0xFF {
			return corrupt("the JPEG header is malformed")
		}
		marker := byte(0xFF)
		for marker == 0xFF { // fill bytes
			if err := p.full(b[:1]); err != nil {
				return err
			}
			marker = b[0]
		}
		switch {
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7:
			continue
		case marker == 0xD9 || marker == 0xDA:
			return corrupt("the JPEG has no frame header")
		}
		if err := p.full(b[:2]); err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint16(b[:2])) - 2
		if n < 0 {
			return corrupt("the JPEG header is malformed")
		}
		switch {
		case marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
			if n < 6 {
				return corrupt("the JPEG frame header is malformed")
			}
			if err := p.full(b[:5]); err != nil {
				return err
			}
			h := int64(binary.BigEndian.Uint16(b[1:3]))
			w := int64(binary.BigEndian.Uint16(b[3:5]))
			return p.size(w, h)
		case marker == 0xE1 && n >= 14:
			seg := make([]byte, n)
			if err := p.full(seg); err != nil {
				return err
			}
			if string(seg[:6]) == "Exif\x00\x00" {
				p.info.Orientation = exifOrientation(seg[6:])
			}
		default:
			if err := p.skip(n); err != nil {
				return err
			}
		}
	}
}

func (p *prober) png() error {
	var b [8]byte
	if err := p.full(b[:8]); err != nil {
		return err
	}
	for first := true; ; first = false {
		if err := p.budget(); err != nil {
			return err
		}
		if err := p.full(b[:8]); err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint32(b[:4]))
		typ := string(b[4:8])
		if n > 1<<31-1 {
			return corrupt("the PNG chunk %q is malformed", typ)
		}
		if first != (typ == "IHDR") {
			return corrupt("the PNG does not start with its header chunk")
		}
		switch typ {
		case "IHDR", "acTL", "eXIf":
			if n > 1<<20 || typ == "IHDR" && n != 13 || typ == "acTL" && n != 8 {
				return corrupt("the PNG chunk %s is malformed", typ)
			}
			data := make([]byte, n+4)
			if err := p.full(data); err != nil {
				return err
			}
			crc := crc32.NewIEEE()
			crc.Write(b[4:8])
			crc.Write(data[:n])
			if crc.Sum32() != binary.BigEndian.Uint32(data[n:]) {
				return corrupt("the PNG chunk %s fails its checksum", typ)
			}
			var err error
			switch typ {
			case "IHDR":
				err = p.size(int64(binary.BigEndian.Uint32(data[0:4])), int64(binary.BigEndian.Uint32(data[4:8])))
			case "acTL":
				err = p.frames(int64(binary.BigEndian.Uint32(data[0:4])))
			case "eXIf":
				p.info.Orientation = exifOrientation(data[:n])
			}
			if err != nil {
				return err
			}
		case "IDAT", "IEND":
			return nil
		default:
			if err := p.skip(n + 4); err != nil {
				return err
			}
		}
	}
}

// exifOrientation reads tag 0x0112 from the first IFD of a TIFF-structured EXIF
// block; anything unreadable is upright.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[off:]))
	for i := 0; i < n; i++ {
		e := off + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}
