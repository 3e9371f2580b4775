package imaging

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// checkComplete walks the structure of a whole file, after Probe has accepted
// its header, to find a file cut short. Decoders disagree about truncation
// (libvips reports it late, the pure-Go decoders as damage), so Lyo looks for
// itself: a JPEG must reach its EOI marker, a PNG its IEND chunk, a WebP the end
// its RIFF header promises, a HEIF file the end of its last box. (A GIF's walk
// to its trailer is the probe's, run on the whole file.)
func checkComplete(r io.Reader, f Format) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var err error
	switch f {
	case JPEG:
		err = jpegComplete(br)
	case PNG:
		err = pngComplete(br)
	case WebP:
		err = webpComplete(br)
	case HEIC, AVIF:
		err = heifComplete(br)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return corrupt("the %s image is truncated", formatName(f))
	}
	var fe *structError
	if errors.As(err, &fe) {
		return corrupt("the %s image is malformed: %s", formatName(f), fe.what)
	}
	if err != nil {
		return fmt.Errorf("read original: %w", err)
	}
	return nil
}

type structError struct{ what string }

func (e *structError) Error() string { return e.what }

func discard(br *bufio.Reader, n int64) error {
	for n > 0 {
		m, err := br.Discard(int(min(n, 1<<30)))
		n -= int64(m)
		if err != nil {
			return err
		}
	}
	return nil
}

// maxScans bounds the scans of a progressive JPEG: an encoder writes about ten,
// and each costs a decoder a pass over the whole picture, so thousands of tiny
// ones make a small file that takes minutes to decode.
const maxScans = 256

// jpegComplete follows the markers of a JPEG through its entropy-coded scans
// (where a 0xFF byte is either stuffed, FF 00, or a restart marker) to EOI.
func jpegComplete(br *bufio.Reader) error {
	scans := 0
	var b [4]byte
	if _, err := io.ReadFull(br, b[:2]); err != nil {
		return err
	}
	inScan := false
	for {
		if inScan {
			if _, err := br.ReadSlice(0xFF); err != nil {
				if errors.Is(err, bufio.ErrBufferFull) {
					continue
				}
				return err
			}
		} else {
			c, err := br.ReadByte()
			if err != nil {
				return err
			}
			if c != 0xFF {
				return &structError{"a marker is missing"}
			}
		}
		m, err := br.ReadByte()
		for err == nil && m == 0xFF {
			m, err = br.ReadByte()
		}
		if err != nil {
			return err
		}
		switch {
		case m == 0x00 || m >= 0xD0 && m <= 0xD7 || m == 0x01:
			if !inScan && m == 0x00 {
				return &structError{"a marker is malformed"}
			}
			continue
		case m == 0xD9:
			return nil
		}
		if _, err := io.ReadFull(br, b[:2]); err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint16(b[:2])) - 2
		if n < 0 {
			return &structError{"a segment length is malformed"}
		}
		if err := discard(br, n); err != nil {
			return err
		}
		inScan = m == 0xDA
		if inScan {
			if scans++; scans > maxScans {
				return &structError{fmt.Sprintf("it has more than %d scans", maxScans)}
			}
		}
	}
}

func pngComplete(br *bufio.Reader) error {
	var b [8]byte
	if _, err := io.ReadFull(br, b[:8]); err != nil {
		return err
	}
	for {
		if _, err := io.ReadFull(br, b[:8]); err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint32(b[:4]))
		if n > 1<<31-1 {
			return &structError{"a chunk length is malformed"}
		}
		if err := discard(br, n+4); err != nil {
			return err
		}
		if string(b[4:8]) == "IEND" {
			return nil
		}
	}
}

func webpComplete(br *bufio.Reader) error {
	var b [8]byte
	if _, err := io.ReadFull(br, b[:8]); err != nil {
		return err
	}
	return discard(br, int64(binary.LittleEndian.Uint32(b[4:8])))
}

func heifComplete(br *bufio.Reader) error {
	var b [16]byte
	for {
		if _, err := io.ReadFull(br, b[:8]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil // the end falls between boxes
			}
			return err
		}
		size, hdr := int64(binary.BigEndian.Uint32(b[:4])), int64(8)
		switch size {
		case 0: // the last box runs to the end of the file
			return nil
		case 1:
			if _, err := io.ReadFull(br, b[8:16]); err != nil {
				return err
			}
			size, hdr = int64(binary.BigEndian.Uint64(b[8:16])), 16
		}
		if size < hdr {
			return &structError{"a box size is malformed"}
		}
		if err := discard(br, size-hdr); err != nil {
			return err
		}
	}
}
