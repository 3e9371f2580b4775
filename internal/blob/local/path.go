package local

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/lyolearn/lyo/internal/blob"
)

// How keys become paths under the root. Each segment of a key names a directory,
// the last one a file; '%' is written "%25", so no segment can produce a name
// with a bare '%'. The names the store keeps for itself all have one, and can
// never be a key's:
//
//	photos/100%/a.jpg   →  photos/100%25/a.jpg%o   (object files end in %o)
//	%t<random>                                   (a write in progress)
//	%uploads/<id>/…                              (multipart uploads)
//
// The object suffix also lets "a" and "a/b" both be keys, as on S3: the first is
// the file "a%o", the second a file in the directory "a".
const (
	objectSuffix = "%o"
	tempPrefix   = "%t"
	uploadsDir   = "%uploads"
	// maxName is the longest file name common file systems allow.
	maxName = 255
)

func escape(seg string) string    { return strings.ReplaceAll(seg, "%", "%25") }
func unescape(name string) string { return strings.ReplaceAll(name, "%25", "%") }

// objectPath maps a key to its file, relative to the root. Every path it returns
// is local (filepath.IsLocal), clean, and maps back to the same key.
func objectPath(key string) (string, error) {
	if err := blob.CheckKey(key); err != nil {
		return "", err
	}
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = escape(s)
		if i == len(segs)-1 {
			segs[i] += objectSuffix
		}
		if len(segs[i]) > maxName {
			return "", fmt.Errorf("%w: segment %d is too long for local storage", blob.ErrInvalidKey, i+1)
		}
	}
	return filepath.Join(segs...), nil
}

// dirPath maps a key prefix that ends with '/' (or is empty) to its directory.
func dirPath(prefix string) string {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return "."
	}
	segs := strings.Split(prefix, "/")
	for i, s := range segs {
		segs[i] = escape(s)
	}
	return filepath.Join(segs...)
}

// keyOf maps a path from objectPath back to its key; ok is false for names the
// store keeps for itself.
func keyOf(rel string) (key string, ok bool) {
	segs := strings.Split(filepath.ToSlash(rel), "/")
	last := segs[len(segs)-1]
	if !strings.HasSuffix(last, objectSuffix) {
		return "", false
	}
	segs[len(segs)-1] = strings.TrimSuffix(last, objectSuffix)
	for i, s := range segs {
		if !ownName(s) {
			return "", false
		}
		segs[i] = unescape(s)
	}
	return strings.Join(segs, "/"), true
}

// ownName reports whether name could come from escape: every '%' in it starts "%25".
func ownName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] == '%' && !strings.HasPrefix(name[i:], "%25") {
			return false
		}
	}
	return true
}
