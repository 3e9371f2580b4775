package blob

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// CheckKey refuses keys that could mean something other than one object on some
// provider: empty or longer than MaxKeyBytes, not UTF-8, with a NUL or another
// control character, a backslash, a leading or trailing '/', an empty segment
// ("a//b"), or a "." or ".." segment. S3 would accept most of these; refusing
// them everywhere keeps keys portable between providers and keeps local disk
// free of anything a file system interprets.
func CheckKey(key string) error {
	if err := checkText(key); err != nil {
		return err
	}
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") {
		return fmt.Errorf("%w: starts or ends with '/'", ErrInvalidKey)
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("%w: empty segment", ErrInvalidKey)
		case ".", "..":
			return fmt.Errorf("%w: %q segment", ErrInvalidKey, seg)
		}
	}
	return nil
}

// CheckPrefix refuses a List prefix no key could start with (the same text rules
// as CheckKey; a prefix may end anywhere, with '/' or mid-segment).
func CheckPrefix(prefix string) error {
	if err := checkText(prefix); err != nil {
		return err
	}
	if strings.HasPrefix(prefix, "/") {
		return fmt.Errorf("%w: starts with '/'", ErrInvalidKey)
	}
	return nil
}

func checkText(s string) error {
	if len(s) > MaxKeyBytes {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyBytes)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: not UTF-8", ErrInvalidKey)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\\' {
			return fmt.Errorf("%w: holds %U", ErrInvalidKey, r)
		}
	}
	return nil
}

// Check refuses an expiry that is not positive or is longer than
// MaxPresignExpiry, and a negative size.
func (o PresignOptions) Check() error {
	if o.Expires <= 0 || o.Expires > MaxPresignExpiry {
		return fmt.Errorf("%w: expiry %s is not within (0, %s]", ErrInvalid, o.Expires, MaxPresignExpiry)
	}
	if o.Size < 0 {
		return fmt.Errorf("%w: negative size", ErrInvalid)
	}
	return nil
}

// Check refuses a POST policy without an upper bound, with bounds the wrong way
// round, or with an expiry out of range.
func (o PostOptions) Check() error {
	if err := (PresignOptions{Expires: o.Expires}).Check(); err != nil {
		return err
	}
	if o.MaxSize <= 0 || o.MinSize < 0 || o.MinSize > o.MaxSize {
		return fmt.Errorf("%w: length range [%d, %d] is empty or unbounded", ErrInvalid, o.MinSize, o.MaxSize)
	}
	return nil
}

// Check refuses a negative size or limit, a size over the limit and a digest
// that is not 32 bytes long.
func (o PutOptions) Check() error {
	switch {
	case o.Size < 0 || o.MaxSize < 0:
		return fmt.Errorf("%w: negative size", ErrInvalid)
	case o.MaxSize > 0 && o.Size > o.MaxSize:
		return fmt.Errorf("%w: size %d over the limit of %d bytes", ErrTooLarge, o.Size, o.MaxSize)
	case o.SHA256 != nil && len(o.SHA256) != 32:
		return fmt.Errorf("%w: a SHA-256 digest has 32 bytes, not %d", ErrInvalid, len(o.SHA256))
	}
	return nil
}

// CheckPart refuses a part number outside 1..MaxParts.
func CheckPart(n int) error {
	if n < 1 || n > MaxParts {
		return fmt.Errorf("%w: part number %d is not within 1..%d", ErrInvalid, n, MaxParts)
	}
	return nil
}

// Check returns the page size the options ask for, or why they are refused.
func (o ListOptions) Check() (int, error) {
	switch {
	case o.Limit < 0 || o.Limit > MaxListLimit:
		return 0, fmt.Errorf("%w: limit %d is not within 1..%d", ErrInvalid, o.Limit, MaxListLimit)
	case o.Limit == 0:
		return MaxListLimit, CheckPrefix(o.Prefix)
	}
	return o.Limit, CheckPrefix(o.Prefix)
}

// CheckPartSize refuses a part length outside 1..MaxPartSize: a part's length is
// always declared.
func CheckPartSize(size int64) error {
	if size < 1 || size > MaxPartSize {
		return fmt.Errorf("%w: a part has 1 to %d bytes, not %d", ErrInvalid, int64(MaxPartSize), size)
	}
	return nil
}
