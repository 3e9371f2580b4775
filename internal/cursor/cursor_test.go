package cursor

import (
	"errors"
	"strings"
	"testing"
)

type pos struct {
	After string `json:"a"`
	N     int    `json:"n"`
}

func TestRoundTripAndTampering(t *testing.T) {
	c := New([]byte("0123456789abcdef0123456789abcdef"))
	s, err := c.Encode("users", pos{"01abc", 7})
	if err != nil {
		t.Fatal(err)
	}
	var got pos
	if err := c.Decode("users", s, &got); err != nil || got != (pos{"01abc", 7}) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	other := New([]byte("another key, another deployment!"))
	payload, _, _ := strings.Cut(s, ".")
	forged, _ := c.Encode("users", pos{"zzz", 1})
	_, forgedTag, _ := strings.Cut(forged, ".")
	for name, bad := range map[string]string{
		"other list":       mustEncode(c, "content", pos{"01abc", 7}),
		"other key":        mustEncode(other, "users", pos{"01abc", 7}),
		"payload swapped":  payload + "." + forgedTag,
		"no tag":           payload,
		"empty":            "",
		"garbage":          "%%%.###",
		"oversized":        strings.Repeat("a", 5000) + "." + "b",
		"flipped tag char": flipLast(s),
	} {
		if err := c.Decode("users", bad, &got); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Decode = %v, want ErrInvalid", name, err)
		}
	}
}

func flipLast(s string) string {
	if s[len(s)-1] == 'A' {
		return s[:len(s)-1] + "B"
	}
	return s[:len(s)-1] + "A"
}

func mustEncode(c *Codec, kind string, p pos) string {
	s, err := c.Encode(kind, p)
	if err != nil {
		panic(err)
	}
	return s
}

func FuzzDecode(f *testing.F) {
	c := New([]byte("0123456789abcdef0123456789abcdef"))
	good, _ := c.Encode("k", pos{"x", 1})
	for _, s := range []string{good, "", ".", "a.b", good + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var p pos
		err := c.Decode("k", s, &p)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("unexpected error kind %v", err)
		}
		if err == nil && s != good {
			again, _ := c.Encode("k", p)
			if again != s {
				// A different string that verifies would mean a forgery.
				t.Fatalf("accepted %q, which this codec did not make", s)
			}
		}
	})
}
