// Package password hashes and checks passwords with argon2id, and holds the
// password policy.
//
// Hashes are stored in the PHC string format that other argon2 libraries read
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so the cost parameters travel with each
// hash: raising them later needs no migration, because Verify reports which stored
// hashes are weaker than the current parameters and the caller rehashes them at the
// next successful sign-in.
//
// Each hash uses Params.Memory KiB of RAM (19 MiB by default). A Hasher bounds how
// many run at once, so a burst of logins queues instead of exhausting memory.
package password

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Params are the argon2id cost parameters and output sizes.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// Default are the production parameters: the OWASP minimum for argon2id
// (19 MiB, 2 passes, 1 lane).
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Fast are parameters cheap enough for tests. Never use them in production.
var Fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits on parameters, for both new hashes and stored ones. A stored hash is
// untrusted input: a tampered row with m=4 TiB must fail to parse rather than
// take the server down when someone signs in.
const (
	MaxMemory  = 1 << 20 // KiB (1 GiB)
	MaxTime    = 10
	MaxThreads = 16
	MinSaltLen = 8
	MaxSaltLen = 64
	MinKeyLen  = 16
	MaxKeyLen  = 128
)

// Validate reports whether p lies within the limits above.
func (p Params) Validate() error {
	switch {
	case p.Threads < 1 || p.Threads > MaxThreads:
		return fmt.Errorf("argon2 threads %d out of range 1..%d", p.Threads, MaxThreads)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > MaxMemory:
		return fmt.Errorf("argon2 memory %d KiB out of range %d..%d", p.Memory, 8*uint32(p.Threads), MaxMemory)
	case p.Time < 1 || p.Time > MaxTime:
		return fmt.Errorf("argon2 time %d out of range 1..%d", p.Time, MaxTime)
	case p.SaltLen < MinSaltLen || p.SaltLen > MaxSaltLen:
		return fmt.Errorf("argon2 salt length %d out of range %d..%d", p.SaltLen, MinSaltLen, MaxSaltLen)
	case p.KeyLen < MinKeyLen || p.KeyLen > MaxKeyLen:
		return fmt.Errorf("argon2 key length %d out of range %d..%d", p.KeyLen, MinKeyLen, MaxKeyLen)
	}
	return nil
}

// weakerThan reports whether a hash made with p should be replaced by one made
// with want. Fewer threads is not weaker, only slower to compute on many cores.
func (p Params) weakerThan(want Params) bool {
	return p.Memory < want.Memory || p.Time < want.Time ||
		p.KeyLen != want.KeyLen || p.SaltLen < want.SaltLen
}

// Password length policy, counted in characters (Unicode code points, as typed;
// no normalisation is applied).
const (
	MinLength = 8
	MaxLength = 128
)

// Policy errors; their text is fit to show to the person choosing a password.
var (
	ErrTooShort = fmt.Errorf("password must be at least %d characters", MinLength)
	ErrTooLong  = fmt.Errorf("password must be at most %d characters", MaxLength)
)

// Validate checks a new password against the policy. It is for registration and
// password changes only: signing in checks the password against its hash, whatever
// its length.
func Validate(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinLength:
		return ErrTooShort
	case n > MaxLength:
		return ErrTooLong
	}
	return nil
}

// ErrMalformed is wrapped by every error about a stored hash that cannot be read
// or whose parameters are out of bounds: a corrupt or tampered row, never the
// user's fault.
var ErrMalformed = errors.New("malformed password hash")
