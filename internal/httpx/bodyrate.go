package httpx

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// BodyRate is the least a client must do to keep sending a request body. One
// fixed deadline would cut large uploads on slow links, or let a trickle hold a
// connection for minutes; a minimum rate does neither.
type BodyRate struct {
	// Stall cuts a body that delivers nothing for this long. 0 turns the
	// minimum off entirely.
	Stall time.Duration
	// MinRate is the average, in bytes per second, a body must keep once Stall
	// has passed since it began. 0: no average, only Stall.
	MinRate int64
}

// errBodyTooSlow marks the read that BodyRate cut, so the answer is a 408 and
// not a 5xx (a database read timing out is another matter).
type errBodyTooSlow struct{ err error }

func (e *errBodyTooSlow) Error() string { return "request body too slow: " + e.err.Error() }
func (e *errBodyTooSlow) Unwrap() error { return e.err }

func bodyTimeout(err error) *Error {
	return &Error{Status: http.StatusRequestTimeout, Code: "body_timeout",
		Detail: "the request body arrived too slowly and was cut off",
		Header: http.Header{"Connection": {"close"}}, Err: err}
}

// rateReader moves the connection's read deadline ahead of each read of the
// body: the next byte is due within Stall, and by the time the average would
// fall under MinRate. At the end of the body the deadline is cleared, because
// the server then watches the connection for the client going away, and a
// deadline passing there would cancel a long answer (a stream) for nothing.
type rateReader struct {
	body  io.ReadCloser
	rc    *http.ResponseController
	rate  BodyRate
	start time.Time
	read  int64
	done  bool
}

func newRateReader(w http.ResponseWriter, body io.ReadCloser, rate BodyRate) *rateReader {
	b := &rateReader{body: body, rc: http.NewResponseController(w), rate: rate, start: time.Now()}
	// Armed before the handler reads: a handler that never reads the body still
	// leaves the server to discard it, and that must not wait forever either.
	b.arm(b.start)
	return b
}

func (b *rateReader) arm(now time.Time) {
	deadline := now.Add(b.rate.Stall)
	if b.rate.MinRate > 0 {
		due := b.start.Add(b.rate.Stall + time.Duration(float64(b.read+1)/float64(b.rate.MinRate)*float64(time.Second)))
		if due.Before(deadline) {
			deadline = due
		}
	}
	_ = b.rc.SetReadDeadline(deadline) // unsupported (a test recorder): no limit
}

func (b *rateReader) Read(p []byte) (int, error) {
	if b.done {
		return b.body.Read(p)
	}
	b.arm(time.Now())
	n, err := b.body.Read(p)
	b.read += int64(n)
	switch {
	case err == nil:
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.done = true
		return n, &errBodyTooSlow{err}
	default: // io.EOF, or the body is over its size limit: either way it is over
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

func (b *rateReader) Close() error { return b.body.Close() }
