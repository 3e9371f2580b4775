package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// DecodeOption changes how DecodeJSON reads a body.
type DecodeOption func(*decodeOptions)

type decodeOptions struct {
	uncheckedText bool
}

// UncheckedText leaves strings holding NUL in the decoded value, for a route
// that refuses them part by part with BadText (one bad event of a batch is
// rejected alone; the batch is not refused whole).
func UncheckedText() DecodeOption {
	return func(o *decodeOptions) { o.uncheckedText = true }
}

// DecodeJSON reads the request body into dst, strictly: the content type must be
// JSON, unknown fields and trailing data are refused, and a body over the route's
// limit (set by the router) is a 413. Every failure is a 4xx *Error.
//
// Text is made safe for both engines: encoding/json already replaces invalid
// UTF-8 (and lone surrogate escapes) with U+FFFD, and a string holding a NUL
// (sent as \u0000) is a 422 naming its field, unless the route asks for
// UncheckedText.
func DecodeJSON(r *http.Request, dst any, opts ...DecodeOption) error {
	var o decodeOptions
	for _, opt := range opts {
		opt(&o)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return Errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", "send the body as application/json")
		}
	}
	scan := &nulScanner{r: r.Body}
	dec := json.NewDecoder(scan)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err)
		}
		return Errorf(http.StatusBadRequest, "malformed_json", "the body holds more than one JSON value")
	}
	if scan.seen && !o.uncheckedText {
		if bad := BadText(dst); len(bad) > 0 {
			return Invalid(bad...)
		}
	}
	return nil
}

func decodeError(err error) *Error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
		invalidUE *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, new(*errBodyTooSlow)):
		return bodyTimeout(err)
	case errors.As(err, &tooLarge):
		return Errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body is larger than %d bytes", tooLarge.Limit)
	case errors.Is(err, io.EOF):
		return Errorf(http.StatusBadRequest, "malformed_json", "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(http.StatusBadRequest, "malformed_json", "the body ends in the middle of a JSON value")
	case errors.As(err, &syntax):
		return Errorf(http.StatusBadRequest, "malformed_json", "malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return Errorf(http.StatusBadRequest, "malformed_json", "the body must be a JSON %s", jsonKind(typeErr))
		}
		return Invalid(FieldError{Field: field, Message: fmt.Sprintf("must be %s, not %s", jsonKind(typeErr), typeErr.Value)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Invalid(FieldError{Field: name, Message: "unknown field"})
	case errors.As(err, &invalidUE):
		return &Error{Status: http.StatusInternalServerError, Code: "internal", Detail: "internal error", Err: err}
	}
	return &Error{Status: http.StatusBadRequest, Code: "malformed_json", Detail: "the body is not valid JSON", Err: err}
}

func jsonKind(e *json.UnmarshalTypeError) string {
	if e.Type == nil {
		return "a different type"
	}
	switch e.Type.Kind().String() {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "a " + e.Type.String()
}
