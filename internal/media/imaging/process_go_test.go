//go:build !vips

package imaging

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Without libvips, a HEIC upload is refused with a reason that says why.
func TestProcessHEICWithoutLibvips(t *testing.T) {
	src := writeFile(t, t.TempDir(), "photo.heic", heifHeader("heic", 4032, 3024, 0))
	_, err := New().Process(context.Background(), src, DefaultPresets(), t.TempDir())
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "HEIC cannot be decoded on this server") {
		t.Fatalf("Process: %v", err)
	}
}
