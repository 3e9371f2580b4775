package imaging

import (
	"encoding/binary"
)

// maxMeta bounds the HEIF meta box Probe reads into memory.
const maxMeta = 4 << 20

// heif finds the meta box of a HEIF or AVIF file and reads the primary item's
// spatial extent (ispe) and its rotation (irot) and mirror (imir) properties.
func (p *prober) heif() error {
	var b [16]byte
	for {
		if err := p.budget(); err != nil {
			return err
		}
		if err := p.full(b[:8]); err != nil {
			return err
		}
		size, typ := int64(binary.BigEndian.Uint32(b[:4])), string(b[4:8])
		hdr := int64(8)
		if size == 1 {
			if err := p.full(b[8:16]); err != nil {
				return err
			}
			size, hdr = int64(binary.BigEndian.Uint64(b[8:16])), 16
		}
		if size == 0 && typ != "meta" || size != 0 && size < hdr {
			return corrupt("the %s file has no image header", formatName(p.info.Format))
		}
		if typ != "meta" {
			if err := p.skip(size - hdr); err != nil {
				return err
			}
			continue
		}
		if size == 0 || size-hdr > maxMeta {
			return corrupt("the %s header is malformed", formatName(p.info.Format))
		}
		meta := make([]byte, size-hdr)
		if err := p.full(meta); err != nil {
			return err
		}
		return p.heifMeta(meta)
	}
}

type box struct {
	typ  string
	data []byte
}

// boxes splits b into its child boxes; ok is false when one overruns b.
func boxes(b []byte) (out []box, ok bool) {
	for len(b) >= 8 {
		size, typ, hdr := uint64(binary.BigEndian.Uint32(b)), string(b[4:8]), uint64(8)
		if size == 1 {
			if len(b) < 16 {
				return out, false
			}
			size, hdr = binary.BigEndian.Uint64(b[8:]), 16
		} else if size == 0 {
			size = uint64(len(b))
		}
		if size < hdr || size > uint64(len(b)) {
			return out, false
		}
		out = append(out, box{typ, b[hdr:size]})
		b = b[size:]
	}
	return out, len(b) == 0
}

func (p *prober) heifMeta(meta []byte) error {
	bad := corrupt("the %s header is malformed", formatName(p.info.Format))
	if len(meta) < 4 {
		return bad
	}
	children, ok := boxes(meta[4:]) // meta is a full box: version and flags first
	if !ok {
		return bad
	}
	var primary uint32
	var props []box
	assoc := map[uint32][]int{}
	for _, c := range children {
		switch c.typ {
		case "pitm":
			if len(c.data) < 6 {
				return bad
			}
			if c.data[0] == 0 {
				primary = uint32(binary.BigEndian.Uint16(c.data[4:]))
			} else if len(c.data) >= 8 {
				primary = binary.BigEndian.Uint32(c.data[4:])
			}
		case "iprp":
			iprp, ok := boxes(c.data)
			if !ok {
				return bad
			}
			for _, ib := range iprp {
				switch ib.typ {
				case "ipco":
					if props, ok = boxes(ib.data); !ok {
						return bad
					}
				case "ipma":
					if !parseIpma(ib.data, assoc) {
						return bad
					}
				}
			}
		}
	}
	var rot, mirror = 0, -1
	var w, h int64
	for _, i := range assoc[primary] {
		if i < 1 || i > len(props) {
			return bad
		}
		pr := props[i-1]
		switch {
		case pr.typ == "ispe" && len(pr.data) >= 12:
			w, h = int64(binary.BigEndian.Uint32(pr.data[4:])), int64(binary.BigEndian.Uint32(pr.data[8:]))
		case pr.typ == "irot" && len(pr.data) >= 1:
			rot = int(pr.data[0] & 3)
		case pr.typ == "imir" && len(pr.data) >= 1:
			mirror = int(pr.data[0] & 1)
		}
	}
	if w == 0 && h == 0 {
		// No association for the primary item: the largest extent is the image,
		// the smaller ones its tiles and thumbnails.
		for _, pr := range props {
			if pr.typ == "ispe" && len(pr.data) >= 12 {
				pw, ph := int64(binary.BigEndian.Uint32(pr.data[4:])), int64(binary.BigEndian.Uint32(pr.data[8:]))
				if pw*ph > w*h {
					w, h = pw, ph
				}
			}
		}
	}
	if err := p.size(w, h); err != nil {
		return err
	}
	p.info.Orientation = heifOrientation(rot, mirror)
	return nil
}

// parseIpma reads the item-property associations: item ID to 1-based indices
// into ipco.
func parseIpma(b []byte, assoc map[uint32][]int) bool {
	if len(b) < 8 {
		return false
	}
	version, flags := b[0], b[3]
	n := binary.BigEndian.Uint32(b[4:])
	b = b[8:]
	for ; n > 0; n-- {
		var id uint32
		if version < 1 {
			if len(b) < 3 {
				return false
			}
			id, b = uint32(binary.BigEndian.Uint16(b)), b[2:]
		} else {
			if len(b) < 5 {
				return false
			}
			id, b = binary.BigEndian.Uint32(b), b[4:]
		}
		count := int(b[0])
		b = b[1:]
		for ; count > 0; count-- {
			var idx int
			if flags&1 != 0 {
				if len(b) < 2 {
					return false
				}
				idx, b = int(binary.BigEndian.Uint16(b)&0x7fff), b[2:]
			} else {
				if len(b) < 1 {
					return false
				}
				idx, b = int(b[0]&0x7f), b[1:]
			}
			assoc[id] = append(assoc[id], idx)
		}
	}
	return true
}

// heifOrientation expresses a HEIF rotation (rot quarter turns anticlockwise)
// followed by a mirror (0: about the vertical axis, 1: about the horizontal
// axis, -1: none) as the EXIF orientation that shows the same picture.
func heifOrientation(rot, mirror int) int {
	// EXIF orientations by [quarter turns anticlockwise][flipped left-right
	// after turning].
	table := [4][2]int{{1, 2}, {8, 7}, {3, 4}, {6, 5}}
	switch mirror {
	case -1:
		return table[rot][0]
	case 0:
		return table[rot][1]
	default: // about the horizontal axis: a left-right flip after half a turn more
		return table[(rot+2)%4][1]
	}
}
