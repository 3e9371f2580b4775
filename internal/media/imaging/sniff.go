package imaging

import (
	"bytes"
	"encoding/binary"
)

// SniffLen is how many leading bytes Sniff wants to see.
const SniffLen = 512

// Sniff tells the format from the first bytes of a file (SniffLen of them when
// the file has that many), never from its name or declared type. Anything not on
// the allow-list is an error wrapping ErrUnsupported whose message says what was
// found, and so is a format this build cannot decode (HEIC or AVIF without
// libvips). A header that also carries HTML or script is refused: a browser could
// be talked into running it.
func Sniff(head []byte) (Format, error) {
	f, err := sniffFormat(head)
	if err != nil {
		return "", err
	}
	if markupAt(head) >= 0 {
		return "", unsupported("the file is an image and a web page at once; it is not accepted")
	}
	if !canDecode(f) {
		return "", unsupported("%s cannot be decoded on this server", formatName(f))
	}
	return f, nil
}

func sniffFormat(b []byte) (Format, error) {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return JPEG, nil
	case bytes.HasPrefix(b, pngMagic):
		return PNG, nil
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return GIF, nil
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP, nil
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return sniffFtyp(b)
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "", unsupported("PDF is not accepted; upload an image (JPEG, PNG, GIF, WebP, HEIC or AVIF)")
	}
	text := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")), " \t\r\n"))
	if bytes.HasPrefix(text, []byte("<")) {
		if bytes.Contains(text, []byte("<svg")) {
			return "", unsupported("SVG is not accepted; upload a JPEG, PNG, GIF, WebP, HEIC or AVIF image")
		}
		return "", unsupported("HTML and XML are not accepted; upload a JPEG, PNG, GIF, WebP, HEIC or AVIF image")
	}
	return "", unsupported("this file type is not accepted; upload a JPEG, PNG, GIF, WebP, HEIC or AVIF image")
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// sniffFtyp reads the brands of an ISO base media file: HEIF images and AVIF
// are accepted, video and anything else in that container is not.
func sniffFtyp(b []byte) (Format, error) {
	size := int(binary.BigEndian.Uint32(b[:4]))
	if size < 16 || size > len(b) {
		size = min(len(b), 64)
	}
	brands := []string{string(b[8:12])}
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, string(b[i:i+4]))
	}
	var heif bool
	for _, br := range brands {
		switch br {
		case "avif", "avis":
			return AVIF, nil
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			heif = true
		}
	}
	if heif {
		return HEIC, nil
	}
	return "", unsupported("this file type is not accepted; upload a JPEG, PNG, GIF, WebP, HEIC or AVIF image")
}

func formatName(f Format) string {
	switch f {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	case GIF:
		return "GIF"
	case WebP:
		return "WebP"
	case HEIC:
		return "HEIC"
	case AVIF:
		return "AVIF"
	}
	return string(f)
}

// markups are the openings of HTML that a browser would act on. None of them
// appears in an honest image's header or metadata, and in compressed pixel data
// a given seven bytes turn up by chance about once in 10^15 bytes.
var markups = [][]byte{
	[]byte("<script"), []byte("<html"), []byte("<svg"), []byte("<!doctype"), []byte("<?php"),
	[]byte("<iframe"), []byte("<body"), []byte("<object"), []byte("<embed"), []byte("javascript:"),
}

// markupAt is the offset of the first markup in b (case-insensitive), or -1.
func markupAt(b []byte) int {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '<' && c != 'j' && c != 'J' {
			continue
		}
		for _, m := range markups {
			if len(b)-i >= len(m) && equalFold(b[i:i+len(m)], m) {
				return i
			}
		}
	}
	return -1
}

// equalFold compares ASCII case-insensitively; m is lower case.
func equalFold(b, m []byte) bool {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != m[i] {
			return false
		}
	}
	return true
}
