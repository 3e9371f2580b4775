package media

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/blob"
	"github.com/lyolearn/lyo/internal/blob/local"
	"github.com/lyolearn/lyo/internal/blob/signed"
)

// TestSignerBuildsEveryURL: public objects get stable URLs without a token,
// under the CDN base when the provider has one, else under Lyo's public base
// URL (root-relative without one); private objects get the provider's
// expiring signed URL, which a rotated key set still verifies.
func TestSignerBuildsEveryURL(t *testing.T) {
	old, fresh := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	keys, err := signed.NewKeys(old)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	st, err := local.New(local.Options{Dir: t.TempDir(), Keys: keys, Scope: "main", URLBase: "https://lyo.example" + ObjectsPath + "/main",
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := testID + "/480-webp-" + strings.Repeat("a", 32) + ".webp"
	prov := blob.Provider{Name: "main", Type: "local", Store: st}
	cdn := prov
	cdn.PublicBaseURL = "https://cdn.example/media/"

	for _, tt := range []struct {
		base string
		prov blob.Provider
		want string
	}{
		{"", prov, FilesPath + "/" + key},
		{"https://lyo.example", prov, "https://lyo.example" + FilesPath + "/" + key},
		{"https://lyo.example", cdn, "https://cdn.example/media/" + key},
	} {
		got, err := NewSigner(tt.base, time.Hour, nil).URL(t.Context(), tt.prov, Public, key)
		if err != nil || got != tt.want {
			t.Errorf("public URL under %q: %q, %v; want %q", tt.base, got, err, tt.want)
		}
	}

	got, err := NewSigner("https://lyo.example", 10*time.Minute, nil).URL(t.Context(), cdn, Private, key)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got)
	if err != nil || !strings.HasPrefix(got, "https://lyo.example"+ObjectsPath+"/main/"+key+"?") {
		t.Fatalf("private URL %q: never the CDN's, always signed by Lyo", got)
	}
	if exp := u.Query().Get("exp"); exp != "1795954200" {
		t.Errorf("expires at %s, want ten minutes on", exp)
	}
	// The signing key is rotated: the URL still verifies while the old key is
	// configured, and expires when it says.
	rotated, _ := signed.NewKeys(fresh, old)
	if _, err := rotated.Verify("main", key, u.Query(), now.Add(9*time.Minute)); err != nil {
		t.Errorf("after rotation: %v", err)
	}
	if _, err := rotated.Verify("main", key, u.Query(), now.Add(11*time.Minute)); err == nil {
		t.Error("an expired URL verified")
	}
}
