package media

import (
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/blob"
)

const testID = "01m8mc4ehkeyfw5rn900456p1m"

func TestObjectKey(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	tests := []struct {
		id, variant, sum, format string
		want                     string
	}{
		{testID, "original", sum, "jpeg", testID + "/original-" + sum[:32] + ".jpg"},
		{testID, "480-webp", strings.ToUpper(sum), "webp", testID + "/480-webp-" + sum[:32] + ".webp"},
		{testID, "thumb_2", sum, "png", testID + "/thumb_2-" + sum[:32] + ".png"},
		{"../etc", "original", sum, "jpeg", ""},
		{testID, "../x", sum, "jpeg", ""},
		{testID, "", sum, "jpeg", ""},
		{testID, "-x", sum, "jpeg", ""},
		{testID, "Original", sum, "jpeg", ""},
		{testID, "original", sum[:31], "jpeg", ""},
		{testID, "original", strings.Repeat("zz", 32), "jpeg", ""},
		{testID, "original", sum, "svg", ""},
		{testID, "original", sum, "", ""},
	}
	for _, tt := range tests {
		got, err := ObjectKey(tt.id, tt.variant, tt.sum, tt.format)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ObjectKey(%q, %q, %q, %q) = %q, %v; want %q", tt.id, tt.variant, tt.sum, tt.format, got, err, tt.want)
		}
	}
}

// FuzzObjectKey: whatever the parts, a key is refused or is a portable key of
// two segments, under its media's id, that names nothing but what was given.
func FuzzObjectKey(f *testing.F) {
	f.Add(testID, "original", strings.Repeat("0", 64), "jpeg")
	f.Add(testID, "480-webp", strings.Repeat("f", 40), "webp")
	f.Add("..", "..", "../../../../../../../../../../../..", "jpeg")
	f.Add(testID, "a/b", strings.Repeat("1", 32), "png")
	f.Fuzz(func(t *testing.T, id, variant, sum, format string) {
		key, err := ObjectKey(id, variant, sum, format)
		if err != nil {
			return
		}
		if err := blob.CheckKey(key); err != nil {
			t.Fatalf("key %q is not portable: %v", key, err)
		}
		segs := strings.Split(key, "/")
		if len(segs) != 2 || segs[0] != id || MediaIDOfKey(key) != id {
			t.Fatalf("key %q is not under media %q", key, id)
		}
		if !strings.HasPrefix(segs[1], variant+"-") || strings.Contains(key, "..") {
			t.Fatalf("key %q does not name variant %q alone", key, variant)
		}
	})
}
