package password

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reference is a well-formed hash with Fast parameters and fixed bytes; the
// tables below derive tampered variants from it.
var (
	refSalt   = bytes.Repeat([]byte{0xa5}, 16)
	refKey    = bytes.Repeat([]byte{0x5a}, 32)
	reference = encode(Fast, refSalt, refKey)
	refSaltB  = b64.EncodeToString(refSalt)
	refKeyB   = b64.EncodeToString(refKey)
)

func TestDecodeRoundTrip(t *testing.T) {
	if want := "$argon2id$v=19$m=64,t=1,p=1$" + refSaltB + "$" + refKeyB; reference != want {
		t.Fatalf("encode = %q, want %q", reference, want)
	}
	p, salt, key, err := decode(reference)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if diff := cmp.Diff(Fast, p); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	if !bytes.Equal(salt, refSalt) || !bytes.Equal(key, refKey) {
		t.Errorf("salt/key changed in round trip")
	}
}

func TestDecodeRejects(t *testing.T) {
	// A salt or key of n bytes, base64-encoded.
	bytesOf := func(n int) string { return b64.EncodeToString(bytes.Repeat([]byte{1}, n)) }
	withParams := func(params string) string {
		return "$argon2id$v=19$" + params + "$" + refSaltB + "$" + refKeyB
	}
	tests := []struct {
		name, encoded string
	}{
		{"empty", ""},
		{"garbage", "not a hash"},
		{"only dollars", "$$$$$"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"no leading dollar", reference[1:]},
		{"trailing dollar", reference + "$"},
		{"extra field", strings.Replace(reference, "$v=19", "$v=19$x=1", 1)},
		{"missing version", strings.Replace(reference, "$v=19", "", 1)},
		{"argon2i", strings.Replace(reference, "argon2id", "argon2i", 1)},
		{"argon2d", strings.Replace(reference, "argon2id", "argon2d", 1)},
		{"upper-case algorithm", strings.Replace(reference, "argon2id", "ARGON2ID", 1)},
		{"version 16", strings.Replace(reference, "v=19", "v=16", 1)},
		{"version padded", strings.Replace(reference, "v=19", "v=019", 1)},
		{"params reordered", withParams("t=1,m=64,p=1")},
		{"param missing", withParams("m=64,t=1")},
		{"param extra", withParams("m=64,t=1,p=1,k=1")},
		{"keyid param", withParams("m=64,t=1,p=1,keyid=abc")},
		{"param spaces", withParams("m=64, t=1, p=1")},
		{"param empty", withParams("m=,t=1,p=1")},
		{"param negative", withParams("m=-64,t=1,p=1")},
		{"param plus sign", withParams("m=+64,t=1,p=1")},
		{"param leading zero", withParams("m=064,t=1,p=1")},
		{"param hex", withParams("m=0x40,t=1,p=1")},
		{"param underscore", withParams("m=6_4,t=1,p=1")},
		{"param overflow", withParams("m=99999999999999999999,t=1,p=1")},
		{"param 2^32", withParams("m=4294967296,t=1,p=1")},
		{"time zero", withParams("m=64,t=0,p=1")},
		{"threads zero", withParams("m=64,t=1,p=0")},
		{"memory zero", withParams("m=0,t=1,p=1")},
		{"memory below 8 per lane", withParams("m=15,t=1,p=2")},
		{"memory above 1 GiB", withParams("m=1048577,t=1,p=1")},
		{"memory 4 TiB", withParams("m=4294967295,t=1,p=1")},
		{"time above 10", withParams("m=64,t=11,p=1")},
		{"threads above 16", withParams("m=1024,t=1,p=17")},
		{"threads 256 (uint8 wrap)", withParams("m=4096,t=1,p=256")},
		{"salt empty", strings.Replace(reference, refSaltB, "", 1)},
		{"salt 7 bytes", strings.Replace(reference, refSaltB, bytesOf(7), 1)},
		{"salt 65 bytes", strings.Replace(reference, refSaltB, bytesOf(65), 1)},
		{"key empty", strings.TrimSuffix(reference, refKeyB)},
		{"key 15 bytes", strings.Replace(reference, refKeyB, bytesOf(15), 1)},
		{"key 129 bytes", strings.Replace(reference, refKeyB, bytesOf(129), 1)},
		{"salt padded", strings.Replace(reference, refSaltB, refSaltB+"==", 1)},
		{"key padded", reference + "="},
		{"salt url alphabet", strings.Replace(reference, refSaltB, strings.Repeat("_", 22), 1)},
		{"salt not base64", strings.Replace(reference, refSaltB, strings.Repeat("*", 22), 1)},
		{"key non-canonical trailing bits", reference[:len(reference)-1] + "b"},
		{"key truncated to 1 mod 4", reference[:len(reference)-2]},
		{"newline inside", strings.Replace(reference, refKeyB, refKeyB[:10]+"\n"+refKeyB[10:], 1)},
		{"too long", reference + strings.Repeat("A", maxEncodedLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := decode(tt.encoded)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("decode(%q) error = %v, want ErrMalformed", tt.encoded, err)
			}
			// Verify must refuse it the same way, before doing any work.
			ok, rehash, err := NewHasher(Fast, 1).Verify(t.Context(), "password", tt.encoded)
			if ok || rehash || !errors.Is(err, ErrMalformed) {
				t.Fatalf("Verify = %v, %v, %v; want false, false, ErrMalformed", ok, rehash, err)
			}
		})
	}
}

// TestDecodeLimits checks that values at the limits parse (they are never hashed
// here: m=1 GiB would take a second and a gigabyte).
func TestDecodeLimits(t *testing.T) {
	enc := encode(Params{Memory: MaxMemory, Time: MaxTime, Threads: MaxThreads}, bytes.Repeat([]byte{1}, MaxSaltLen), bytes.Repeat([]byte{2}, MaxKeyLen))
	if len(enc) > maxEncodedLen {
		t.Fatalf("longest valid hash is %d bytes, above maxEncodedLen %d", len(enc), maxEncodedLen)
	}
	p, _, _, err := decode(enc)
	if err != nil {
		t.Fatalf("decode at limits: %v", err)
	}
	want := Params{Memory: MaxMemory, Time: MaxTime, Threads: MaxThreads, SaltLen: MaxSaltLen, KeyLen: MaxKeyLen}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
}

func TestParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		ok   bool
	}{
		{"default", Default, true},
		{"fast", Fast, true},
		{"zero", Params{}, false},
		{"no time", Params{Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}, false},
		{"no threads", Params{Memory: 64, Time: 1, SaltLen: 16, KeyLen: 32}, false},
		{"short salt", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}, false},
		{"short key", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8}, false},
		{"huge memory", Params{Memory: MaxMemory + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// FuzzDecode checks that the parser of stored hashes never panics, never
// accepts parameters beyond the limits, and accepts only canonical spellings.
func FuzzDecode(f *testing.F) {
	f.Add(reference)
	f.Add(encode(Default, refSalt, refKey))
	f.Add("$argon2id$v=19$m=1048577,t=1,p=1$" + refSaltB + "$" + refKeyB)
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decode(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("decode error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("decode accepted out-of-bounds params: %v", err)
		}
		if got := encode(p, salt, key); got != s {
			t.Fatalf("decode accepted a non-canonical spelling:\n in: %q\nout: %q", s, got)
		}
	})
}
