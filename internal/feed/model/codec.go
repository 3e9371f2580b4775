package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"time"
)

// FormatVersion is the snapshot encoding's version. A node refuses a snapshot
// of another version (ErrVersion) and keeps serving the one it has; the
// rebuild job then writes one in its own version.
const FormatVersion = 1

var magic = [8]byte{'L', 'Y', 'O', 'S', 'N', 'A', 'P', 0}

// Decoding errors.
var (
	ErrCorrupt = errors.New("snapshot is corrupt")
	ErrVersion = errors.New("snapshot is of another format version")
)

// Section tags. A decoder skips tags it does not know, so a section may be
// added without a new version; changing one needs a new version.
const (
	tagMeta uint32 = iota + 1
	tagItems
	tagUsers
	tagPopularity
	tagCoEngagement
	tagEASE
	tagSimilar
	tagFactors
	tagUserTop
	tagClusters
	tagClusterVectors // added within version 1: older readers skip it
)

// Encode writes the snapshot: magic, version, tagged length-prefixed sections
// (little-endian), and a CRC-32 of all that.
func (s *Snapshot) Encode(w io.Writer) error {
	if _, err := w.Write(s.AppendBinary(nil)); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	return nil
}

// AppendBinary appends the encoding Encode writes to b. It measures the
// encoding first and grows b once: a snapshot of a large catalogue is a
// hundred megabytes, and a buffer doubling its way there would need twice
// that, on the node that trains while it serves.
func (s *Snapshot) AppendBinary(b []byte) []byte {
	var size encoder
	size.counting = true
	s.encode(&size)
	e := encoder{b: slices.Grow(b, size.n+4), sections: size.sections}
	s.encode(&e)
	return binary.LittleEndian.AppendUint32(e.b, crc32.ChecksumIEEE(e.b[len(b):]))
}

// encoder writes the encoding, or, counting, measures it: the sizes of the
// sections, which a second pass writes in their headers.
type encoder struct {
	b        []byte
	counting bool
	n        int
	sections []int // each section's length, in order
	next     int   // the next section, writing
}

func (s *Snapshot) encode(e *encoder) {
	e.bytes(magic[:])
	e.u32(FormatVersion)
	e.section(tagMeta, func() { e.u64(uint64(s.Built.UnixNano())) })
	e.section(tagItems, func() { e.strings(s.Items.IDs()) })
	e.section(tagUsers, func() { e.strings(s.Users.IDs()) })
	e.section(tagPopularity, func() { e.f32s(s.Popularity) })
	for _, l := range []struct {
		tag   uint32
		lists *Lists
	}{{tagCoEngagement, s.CoEngagement}, {tagEASE, s.EASE}, {tagSimilar, s.Similar}, {tagUserTop, s.UserTop}} {
		if l.lists != nil {
			e.section(l.tag, func() { e.i32s(l.lists.Ptr); e.i32s(l.lists.IDs); e.f32s(l.lists.Scores) })
		}
	}
	if f := s.Factors; f != nil {
		e.section(tagFactors, func() {
			e.u32(uint32(f.K))
			e.u32(math.Float32bits(f.Lambda))
			e.u32(math.Float32bits(f.Alpha))
			e.f32s(f.Users)
			e.f32s(f.Items)
			e.f32s(f.Gram)
		})
	}
	if c := s.Clusters; c != nil {
		e.section(tagClusters, func() {
			e.u32(uint32(c.K))
			e.f32s(c.Centroids)
			e.i32s(c.Ptr)
			e.i32s(c.Members)
		})
		if c.Vectors != nil {
			e.section(tagClusterVectors, func() { e.f32s(c.Vectors) })
		}
	}
}

// section writes a tag, the body's length and the body.
func (e *encoder) section(tag uint32, body func()) {
	e.u32(tag)
	if e.counting {
		e.n += 8
		start := e.n
		body()
		e.sections = append(e.sections, e.n-start)
		return
	}
	e.u64(uint64(e.sections[e.next]))
	e.next++
	body()
}

func (e *encoder) bytes(p []byte) {
	if e.counting {
		e.n += len(p)
		return
	}
	e.b = append(e.b, p...)
}

func (e *encoder) u32(v uint32) {
	if e.counting {
		e.n += 4
		return
	}
	e.b = binary.LittleEndian.AppendUint32(e.b, v)
}

func (e *encoder) u64(v uint64) {
	if e.counting {
		e.n += 8
		return
	}
	e.b = binary.LittleEndian.AppendUint64(e.b, v)
}

func (e *encoder) strings(s []string) {
	e.u32(uint32(len(s)))
	for _, x := range s {
		e.u32(uint32(len(x)))
		if e.counting {
			e.n += len(x)
		} else {
			e.b = append(e.b, x...)
		}
	}
}

func (e *encoder) f32s(v []float32) {
	e.u64(uint64(len(v)))
	if e.counting {
		e.n += 4 * len(v)
		return
	}
	for _, x := range v {
		e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(x))
	}
}

func (e *encoder) i32s(v []int32) {
	e.u64(uint64(len(v)))
	if e.counting {
		e.n += 4 * len(v)
		return
	}
	for _, x := range v {
		e.b = binary.LittleEndian.AppendUint32(e.b, uint32(x))
	}
}

// Decode reads a snapshot written by Encode. Anything else — truncated,
// altered, another version, inconsistent sizes or indexes out of range — is an
// error wrapping ErrCorrupt or ErrVersion, never a panic, and the sizes it
// allocates are bounded by the input's length.
func Decode(data []byte) (*Snapshot, error) {
	if len(data) < len(magic)+4+4 || !bytes.Equal(data[:8], magic[:]) {
		return nil, fmt.Errorf("%w: not a snapshot", ErrCorrupt)
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != FormatVersion {
		return nil, fmt.Errorf("%w: version %d, this node reads %d", ErrVersion, v, FormatVersion)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	s := &Snapshot{Items: NewDict(), Users: NewDict()}
	r := &reader{b: body[12:]}
	var vectors []float32 // the clusters' vectors, in whichever order the sections come
	for len(r.b) > 0 && r.err == nil {
		tag := r.u32()
		n := r.u64()
		if r.err != nil || n > uint64(len(r.b)) {
			return nil, fmt.Errorf("%w: section %d overruns the data", ErrCorrupt, tag)
		}
		sec := &reader{b: r.b[:n]}
		r.b = r.b[n:]
		switch tag {
		case tagMeta:
			s.Built = time.Unix(0, int64(sec.u64())).UTC()
		case tagItems:
			s.Items, sec.err = uniqueDict(sec.strings(), sec.err)
		case tagUsers:
			s.Users, sec.err = uniqueDict(sec.strings(), sec.err)
		case tagPopularity:
			s.Popularity = sec.f32s()
		case tagCoEngagement:
			s.CoEngagement = sec.lists()
		case tagEASE:
			s.EASE = sec.lists()
		case tagSimilar:
			s.Similar = sec.lists()
		case tagUserTop:
			s.UserTop = sec.lists()
		case tagFactors:
			f := &Factors{K: int(sec.u32()), Lambda: math.Float32frombits(sec.u32()), Alpha: math.Float32frombits(sec.u32())}
			f.Users, f.Items, f.Gram = sec.f32s(), sec.f32s(), sec.f32s()
			s.Factors = f
		case tagClusters:
			c := &Clusters{K: int(sec.u32())}
			c.Centroids, c.Ptr, c.Members = sec.f32s(), sec.i32s(), sec.i32s()
			c.Vectors, s.Clusters = vectors, c
		case tagClusterVectors:
			vectors = sec.f32s()
			if s.Clusters != nil {
				s.Clusters.Vectors = vectors
			}
		}
		if sec.err == nil && len(sec.b) != 0 {
			sec.err = fmt.Errorf("section %d has %d bytes left over", tag, len(sec.b))
		}
		if sec.err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, sec.err)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, r.err)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return s, nil
}

// uniqueDict makes a dictionary of IDs that must not repeat.
func uniqueDict(ids []string, err error) (*Dict, error) {
	d := NewDict(ids...)
	if err == nil && d.Len() != len(ids) {
		err = errors.New("repeated ID")
	}
	return d, err
}

// reader consumes little-endian values, remembering the first overrun.
type reader struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated")

func (r *reader) take(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errShort
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *reader) strings() []string {
	n := r.u32()
	if uint64(n)*4 > uint64(len(r.b)) { // each string has at least its length
		r.err = errShort
		return nil
	}
	out := make([]string, 0, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		out = append(out, string(r.take(uint64(r.u32()))))
	}
	return out
}

// words takes n four-byte values, checking n against what is left before
// multiplying, so a forged length can neither overflow nor allocate.
func (r *reader) words() (int, []byte) {
	n := r.u64()
	if r.err != nil || n > uint64(len(r.b))/4 {
		r.err = errShort
		return 0, nil
	}
	return int(n), r.take(n * 4)
}

func (r *reader) f32s() []float32 {
	n, b := r.words()
	if r.err != nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func (r *reader) i32s() []int32 {
	n, b := r.words()
	if r.err != nil {
		return nil
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func (r *reader) lists() *Lists {
	return &Lists{Ptr: r.i32s(), IDs: r.i32s(), Scores: r.f32s()}
}

func crcOf(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
