package token

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestVerify feeds one Issuer (keyA, at t0) a table of tokens. Each bad token
// differs from a valid one in one respect, and must fail for that reason.
func TestVerify(t *testing.T) {
	iss, _ := newTestIssuer(t, keyA)
	issued, _, err := iss.Issue("user-1", "learner", 7, "session-1")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) int64 { return t0.Add(d).Unix() }

	tests := []struct {
		name  string
		token func(t *testing.T) string
		want  error  // nil: valid
		msg   string // the error text must also contain this
	}{
		// Valid.
		{name: "issued", token: func(*testing.T) string { return issued }},
		{name: "forged base (sanity)", token: func(t *testing.T) string { return edit(t, nil, nil) }},
		{name: "aud as a string", token: func(t *testing.T) string { return edit(t, nil, set("aud", testAudience)) }},
		{name: "aud among several", token: func(t *testing.T) string { return edit(t, nil, set("aud", []string{"other", testAudience})) }},
		{name: "expired within leeway", token: func(t *testing.T) string { return edit(t, nil, set("exp", at(-29*time.Second))) }},
		{name: "nbf within leeway", token: func(t *testing.T) string { return edit(t, nil, set("nbf", at(29*time.Second))) }},
		{name: "iat within leeway", token: func(t *testing.T) string { return edit(t, nil, set("iat", at(29*time.Second))) }},

		// Algorithm confusion: the alg is pinned before any key is used.
		{
			name: "alg none", want: jwt.ErrTokenSignatureInvalid, msg: "signing method none is invalid",
			token: func(t *testing.T) string {
				h := baseHeader()
				h["alg"] = "none"
				return segment(t, h) + "." + segment(t, baseClaims()) + "."
			},
		},
		{
			name: "alg NONE", want: jwt.ErrTokenUnverifiable, msg: "signing method (alg) is unavailable",
			token: func(t *testing.T) string {
				h := baseHeader()
				h["alg"] = "NONE"
				return segment(t, h) + "." + segment(t, baseClaims()) + "."
			},
		},
		{
			name: "alg missing", want: jwt.ErrTokenUnverifiable, msg: "signing method (alg) is unspecified",
			token: func(t *testing.T) string { return edit(t, del("alg"), nil) },
		},
		{
			name: "HS256 with the public key as secret", want: jwt.ErrTokenSignatureInvalid, msg: "signing method HS256 is invalid",
			token: func(t *testing.T) string {
				h := baseHeader()
				h["alg"] = "HS256"
				in := segment(t, h) + "." + segment(t, baseClaims())
				mac := hmac.New(sha256.New, keyA.Public())
				mac.Write([]byte(in))
				return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
			},
		},
		{
			name: "RS256", want: jwt.ErrTokenSignatureInvalid, msg: "signing method RS256 is invalid",
			token: func(t *testing.T) string {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					t.Fatal(err)
				}
				return foreign(t, jwt.SigningMethodRS256, k)
			},
		},
		{
			name: "ES256", want: jwt.ErrTokenSignatureInvalid, msg: "signing method ES256 is invalid",
			token: func(t *testing.T) string {
				k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
				if err != nil {
					t.Fatal(err)
				}
				return foreign(t, jwt.SigningMethodES256, k)
			},
		},

		// Key selection: only the fixed set, only by kid.
		{name: "kid unknown", want: errUnknownKey, token: func(t *testing.T) string { return edit(t, set("kid", keyB.ID), nil) }},
		{name: "kid path", want: errUnknownKey, token: func(t *testing.T) string { return edit(t, set("kid", "../../etc/passwd"), nil) }},
		{name: "kid SQL", want: errUnknownKey, token: func(t *testing.T) string { return edit(t, set("kid", "x' OR '1'='1"), nil) }},
		{name: "kid URL", want: errUnknownKey, token: func(t *testing.T) string { return edit(t, set("kid", "https://evil.example/key.json"), nil) }},
		{name: "kid empty", want: errUnknownKey, token: func(t *testing.T) string { return edit(t, set("kid", ""), nil) }},
		{name: "kid missing", want: errNoKeyID, token: func(t *testing.T) string { return edit(t, del("kid"), nil) }},
		{name: "kid a number", want: errNoKeyID, token: func(t *testing.T) string { return edit(t, set("kid", 1), nil) }},
		{
			name: "attacker key, our kid, embedded jwk", want: jwt.ErrEd25519Verification,
			token: func(t *testing.T) string {
				h := baseHeader()
				h["jwk"] = map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(attacker.Public().(ed25519.PublicKey))}
				h["jku"] = "https://evil.example/jwks.json"
				return signed(t, attacker, h, baseClaims())
			},
		},
		{
			name: "attacker key, attacker kid", want: errUnknownKey,
			token: func(t *testing.T) string {
				return signed(t, attacker, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": NewKey(attacker).ID}, baseClaims())
			},
		},

		// Other header fields.
		{name: "header typ missing", want: errHeaderType, token: func(t *testing.T) string { return edit(t, del("typ"), nil) }},
		{name: "header typ at+jwt", want: errHeaderType, token: func(t *testing.T) string { return edit(t, set("typ", "at+jwt"), nil) }},
		{name: "header crit", want: errCritical, token: func(t *testing.T) string { return edit(t, set("crit", []string{"b64"}), nil) }},

		// Signature.
		{
			name: "payload tampered (role admin)", want: jwt.ErrEd25519Verification,
			token: func(t *testing.T) string {
				h, p, sig := split(t, issued)
				raw, err := base64.RawURLEncoding.DecodeString(p)
				if err != nil {
					t.Fatal(err)
				}
				var c map[string]any
				if err := json.Unmarshal(raw, &c); err != nil {
					t.Fatal(err)
				}
				c["role"] = "admin"
				return h + "." + segment(t, c) + "." + sig
			},
		},
		{
			name: "header tampered", want: jwt.ErrEd25519Verification,
			token: func(t *testing.T) string {
				_, p, sig := split(t, issued)
				h := baseHeader()
				h["x"] = 1
				return segment(t, h) + "." + p + "." + sig
			},
		},
		{
			name: "signature truncated", want: jwt.ErrEd25519Verification,
			// 84 characters: 63 whole bytes, so it decodes and only Ed25519 refuses it.
			token: func(t *testing.T) string { h, p, sig := split(t, issued); return h + "." + p + "." + sig[:84] },
		},
		{
			name: "signature empty", want: jwt.ErrEd25519Verification,
			token: func(t *testing.T) string { h, p, _ := split(t, issued); return h + "." + p + "." },
		},
		{
			name: "signature non-canonical base64", want: jwt.ErrTokenMalformed, msg: "signature",
			token: func(t *testing.T) string {
				// 64 bytes end in a character carrying 4 unused bits; setting them
				// spells the same signature another way.
				h, p, sig := split(t, issued)
				last := strings.IndexByte(b64url, sig[len(sig)-1])
				return h + "." + p + "." + sig[:len(sig)-1] + string(b64url[last|1])
			},
		},

		// Times.
		{name: "expired", want: jwt.ErrTokenExpired, token: func(t *testing.T) string { return edit(t, nil, set("exp", at(-31*time.Second))) }},
		{name: "exp missing", want: jwt.ErrTokenRequiredClaimMissing, msg: "exp", token: func(t *testing.T) string { return edit(t, nil, del("exp")) }},
		{name: "exp not a number", want: jwt.ErrTokenMalformed, token: func(t *testing.T) string { return edit(t, nil, set("exp", true)) }},
		{name: "nbf in the future", want: jwt.ErrTokenNotValidYet, token: func(t *testing.T) string { return edit(t, nil, set("nbf", at(31*time.Second))) }},
		{name: "iat in the future", want: jwt.ErrTokenUsedBeforeIssued, token: func(t *testing.T) string { return edit(t, nil, set("iat", at(time.Hour))) }},
		{name: "iat missing", want: jwt.ErrTokenRequiredClaimMissing, msg: "iat", token: func(t *testing.T) string { return edit(t, nil, del("iat")) }},

		// Claims.
		{name: "aud wrong", want: jwt.ErrTokenInvalidAudience, token: func(t *testing.T) string { return edit(t, nil, set("aud", []string{"admin-api"})) }},
		{name: "aud missing", want: jwt.ErrTokenRequiredClaimMissing, msg: "aud", token: func(t *testing.T) string { return edit(t, nil, del("aud")) }},
		{name: "iss wrong", want: jwt.ErrTokenInvalidIssuer, token: func(t *testing.T) string { return edit(t, nil, set("iss", "https://evil.example")) }},
		{name: "iss missing", want: jwt.ErrTokenRequiredClaimMissing, msg: "iss", token: func(t *testing.T) string { return edit(t, nil, del("iss")) }},
		{name: "typ refresh", want: errWrongType, token: func(t *testing.T) string { return edit(t, nil, set("typ", "refresh")) }},
		{name: "typ missing", want: errWrongType, token: func(t *testing.T) string { return edit(t, nil, del("typ")) }},
		{name: "sub missing", want: jwt.ErrTokenRequiredClaimMissing, msg: "sub", token: func(t *testing.T) string { return edit(t, nil, del("sub")) }},
		{name: "sub empty", want: jwt.ErrTokenRequiredClaimMissing, msg: "sub", token: func(t *testing.T) string { return edit(t, nil, set("sub", "")) }},
		{name: "jti missing", want: jwt.ErrTokenRequiredClaimMissing, msg: "jti", token: func(t *testing.T) string { return edit(t, nil, del("jti")) }},
		{name: "role missing", want: jwt.ErrTokenRequiredClaimMissing, msg: "role", token: func(t *testing.T) string { return edit(t, nil, del("role")) }},
		{name: "ver missing", want: jwt.ErrTokenRequiredClaimMissing, msg: "ver", token: func(t *testing.T) string { return edit(t, nil, del("ver")) }},
		{name: "ver a string", want: jwt.ErrTokenMalformed, token: func(t *testing.T) string { return edit(t, nil, set("ver", "7")) }},

		// Size and shape.
		{
			name: "too long", want: errTooLong,
			token: func(t *testing.T) string { return edit(t, nil, set("pad", strings.Repeat("a", MaxLen))) },
		},
		{name: "empty", want: jwt.ErrTokenMalformed, token: func(*testing.T) string { return "" }},
		{name: "one segment", want: jwt.ErrTokenMalformed, token: func(*testing.T) string { return "abc" }},
		{name: "two segments", want: jwt.ErrTokenMalformed, token: func(*testing.T) string { return "abc.def" }},
		{name: "four segments", want: jwt.ErrTokenMalformed, token: func(*testing.T) string { return issued + ".x" }},
		{name: "dots only", want: jwt.ErrTokenMalformed, token: func(*testing.T) string { return ".." }},
		{name: "header not JSON", want: jwt.ErrTokenMalformed, token: func(*testing.T) string { return "bm90IGpzb24.e30.AAAA" }},
		{name: "header a JSON array", want: jwt.ErrTokenMalformed, token: func(*testing.T) string { return "W10.e30.AAAA" }},
		{name: "with Bearer prefix", want: errCharset, token: func(*testing.T) string { return "Bearer " + issued }},
		{name: "trailing newline", want: errCharset, token: func(*testing.T) string { return issued + "\n" }},
		{name: "padded base64", want: errCharset, token: func(*testing.T) string { return issued + "==" }},
		{name: "standard base64 alphabet", want: errCharset, token: func(*testing.T) string { return "a+b/.c.d" }},
		{name: "NUL byte", want: errCharset, token: func(*testing.T) string { return issued[:10] + "\x00" + issued[10:] }},
		{name: "unicode", want: errCharset, token: func(*testing.T) string { return "ey…" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.token(t)
			c, err := iss.Verify(tok)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if c.Subject != "user-1" || c.Role != "learner" || c.Version != 7 || c.Type != TypeAccess {
					t.Fatalf("claims = %+v", c)
				}
				return
			}
			if c != nil {
				t.Errorf("claims = %+v, want nil", c)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error = %v\nwant reason %v (%q)", err, tt.want, tt.msg)
			}
		})
	}
}

const b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// foreign signs the base claims with another algorithm, honestly, under our kid.
func foreign(t *testing.T, m jwt.SigningMethod, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, jwt.MapClaims(baseClaims()))
	tok.Header["kid"] = keyA.ID
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
