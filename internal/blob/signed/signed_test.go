package signed

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
)

var (
	oldSecret = []byte("the old key, thirty-two bytes at least")
	newSecret = []byte("the new key, thirty-two bytes at least")
	now       = time.Unix(1_800_000_000, 0)
)

func keys(t *testing.T, secrets ...[]byte) *Keys {
	t.Helper()
	k, err := NewKeys(secrets...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func claims() Claims {
	return Claims{Op: OpPut, Key: "media/m1/original.jpg", Expires: now.Add(time.Hour), ContentType: "image/jpeg", Size: 1234}
}

func TestVerifyAcceptsWhatWasSigned(t *testing.T) {
	k := keys(t, oldSecret)
	q := k.Sign("main", claims())
	got, err := k.Verify("main", "media/m1/original.jpg", q, now)
	if err != nil || got != claims() {
		t.Fatalf("verify = %+v, %v; want %+v", got, err, claims())
	}
	// A query that went through a URL and back verifies the same.
	u, _ := url.Parse(k.URL("https://lyo.example/objects/", "main", claims()))
	if u.Path != "/objects/media/m1/original.jpg" {
		t.Errorf("URL path %q", u.Path)
	}
	if _, err := k.Verify("main", "media/m1/original.jpg", u.Query(), now); err != nil {
		t.Errorf("verify after a URL round trip: %v", err)
	}
}

// TestEveryClaimIsSigned changes one thing at a time: each change is refused.
func TestEveryClaimIsSigned(t *testing.T) {
	k := keys(t, oldSecret)
	c := claims()
	c.MinSize, c.MaxSize, c.UploadID, c.Part = 1, 2000, "u1", 3
	for param, value := range map[string]string{
		pOp: "get", pExp: "1900000000", pType: "text/html", pSize: "1235", pMin: "0", pMax: "9999",
		pUpload: "u2", pPart: "4", pSig: strings.Repeat("00", 32), pKid: "000000000000",
	} {
		q := k.Sign("main", c)
		q.Set(param, value)
		if _, err := k.Verify("main", c.Key, q, now); !errors.Is(err, blob.ErrDenied) {
			t.Errorf("changed %s to %q: %v, want ErrDenied", param, value, err)
		}
	}
	q := k.Sign("main", c)
	q.Del(pType)
	if _, err := k.Verify("main", c.Key, q, now); !errors.Is(err, blob.ErrDenied) {
		t.Errorf("removed the content type: %v", err)
	}
	if _, err := k.Verify("main", "media/m1/other.jpg", k.Sign("main", c), now); !errors.Is(err, blob.ErrDenied) {
		t.Errorf("another key verified: %v", err)
	}
	if _, err := k.Verify("backup", c.Key, k.Sign("main", c), now); !errors.Is(err, blob.ErrDenied) {
		t.Errorf("another store's scope verified: %v", err)
	}
}

func TestExpiry(t *testing.T) {
	k := keys(t, oldSecret)
	q := k.Sign("main", claims())
	if _, err := k.Verify("main", claims().Key, q, now.Add(time.Hour-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	if _, err := k.Verify("main", claims().Key, q, now.Add(time.Hour)); !errors.Is(err, blob.ErrDenied) {
		t.Errorf("at expiry: %v, want ErrDenied", err)
	}
}

func TestRotation(t *testing.T) {
	before := keys(t, oldSecret)
	during := keys(t, newSecret, oldSecret)
	after := keys(t, newSecret)
	issued := before.Sign("main", claims())
	if _, err := during.Verify("main", claims().Key, issued, now); err != nil {
		t.Errorf("a URL signed before the rotation fails during it: %v", err)
	}
	fresh := during.Sign("main", claims())
	if _, err := after.Verify("main", claims().Key, fresh, now); err != nil {
		t.Errorf("a URL signed with the new key fails after the rotation: %v", err)
	}
	if _, err := after.Verify("main", claims().Key, issued, now); !errors.Is(err, blob.ErrDenied) {
		t.Errorf("a URL signed with a dropped key verified: %v", err)
	}
}

func TestShortKeysRefused(t *testing.T) {
	if _, err := NewKeys([]byte("short")); err == nil {
		t.Error("a 5-byte key was accepted")
	}
	if _, err := NewKeys(); err == nil {
		t.Error("no key was accepted")
	}
}
