package password

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// maxEncodedLen bounds a stored hash before any parsing: the longest valid one
// (64-byte salt, 128-byte key, maximal parameters) is about 290 bytes.
const maxEncodedLen = 512

// b64 is the PHC encoding of salt and hash: standard alphabet, no padding. Strict
// rejects non-zero trailing bits, so every hash has exactly one spelling.
var b64 = base64.RawStdEncoding.Strict()

// encode formats a hash in the PHC string format.
func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC argon2id string. It accepts only what encode writes:
// argon2id, version 19, parameters m, t, p in that order without leading zeros,
// strict unpadded base64, and every value within the package limits. The returned
// Params carry the stored salt and key lengths.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	if len(encoded) > maxEncodedLen {
		return Params{}, nil, nil, fmt.Errorf("%w: %d bytes long", ErrMalformed, len(encoded))
	}
	// The base64 decoder skips CR and LF; no valid hash holds them or any other
	// byte outside printable ASCII.
	for i := 0; i < len(encoded); i++ {
		if c := encoded[i]; c <= ' ' || c > '~' {
			return Params{}, nil, nil, fmt.Errorf("%w: byte %#x at %d", ErrMalformed, c, i)
		}
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return Params{}, nil, nil, fmt.Errorf("%w: want 5 $-separated fields", ErrMalformed)
	}
	if parts[1] != "argon2id" {
		return Params{}, nil, nil, fmt.Errorf("%w: algorithm %q is not argon2id", ErrMalformed, parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return Params{}, nil, nil, fmt.Errorf("%w: unsupported version %q", ErrMalformed, parts[2])
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return Params{}, nil, nil, fmt.Errorf("%w: want parameters m, t, p", ErrMalformed)
	}
	m, err := param(kv[0], "m", MaxMemory)
	if err != nil {
		return Params{}, nil, nil, err
	}
	t, err := param(kv[1], "t", MaxTime)
	if err != nil {
		return Params{}, nil, nil, err
	}
	th, err := param(kv[2], "p", MaxThreads)
	if err != nil {
		return Params{}, nil, nil, err
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: salt: %w", ErrMalformed, err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: hash: %w", ErrMalformed, err)
	}
	p = Params{Memory: m, Time: t, Threads: uint8(th), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if err := p.Validate(); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return p, salt, key, nil
}

// param parses "name=value" with value a canonical decimal in 1..max.
func param(s, name string, max uint32) (uint32, error) {
	v, ok := strings.CutPrefix(s, name+"=")
	if !ok {
		return 0, fmt.Errorf("%w: want parameter %s, got %q", ErrMalformed, name, s)
	}
	if v == "" || len(v) > 10 || v[0] == '0' {
		return 0, fmt.Errorf("%w: parameter %s=%q is not a canonical number", ErrMalformed, name, v)
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: parameter %s: %w", ErrMalformed, name, err)
	}
	if n > uint64(max) {
		return 0, fmt.Errorf("%w: parameter %s=%d above limit %d", ErrMalformed, name, n, max)
	}
	return uint32(n), nil
}
