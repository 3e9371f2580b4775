package blob

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"hash"
	"io"
)

// CheckedBody is for implementations: it passes a body through while counting
// and hashing it, refuses more bytes than PutOptions allow as soon as they
// arrive, and at the end of the body checks its length and digest, answering the
// refusal in place of io.EOF. An implementation commits the object only after
// reading io.EOF from it.
type CheckedBody struct {
	r    io.Reader
	opts PutOptions
	n    int64
	h    hash.Hash
	err  error
}

// NewCheckedBody wraps body for the limits and digest in opts.
func NewCheckedBody(body io.Reader, opts PutOptions) *CheckedBody {
	return &CheckedBody{r: body, opts: opts, h: sha256.New()}
}

// Read passes the body on. A refusal comes in place of the bytes that cause it:
// a transport sending the body never sends a complete request that breaks
// the limits, so the server cannot store it before the error arrives.
func (c *CheckedBody) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.h.Write(p[:n])
	switch {
	case c.opts.MaxSize > 0 && c.n > c.opts.MaxSize:
		c.err = fmt.Errorf("%w: body is longer than %d bytes", ErrTooLarge, c.opts.MaxSize)
		return 0, c.err
	case c.opts.Size > 0 && c.n > c.opts.Size:
		c.err = fmt.Errorf("%w: body is longer than the declared %d bytes", ErrMismatch, c.opts.Size)
		return 0, c.err
	case err == nil && c.opts.Size > 0 && c.n == c.opts.Size:
		// The declared length is reached: make sure the body ends here
		// before handing over its last bytes.
		var probe [1]byte
		m, perr := io.ReadFull(c.r, probe[:])
		switch {
		case m > 0:
			c.err = fmt.Errorf("%w: body is longer than the declared %d bytes", ErrMismatch, c.opts.Size)
		case perr != io.EOF:
			c.err = perr
		default:
			c.err = c.finish() // io.EOF, or why the body is refused
		}
		if c.err != io.EOF {
			return 0, c.err
		}
		return n, nil // io.EOF comes with the next Read
	case err == io.EOF:
		if c.err = c.finish(); c.err != io.EOF {
			return 0, c.err
		}
		return n, io.EOF
	case err != nil:
		c.err = err
		return n, err
	}
	return n, nil
}

func (c *CheckedBody) finish() error {
	if c.opts.Size > 0 && c.n != c.opts.Size {
		return fmt.Errorf("%w: body has %d bytes, declared %d", ErrMismatch, c.n, c.opts.Size)
	}
	if c.opts.SHA256 != nil && subtle.ConstantTimeCompare(c.h.Sum(nil), c.opts.SHA256) != 1 {
		return fmt.Errorf("%w: SHA-256 differs from the declared one", ErrMismatch)
	}
	return io.EOF
}

// N is the number of bytes read so far.
func (c *CheckedBody) N() int64 { return c.n }

// Sum is the SHA-256 of the bytes read so far.
func (c *CheckedBody) Sum() []byte { return c.h.Sum(nil) }
