package tutor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// eventSink writes an answer as server-sent events: each event an "event:"
// line followed directly by one "data:" line of JSON, and a blank line;
// heartbeats are comment lines, which clients ignore and proxies see as traffic.
type eventSink struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	deadline time.Duration
	opened   bool
}

func newEventSink(w http.ResponseWriter, deadline time.Duration) *eventSink {
	return &eventSink{w: w, rc: http.NewResponseController(w), deadline: deadline}
}

// Open sends the headers. A write deadline bounds the whole stream, beyond
// the service's own total limit, so a client that stops reading cannot hold
// the connection.
func (s *eventSink) Open() error {
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.deadline))
	s.w.WriteHeader(http.StatusOK)
	s.opened = true
	return s.rc.Flush()
}

func (s *eventSink) event(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", name, err)
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", name, b); err != nil {
		return err
	}
	return s.rc.Flush()
}

func (s *eventSink) Token(text string) error {
	return s.event("token", struct {
		Text string `json:"text"`
	}{text})
}

func (s *eventSink) Heartbeat() error {
	if _, err := fmt.Fprint(s.w, ": keep-alive\n\n"); err != nil {
		return err
	}
	return s.rc.Flush()
}

// DoneEvent is the data of the last event of an answer.
type DoneEvent struct {
	MessageID string       `json:"message_id"`
	Usage     UsageEvent   `json:"usage"`
	Provider  string       `json:"provider"`
	Model     string       `json:"model"`
	Degraded  bool         `json:"degraded"`
	Sources   []SourceView `json:"sources"`
}

// UsageEvent is the tokens an answer took.
type UsageEvent struct {
	InputTokens  int `json:"input_tokens"`
	OutputTokens int `json:"output_tokens"`
}

func (s *eventSink) Done(d Done) error {
	return s.event("done", DoneEvent{MessageID: d.MessageID, Usage: UsageEvent{d.Usage.InputTokens, d.Usage.OutputTokens},
		Provider: d.Provider, Model: d.Model, Degraded: d.Degraded, Sources: sourceViews(d.Sources)})
}

// ErrorEvent is the data of an answer that ended in an error.
type ErrorEvent struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *eventSink) Fail(code, message string) error {
	return s.event("error", ErrorEvent{Code: code, Message: message})
}
