package password

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashVerify(t *testing.T) {
	ctx := t.Context()
	h := NewHasher(Fast, 2)
	enc, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("Hash = %q, want PHC argon2id with Fast params", enc)
	}
	tests := []struct {
		name     string
		password string
		ok       bool
	}{
		{"right password", "correct horse battery staple", true},
		{"wrong password", "correct horse battery stapler", false},
		{"empty", "", false},
		{"case differs", "Correct horse battery staple", false},
		{"prefix", "correct horse", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(ctx, tt.password, enc)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ok != tt.ok || rehash {
				t.Errorf("Verify = %v, rehash %v; want %v, false", ok, rehash, tt.ok)
			}
		})
	}
}

func TestHashSalted(t *testing.T) {
	h := NewHasher(Fast, 1)
	a, err := h.Hash(t.Context(), "same password")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(t.Context(), "same password")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("two hashes of one password are equal: salt is not random")
	}
}

func TestNeedsRehash(t *testing.T) {
	const pw = "a fine password"
	stored, err := NewHasher(Fast, 1).Hash(t.Context(), pw)
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(*Params)) Params { p := Fast; f(&p); return p }
	tests := []struct {
		name   string
		now    Params
		rehash bool
	}{
		{"same params", Fast, false},
		{"memory raised", with(func(p *Params) { p.Memory = 128 }), true},
		{"time raised", with(func(p *Params) { p.Time = 2 }), true},
		{"key longer", with(func(p *Params) { p.KeyLen = 64 }), true},
		{"key shorter", with(func(p *Params) { p.KeyLen = 16 }), true},
		{"salt longer", with(func(p *Params) { p.SaltLen = 32 }), true},
		{"more threads", with(func(p *Params) { p.Threads = 2 }), false},
		{"salt shorter", with(func(p *Params) { p.SaltLen = 8 }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHasher(tt.now, 1)
			ok, rehash, err := h.Verify(t.Context(), pw, stored)
			if err != nil || !ok {
				t.Fatalf("Verify = %v, %v: stored params must verify whatever h's are", ok, err)
			}
			if rehash != tt.rehash {
				t.Errorf("needsRehash = %v, want %v", rehash, tt.rehash)
			}
			// A wrong password never asks for a rehash.
			if ok, rehash, _ := h.Verify(t.Context(), "wrong", stored); ok || rehash {
				t.Errorf("wrong password: Verify = %v, rehash %v", ok, rehash)
			}
		})
	}

	// Stronger stored params than the Hasher's: still fine, no rehash.
	strong, err := NewHasher(with(func(p *Params) { p.Memory, p.Time = 256, 3 }), 1).Hash(t.Context(), pw)
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := NewHasher(Fast, 1).Verify(t.Context(), pw, strong); !ok || rehash || err != nil {
		t.Errorf("stronger stored hash: Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

// TestDefault runs the production parameters once, end to end.
func TestDefault(t *testing.T) {
	h := NewHasher(Default, 1)
	enc, err := h.Hash(t.Context(), "production password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("Hash = %q, want m=19456,t=2,p=1", enc)
	}
	if ok, rehash, err := h.Verify(t.Context(), "production password", enc); !ok || rehash || err != nil {
		t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	// A Fast hash is weaker than Default: sign-in must upgrade it.
	old, err := NewHasher(Fast, 1).Hash(t.Context(), "production password")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := h.Verify(t.Context(), "production password", old); !ok || !rehash || err != nil {
		t.Errorf("Verify(Fast hash) = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
}

func TestDummyVerify(t *testing.T) {
	if err := NewHasher(Fast, 1).DummyVerify(t.Context()); err != nil {
		t.Errorf("DummyVerify: %v", err)
	}
}

// TestSlotsRespectContext fills the Hasher's only slot and checks that every
// operation waits for it and gives up when its context ends.
func TestSlotsRespectContext(t *testing.T) {
	h := NewHasher(Fast, 1)
	enc, err := h.Hash(t.Context(), "password1")
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]func(context.Context) error{
		"Hash": func(ctx context.Context) error { _, err := h.Hash(ctx, "password1"); return err },
		"Verify": func(ctx context.Context) error {
			_, _, err := h.Verify(ctx, "password1", enc)
			return err
		},
		"DummyVerify": h.DummyVerify,
	}
	h.sem <- struct{}{} // take the only slot
	for name, op := range ops {
		t.Run(name+"/cancelled while waiting", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- op(ctx) }()
			select {
			case err := <-done:
				t.Fatalf("returned %v while no slot was free", err)
			case <-time.After(20 * time.Millisecond):
			}
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("error = %v, want context.Canceled", err)
			}
		})
		t.Run(name+"/deadline", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
			defer cancel()
			if err := op(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error = %v, want context.DeadlineExceeded", err)
			}
		})
	}
	// Once the slot is free again, waiting operations proceed.
	done := make(chan error, 1)
	go func() { done <- ops["Verify"](t.Context()) }()
	<-h.sem
	if err := <-done; err != nil {
		t.Fatalf("Verify after the slot was freed: %v", err)
	}

	// An already-cancelled context fails even when a slot is free.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for name, op := range ops {
		if err := op(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with cancelled context: %v, want context.Canceled", name, err)
		}
	}
}

func TestNewHasherRejectsBadParams(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("NewHasher(Params{}) did not panic")
		}
	}()
	NewHasher(Params{}, 1)
}
