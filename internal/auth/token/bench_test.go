package token

import (
	"crypto/ed25519"
	"testing"
)

func BenchmarkIssue(b *testing.B) {
	iss, _ := newTestIssuer(b, keyA)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := iss.Issue("01jq3v9k2m8x4w6t0r5y7z1a2b", "learner", 3, "01jq3v9k2m8x4w6t0r5y7z1a2c"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	iss, _ := newTestIssuer(b, keyA, keyB)
	tok, _, err := iss.Issue("01jq3v9k2m8x4w6t0r5y7z1a2b", "learner", 3, "01jq3v9k2m8x4w6t0r5y7z1a2c")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyParallel(b *testing.B) {
	iss, _ := newTestIssuer(b, keyA, keyB)
	tok, _, err := iss.Issue("01jq3v9k2m8x4w6t0r5y7z1a2b", "learner", 3, "01jq3v9k2m8x4w6t0r5y7z1a2c")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := iss.Verify(tok); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkEd25519Verify is the floor under BenchmarkVerify: the signature check
// alone on a message of a token's size. The difference is parsing and checks.
func BenchmarkEd25519Verify(b *testing.B) {
	iss, _ := newTestIssuer(b, keyA)
	tok, _, err := iss.Issue("01jq3v9k2m8x4w6t0r5y7z1a2b", "learner", 3, "01jq3v9k2m8x4w6t0r5y7z1a2c")
	if err != nil {
		b.Fatal(err)
	}
	h, p, _ := split(b, tok)
	msg := []byte(h + "." + p)
	sig := ed25519.Sign(keyA.Private, msg)
	pub := keyA.Public()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("bad signature")
		}
	}
}
