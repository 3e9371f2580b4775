package local

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// An object file is a fixed-size header, then the content. The header holds
// what S3 keeps beside an object (content type, cache control) and the content's
// SHA-256, so that one rename replaces content and metadata together: there is
// no moment where a reader sees new bytes with old metadata.
//
//	bytes 0–7      "LYOBLOB1"
//	bytes 8–1023   JSON, padded with spaces, ending in '\n'
//	bytes 1024–    the content
const (
	headerSize  = 1024
	magic       = "LYOBLOB1"
	maxMetaText = 256 // content type and cache control, each
)

type header struct {
	ContentType  string `json:"content_type"`
	CacheControl string `json:"cache_control,omitempty"`
	SHA256       string `json:"sha256"`
	Size         int64  `json:"size"`
}

// etag is the object's HTTP entity tag: its content's SHA-256, which changes
// exactly when the content does and is the same on every node.
func (h header) etag() string { return strconv.Quote(h.SHA256) }

func (h header) encode() ([]byte, error) {
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if len(magic)+len(js)+1 > headerSize {
		return nil, errors.New("object header too long")
	}
	b := bytes.Repeat([]byte{' '}, headerSize)
	copy(b, magic)
	copy(b[len(magic):], js)
	b[headerSize-1] = '\n'
	return b, nil
}

// readHeader reads the header of an open object file and checks it against the
// file's length, so a truncated file is reported, never served short.
func readHeader(f *os.File) (header, error) {
	var h header
	b := make([]byte, headerSize)
	if _, err := io.ReadFull(f, b); err != nil {
		return h, fmt.Errorf("read object header: %w", err)
	}
	if string(b[:len(magic)]) != magic {
		return h, errors.New("not an object file")
	}
	if err := json.Unmarshal(bytes.TrimRight(b[len(magic):], " \n"), &h); err != nil {
		return h, fmt.Errorf("object header: %w", err)
	}
	if _, err := hex.DecodeString(h.SHA256); err != nil || len(h.SHA256) != 64 {
		return h, errors.New("object header: bad digest")
	}
	st, err := f.Stat()
	if err != nil {
		return h, err
	}
	if st.Size() != headerSize+h.Size {
		return h, fmt.Errorf("object file has %d content bytes, its header says %d", st.Size()-headerSize, h.Size)
	}
	return h, nil
}
