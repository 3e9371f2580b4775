// Package llmtest runs local fakes of the Gemini REST API and of the OpenAI chat
// completions API that speak their real wire formats, so the SDKs can be pointed
// at them through their base URL options. Each fake answers from a script and
// records every request it got.
package llmtest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer.
type Reply struct {
	Chunks []string
	// FirstDelay waits before the first chunk, Delay before each later one.
	FirstDelay, Delay time.Duration
	// Status, when set, answers this HTTP error instead of a stream.
	Status int
	// RetryAfter rides a 429: as google.rpc.RetryInfo for Gemini, as the
	// Retry-After header for OpenAI.
	RetryAfter time.Duration
	// Cut breaks the stream after its first Cut.After chunks.
	Cut *Cut
	// Hold, when set, is waited on after the first chunk, so a test can read
	// that chunk while the rest is still held back.
	Hold <-chan struct{}
	// Hang accepts the call and then sends nothing until the client leaves.
	Hang bool
	// Usage is reported with the last chunk; zero fields are filled from the text.
	InputTokens, OutputTokens int
	// BlockReason (Gemini) refuses the prompt through promptFeedback.
	BlockReason string
	// FinishReason defaults to STOP (Gemini) / stop (OpenAI).
	FinishReason string
	// Raw, when set, is written as the whole response body (a golden file).
	Raw []byte
}

// Cut is a failure in the middle of a stream.
type Cut struct {
	After int
	// Status 0 drops the connection; otherwise an error event with this code
	// is sent inside the stream.
	Status int
}

// Text is a reply streaming the given chunks.
func Text(chunks ...string) Reply { return Reply{Chunks: chunks} }

// Error is a reply with an HTTP error status.
func Error(status int) Reply { return Reply{Status: status} }

// Recorded is one request a fake received.
type Recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
	// Model is the model named in the path (Gemini) or in the body (OpenAI).
	Model  string
	Stream bool
}

// script is the shared half of both fakes.
type script struct {
	mu       sync.Mutex
	replies  []Reply
	fallback Reply
	got      []Recorded
	left     int
	quit     chan struct{}
	srv      *httptest.Server
}

func newScript(t testing.TB, h http.Handler) *script {
	s := &script{quit: make(chan struct{}), fallback: Text("ok")}
	s.srv = httptest.NewServer(h)
	t.Cleanup(s.close)
	return s
}

func (s *script) close() {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// push queues replies, answered in order; once they run out the default answers.
func (s *script) push(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies = append(s.replies, r...)
}

func (s *script) setDefault(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = r
}

func (s *script) take(rec Recorded) Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, rec)
	if len(s.replies) == 0 {
		return s.fallback
	}
	r := s.replies[0]
	s.replies = s.replies[1:]
	return r
}

func (s *script) requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.got...)
}

// wait sleeps d unless the client leaves or the fake closes first.
func (s *script) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		s.gone()
	case <-s.quit:
	}
	return false
}

func (s *script) hang(r *http.Request) { s.hold(r, nil) }

// hold waits for ch (nil: forever) unless the client leaves or the fake closes.
func (s *script) hold(r *http.Request, ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-r.Context().Done():
		s.gone()
	case <-s.quit:
	}
	return false
}

func (s *script) gone() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.left++
}

// Abandoned counts the calls whose client went away before the reply was
// complete (cancelled upstream calls).
func (s *script) Abandoned() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.left
}

// countTokens is the fakes' stand-in tokenizer: one token per word.
func countTokens(s string) int { return len(strings.Fields(s)) }

// StripComments drops the leading '#' lines of a golden file.
func StripComments(b []byte) []byte {
	for bytes.HasPrefix(b, []byte("#")) {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	return b
}

// sse writes one server-sent event and flushes it.
func sse(w http.ResponseWriter, data []byte) {
	w.Write([]byte("data: "))
	w.Write(data)
	w.Write([]byte("\r\n\r\n"))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
