package token

import (
	"errors"
	"testing"
)

// FuzzVerify checks that Verify never panics, wraps ErrInvalid on every failure,
// and accepts nothing but the exact tokens signed here. The seeds are signed
// deterministically (fixed claims, Ed25519 has no randomness), so every fuzz
// worker agrees on them.
func FuzzVerify(f *testing.F) {
	iss, _ := newTestIssuer(f, keyA)
	valid := map[string]bool{
		edit(f, nil, nil):                      true,
		edit(f, nil, set("role", "admin")):     true,
		edit(f, nil, set("nbf", t0.Unix())):    true,
		edit(f, nil, set("aud", testAudience)): true,
	}
	for tok := range valid {
		f.Add(tok)
	}
	f.Add(edit(f, set("kid", "../../etc/passwd"), nil))
	f.Add(edit(f, nil, set("typ", "refresh")))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := iss.Verify(s)
		if err != nil {
			if c != nil || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Verify(%q) = %v, %v; want nil, ErrInvalid", s, c, err)
			}
			return
		}
		if !valid[s] {
			t.Fatalf("Verify accepted a token nobody signed: %q", s)
		}
	})
}
