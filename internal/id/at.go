package id

import (
	"crypto/rand"
	"encoding/binary"
	"time"
)

// At returns an ID for a record made at t, outside the process's sequence of
// New: an import of historical records writes them in any order, and each ID
// must still carry its record's own time, so IDs sort as the records were made.
// Two IDs of one millisecond sort at random between themselves; New's IDs are
// untouched.
func At(t time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(max(t.UnixMilli(), 0))<<16)
	_, _ = rand.Read(b[6:])
	b[6] &= 0x7f // the same headroom as New's
	return encode(b)
}
