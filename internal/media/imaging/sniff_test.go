package imaging

import (
	"errors"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	jpg := encodeJPEG(t, photo(16, 16))
	tests := []struct {
		name string
		head []byte
		want Format
		// For a refusal: the text the uploader reads.
		refusal string
	}{
		{"jpeg", jpg, JPEG, ""},
		{"png", encodePNG(t, photo(8, 8)), PNG, ""},
		{"gif", gifFrames(t, 2), GIF, ""},
		{"webp", webpVP8X(10, 10, 0), WebP, ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "", "SVG is not accepted"},
		{"svg with prolog", []byte("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!DOCTYPE svg><svg onload=\"alert(1)\"/>"), "", "SVG is not accepted"},
		{"html named .jpg", []byte("<!DOCTYPE html><html><body><script>fetch('/api/v1/me')</script>"), "", "HTML and XML are not accepted"},
		{"html after whitespace", []byte("\r\n  <HTML><img src=x onerror=alert(1)>"), "", "HTML and XML are not accepted"},
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), "", "PDF is not accepted"},
		{"empty", nil, "", "this file type is not accepted"},
		{"text", []byte("just some text"), "", "this file type is not accepted"},
		{"mp4", isoBox("ftyp", []byte("isom"), []byte{0, 0, 2, 0}, []byte("isomiso2mp41")), "", "this file type is not accepted"},
		{"gif with script", append([]byte("GIF89a/*\x01\x01\x00\x00*/=1;"), []byte("<script>alert(1)</script>")...), "", "an image and a web page at once"},
		{"jpeg with html in a comment", append(append([]byte{}, jpg[:2]...), append([]byte("\xFF\xFE\x00\x20<html><script>x</script>"), jpg[2:]...)...), "", "an image and a web page at once"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sniff(tc.head)
			if tc.refusal == "" {
				if err != nil || got != tc.want {
					t.Fatalf("Sniff = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Sniff = %q, %v; want an ErrUnsupported", got, err)
			}
			if !strings.Contains(err.Error(), tc.refusal) {
				t.Errorf("message %q does not say %q", err, tc.refusal)
			}
		})
	}
}

func TestSniffHEIF(t *testing.T) {
	for _, tc := range []struct {
		brand string
		want  Format
	}{{"heic", HEIC}, {"avif", AVIF}, {"mif1", HEIC}} {
		head := heifHeader(tc.brand, 4032, 3024, 0)
		got, err := Sniff(head)
		if canDecode(tc.want) {
			if err != nil || got != tc.want {
				t.Errorf("%s: Sniff = %q, %v; want %q", tc.brand, got, err, tc.want)
			}
			continue
		}
		want := formatName(tc.want) + " cannot be decoded on this server"
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Sniff = %q, %v; want ErrUnsupported saying %q", tc.brand, got, err, want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("\xFF\xD8\xFF\xE0"))
	f.Add(pngHeader(1, 1))
	f.Add([]byte("GIF89a"))
	f.Add(webpVP8X(1, 1, 1))
	f.Add(heifHeader("heic", 1, 1, 0))
	f.Add([]byte("<svg"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Sniff(b)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) || got != "" || err.Error() == "" {
				t.Fatalf("Sniff = %q, %v", got, err)
			}
			return
		}
		switch got {
		case JPEG, PNG, GIF, WebP, HEIC, AVIF:
		default:
			t.Fatalf("Sniff = %q", got)
		}
		if markupAt(b) >= 0 {
			t.Fatalf("Sniff accepted markup as %s", got)
		}
	})
}
