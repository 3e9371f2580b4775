// Package id makes the opaque identifiers Lyo hands out: 26 characters of
// lower-case Crockford base32 holding a millisecond timestamp and 80 random bits,
// so IDs sort by creation time (keyset pagination uses that) and never collide in
// practice across nodes.
package id

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// Len is the length of every ID.
const Len = 26

// last is the previous ID this process made. Within one millisecond (or when a
// test's clock stands still) the next ID is the last plus one, so IDs made one after
// another by a node always sort in the order they were made.
var last struct {
	sync.Mutex
	ms uint64
	b  [16]byte
}

// New returns a fresh ID for time now.
func New(now time.Time) string {
	ms := uint64(max(now.UnixMilli(), 0))
	last.Lock()
	defer last.Unlock()
	if ms <= last.ms && last.ms != 0 {
		increment(&last.b)
		return encode(last.b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	_, _ = rand.Read(b[6:])
	b[6] &= 0x7f // headroom, so increments within a millisecond never carry into the time
	last.ms, last.b = ms, b
	return encode(b)
}

func increment(b *[16]byte) {
	for i := len(b) - 1; i >= 6; i-- {
		b[i]++
		if b[i] != 0 {
			return
		}
	}
}

// encode writes 128 bits as 26 base32 digits, most significant first (the first
// digit carries the top 3 bits).
func encode(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [Len]byte
	for i := Len - 1; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// Valid reports whether s looks like an ID (cheap check before a database lookup).
func Valid(s string) bool {
	if len(s) != Len || s[0] > '7' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' && c != 'u') {
			return false
		}
	}
	return true
}
