package httpx

import (
	"bytes"
	"cmp"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s may be stored as text on both engines. PostgreSQL
// refuses a NUL byte and invalid UTF-8 in text (SQLite stores them), so text that
// fails here is refused at the edge, with a 4xx, before any store sees it.
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// BadText lists the strings inside v that ValidText refuses, each named by its
// JSON path ("email", "events[3].item_id"). A route that decodes with
// UncheckedText calls it on each part it may refuse alone, such as one event of
// a batch.
func BadText(v any) []FieldError {
	var bad []FieldError
	walkText(reflect.ValueOf(v), "", &bad)
	return bad
}

var rawMessageType = reflect.TypeFor[[]byte]()

func walkText(v reflect.Value, path string, bad *[]FieldError) {
	switch v.Kind() {
	case reflect.String:
		if !ValidText(v.String()) {
			*bad = append(*bad, FieldError{Field: cmp.Or(path, "body"), Message: "must be UTF-8 text without NUL characters"})
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), path, bad)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().ConvertibleTo(rawMessageType) {
			return // bytes (json.RawMessage) are decoded, and checked, later
		}
		for i := range v.Len() {
			walkText(v.Index(i), path+"["+strconv.Itoa(i)+"]", bad)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			key := it.Key()
			name := join(path, key.String())
			if key.Kind() == reflect.String && !ValidText(key.String()) {
				*bad = append(*bad, FieldError{Field: cmp.Or(path, "body"), Message: "has a key that is not UTF-8 text without NUL characters"})
				continue
			}
			walkText(it.Value(), name, bad)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, skip := jsonName(f)
			if skip {
				continue
			}
			if f.Anonymous && name == "" {
				walkText(v.Field(i), path, bad) // embedded: its fields are the parent's
				continue
			}
			walkText(v.Field(i), join(path, cmp.Or(name, f.Name)), bad)
		}
	}
}

// jsonName is the name encoding/json gives a field: the tag's, "" when untagged.
func jsonName(f reflect.StructField) (name string, skip bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", true
	}
	name, _, _ = strings.Cut(tag, ",")
	return name, false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// checkRequestText refuses a path or query that is not valid text: every handler
// below may hand both to a store.
func checkRequestText(r *http.Request) *Error {
	if !ValidText(r.URL.Path) {
		return Errorf(http.StatusBadRequest, "invalid_path", "the path must be UTF-8 text without NUL characters")
	}
	raw := r.URL.RawQuery
	if raw == "" || !needsDecoding(raw) {
		return nil // plain ASCII without escapes: nothing to decode, nothing bad
	}
	for k, vs := range r.URL.Query() {
		if !ValidText(k) {
			return BadParam("query", "parameter names must be UTF-8 text without NUL characters")
		}
		for _, v := range vs {
			if !ValidText(v) {
				return BadParam(k, "must be UTF-8 text without NUL characters")
			}
		}
	}
	return nil
}

func needsDecoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// nulEscape is how a NUL reaches a JSON body: encoding/json refuses a raw NUL
// inside a string, so only the escape can carry one.
const nulEscapeText = `\u0000`

var nulEscape = []byte(nulEscapeText)

// nulScanner notes whether a body holds `\u0000`, across read boundaries. A hit
// may be a false one (`\\u0000` is a backslash and text); it only decides
// whether the decoded value is walked, which is exact.
type nulScanner struct {
	r    io.Reader
	tail [5]byte // the last bytes read, len(nulEscape)-1 at most
	n    int
	seen bool
}

func (s *nulScanner) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n == 0 || s.seen {
		return n, err
	}
	chunk := p[:n]
	if bytes.Contains(chunk, nulEscape) {
		s.seen = true
		return n, err
	}
	var buf [2 * len(nulEscapeText)]byte
	edge := append(append(buf[:0], s.tail[:s.n]...), chunk[:min(len(chunk), len(s.tail))]...)
	s.seen = bytes.Contains(edge, nulEscape)
	if len(chunk) >= len(s.tail) {
		s.n = copy(s.tail[:], chunk[len(chunk)-len(s.tail):])
	} else { // edge holds the old tail and the whole chunk
		s.n = copy(s.tail[:], edge[max(0, len(edge)-len(s.tail)):])
	}
	return n, err
}
