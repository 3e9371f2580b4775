package imaging

import (
	"encoding/binary"
	"errors"
)

// gif walks the blocks of a GIF, counting image descriptors and skipping their
// compressed data, so a GIF of a thousand frames is refused without decoding one.
func (p *prober) gif() error {
	var b [13]byte
	if err := p.full(b[:13]); err != nil {
		return err
	}
	if err := p.size(int64(binary.LittleEndian.Uint16(b[6:8])), int64(binary.LittleEndian.Uint16(b[8:10]))); err != nil {
		return err
	}
	if b[10]&0x80 != 0 {
		if err := p.skip(3 << (1 + b[10]&7)); err != nil {
			return err
		}
	}
	frames := int64(0)
	for {
		if err := p.full(b[:1]); err != nil {
			return p.truncatedGIF(frames, err)
		}
		switch b[0] {
		case 0x2C: // image descriptor
			frames++
			if frames > int64(p.lim.MaxFrames) {
				return p.frames(frames)
			}
			if err := p.full(b[:10]); err != nil {
				return p.truncatedGIF(frames, err)
			}
			if b[8]&0x80 != 0 {
				if err := p.skip(3 << (1 + b[8]&7)); err != nil {
					return p.truncatedGIF(frames, err)
				}
			}
			// b[9] was the LZW minimum code size; the data follows in sub-blocks.
			if err := p.subBlocks(); err != nil {
				return p.truncatedGIF(frames, err)
			}
		case 0x21: // extension: label, then sub-blocks
			if err := p.full(b[:1]); err != nil {
				return p.truncatedGIF(frames, err)
			}
			if err := p.subBlocks(); err != nil {
				return p.truncatedGIF(frames, err)
			}
		case 0x3B: // trailer
			if frames == 0 {
				return corrupt("the GIF has no image")
			}
			return p.frames(frames)
		default:
			return corrupt("the GIF is malformed after frame %d", frames)
		}
	}
}

// truncatedGIF answers a GIF that ends (or whose reader stops) before its
// trailer: Probe counts the frames it saw, a lower bound, and leaves the cut to
// be found when the whole file is checked.
func (p *prober) truncatedGIF(frames int64, err error) error {
	if frames == 0 || p.whole || !errors.Is(err, ErrCorrupt) {
		if p.whole && frames > 0 && errors.Is(err, ErrCorrupt) {
			return corrupt("the GIF image is truncated: it ends after %d frames, without its trailer", frames)
		}
		return err
	}
	return p.frames(frames)
}

func (p *prober) subBlocks() error {
	var b [1]byte
	for {
		if err := p.full(b[:]); err != nil {
			return err
		}
		if b[0] == 0 {
			return nil
		}
		if err := p.skip(int64(b[0])); err != nil {
			return err
		}
	}
}

// webp reads the first chunk of a WebP: VP8 (lossy), VP8L (lossless) or VP8X
// (extended). An extended file is walked chunk by chunk to count ANMF frames and
// to find the EXIF chunk, which comes after the image data.
func (p *prober) webp() error {
	var b [30]byte
	if err := p.full(b[:12]); err != nil {
		return err
	}
	end := int64(binary.LittleEndian.Uint32(b[4:8])) + 8
	if err := p.full(b[:8]); err != nil {
		return err
	}
	fourcc, n := string(b[:4]), int64(binary.LittleEndian.Uint32(b[4:8]))
	switch fourcc {
	case "VP8 ":
		if n < 10 {
			return corrupt("the WebP image header is malformed")
		}
		if err := p.full(b[:10]); err != nil {
			return err
		}
		if b[3] != 0x9d || b[4] != 0x01 || b[5] != 0x2a {
			return corrupt("the WebP image header is malformed")
		}
		return p.size(int64(binary.LittleEndian.Uint16(b[6:8])&0x3fff), int64(binary.LittleEndian.Uint16(b[8:10])&0x3fff))
	case "VP8L":
		if n < 5 {
			return corrupt("the WebP image header is malformed")
		}
		if err := p.full(b[:5]); err != nil {
			return err
		}
		if b[0] != 0x2f {
			return corrupt("the WebP image header is malformed")
		}
		v := binary.LittleEndian.Uint32(b[1:5])
		return p.size(int64(v&0x3fff)+1, int64(v>>14&0x3fff)+1)
	case "VP8X":
		if n < 10 {
			return corrupt("the WebP image header is malformed")
		}
		if err := p.full(b[:10]); err != nil {
			return err
		}
		flags := b[0]
		w := int64(b[4]) | int64(b[5])<<8 | int64(b[6])<<16
		h := int64(b[7]) | int64(b[8])<<8 | int64(b[9])<<16
		if err := p.size(w+1, h+1); err != nil {
			return err
		}
		if err := p.skip(n - 10 + n&1); err != nil {
			return err
		}
		const animated, exif = 0x02, 0x08
		if flags&(animated|exif) == 0 {
			return nil
		}
		return p.webpChunks(end, flags&animated != 0)
	}
	return corrupt("the WebP has no image header")
}

func (p *prober) webpChunks(end int64, animated bool) error {
	var b [8]byte
	frames := int64(0)
	for p.read+8 <= end {
		if err := p.full(b[:8]); err != nil {
			if frames > 0 && !p.whole && errors.Is(err, ErrCorrupt) {
				return nil // cut short: the frames seen are a lower bound
			}
			return err
		}
		fourcc, n := string(b[:4]), int64(binary.LittleEndian.Uint32(b[4:8]))
		switch fourcc {
		case "ANMF":
			frames++
			if err := p.frames(frames); err != nil {
				return err
			}
			if err := p.skip(n + n&1); err != nil {
				if !p.whole && errors.Is(err, ErrCorrupt) {
					return nil
				}
				return err
			}
		case "EXIF":
			if n > 1<<20 {
				return corrupt("the WebP EXIF chunk is too large")
			}
			data := make([]byte, n+n&1)
			if err := p.full(data); err != nil {
				return err
			}
			if len(data) >= 6 && string(data[:6]) == "Exif\x00\x00" {
				data = data[6:]
			}
			p.info.Orientation = exifOrientation(data)
		default:
			if err := p.skip(n + n&1); err != nil {
				return err
			}
		}
	}
	if animated && frames == 0 {
		return corrupt("the animated WebP has no frames")
	}
	return nil
}
