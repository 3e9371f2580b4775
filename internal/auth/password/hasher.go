package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"runtime"

	"golang.org/x/crypto/argon2"
)

// Hasher hashes and verifies passwords with fixed parameters, running at most a
// fixed number of argon2 computations at once. It is safe for concurrent use.
type Hasher struct {
	params Params
	sem    chan struct{} // one token per running computation
	// dummySalt and dummyKey stand in for a stored hash in DummyVerify.
	dummySalt []byte
	dummyKey  []byte
}

// NewHasher returns a Hasher making new hashes with p and running at most
// maxConcurrent computations at once (GOMAXPROCS when maxConcurrent ≤ 0). Peak
// memory is about maxConcurrent × p.Memory KiB. It panics if p is out of bounds
// (see Params.Validate): parameters are programmer or operator configuration,
// to be validated when configuration loads.
func NewHasher(p Params, maxConcurrent int) *Hasher {
	if err := p.Validate(); err != nil {
		panic("password: " + err.Error())
	}
	if maxConcurrent <= 0 {
		maxConcurrent = runtime.GOMAXPROCS(0)
	}
	return &Hasher{
		params:    p,
		sem:       make(chan struct{}, maxConcurrent),
		dummySalt: make([]byte, p.SaltLen),
		dummyKey:  make([]byte, p.KeyLen),
	}
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the PHC-encoded argon2id hash of password with a fresh random salt.
// It waits for a free slot, or returns ctx's error if ctx ends first.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: read salt: %w", err)
	}
	key, err := h.derive(ctx, h.params, password, salt)
	if err != nil {
		return "", err
	}
	return encode(h.params, salt, key), nil
}

// Verify reports whether password matches the encoded hash, and, when it does,
// whether the hash was made with weaker parameters than h's (lower memory or time,
// shorter salt, another key length) so the caller should store a new Hash of the
// password. A wrong password is ok == false with a nil error. err is non-nil when
// encoded is unreadable or out of bounds (wrapping ErrMalformed) or ctx ended
// while waiting for a slot.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	got, err := h.derive(ctx, p, password, salt)
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p.weakerThan(h.params), nil
}

// DummyVerify does the work of a Verify against a hash made with h's parameters,
// and throws the result away. Call it when no account matches the login name, so
// that "no such user" takes as long as "wrong password" and response times do not
// reveal which accounts exist. It returns an error only when ctx ends while
// waiting for a slot.
func (h *Hasher) DummyVerify(ctx context.Context) error {
	got, err := h.derive(ctx, h.params, "", h.dummySalt)
	if err != nil {
		return err
	}
	subtle.ConstantTimeCompare(got, h.dummyKey)
	return nil
}

// derive runs argon2id once a slot is free.
func (h *Hasher) derive(ctx context.Context, p Params, password string, salt []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("password: wait for a hashing slot: %w", err)
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("password: wait for a hashing slot: %w", ctx.Err())
	}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen), nil
}
