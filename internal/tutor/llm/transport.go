package llm

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// Neither SDK hands back the headers of an error answer, so a transport notes the
// Retry-After of a refused call where the provider can read it.
type retryAfterKey struct{}

type retryNote struct{ d atomic.Int64 }

func withRetryNote(ctx context.Context) (context.Context, *retryNote) {
	n := new(retryNote)
	return context.WithValue(ctx, retryAfterKey{}, n), n
}

func (n *retryNote) get() time.Duration { return time.Duration(n.d.Load()) }

type noteRetryAfter struct{ base http.RoundTripper }

func (t noteRetryAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err == nil && resp.StatusCode >= 400 {
		if n, ok := r.Context().Value(retryAfterKey{}).(*retryNote); ok {
			n.d.Store(int64(retryAfterHeader(resp.Header.Get("Retry-After"), time.Now())))
		}
	}
	if err == nil {
		resp.Body = &capped{ReadCloser: resp.Body, left: maxBody}
	}
	return resp, err
}

// maxBody bounds what one answer may send: far above any real completion,
// low enough that a broken or hostile server cannot exhaust memory (the Gemini
// SDK would buffer a line of up to 256 MiB).
const maxBody = 8 << 20

var errBodyTooLarge = errors.New("llm: response body too large")

type capped struct {
	io.ReadCloser
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.ReadCloser.Read(p)
	c.left -= int64(n)
	return n, err
}

// httpClient returns a client whose transport notes Retry-After; c's own
// transport (or the default one) does the work. No client-wide timeout: a
// Chain bounds each call through its context.
func httpClient(c *http.Client) *http.Client {
	base := http.DefaultTransport
	if c != nil && c.Transport != nil {
		base = c.Transport
	}
	out := &http.Client{Transport: noteRetryAfter{base: base}}
	if c != nil {
		out.Jar, out.CheckRedirect = c.Jar, c.CheckRedirect
	}
	return out
}
