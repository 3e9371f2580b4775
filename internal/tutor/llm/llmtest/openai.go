package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// OpenAI fakes POST /v1/chat/completions, streamed (stream: true) or not.
type OpenAI struct{ *script }

// NewOpenAI starts a fake that answers "ok" until scripted otherwise; it stops
// when the test ends.
func NewOpenAI(t testing.TB) *OpenAI {
	o := &OpenAI{}
	o.script = newScript(t, http.HandlerFunc(o.serve))
	return o
}

// URL is the base URL to give the client (it ends in /v1).
func (o *OpenAI) URL() string { return o.srv.URL + "/v1" }

// Push queues replies for the next requests, in order.
func (o *OpenAI) Push(r ...Reply) { o.push(r...) }

// Default sets the reply once the queue is empty.
func (o *OpenAI) Default(r Reply) { o.setDefault(r) }

// Requests returns what the fake received so far.
func (o *OpenAI) Requests() []Recorded { return o.requests() }

// ChatRequest is the part of a chat completions body the tests look at.
type ChatRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role string `json:"role"`
		// Content is a string, or a list of {type, text | image_url{url}} parts.
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string         `json:"name"`
			Schema map[string]any `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
	MaxTokens     int      `json:"max_tokens"`
	Temperature   *float64 `json:"temperature"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// ChatPart is one element of a message whose content is a list.
type ChatPart struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	ImageURL *struct {
		URL string `json:"url"`
	} `json:"image_url"`
}

// Chat decodes a recorded body as a chat completions request.
func (r Recorded) Chat() (ChatRequest, error) {
	var out ChatRequest
	err := json.Unmarshal(r.Body, &out)
	return out, err
}

func (o *OpenAI) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		openAIError(w, http.StatusNotFound, 0)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req ChatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		openAIError(w, http.StatusBadRequest, 0)
		return
	}
	rep := o.take(Recorded{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, Model: req.Model, Stream: req.Stream})
	if !o.wait(r, rep.FirstDelay) {
		return
	}
	if rep.Hang {
		o.hang(r)
		return
	}
	if rep.Status != 0 {
		if rep.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(rep.RetryAfter.Seconds()))))
		}
		openAIError(w, rep.Status, rep.RetryAfter)
		return
	}
	if rep.Raw != nil {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write(rep.Raw)
		return
	}
	in, out := rep.InputTokens, rep.OutputTokens
	if in == 0 {
		in = countTokens(string(body))
	}
	if out == 0 {
		out = countTokens(strings.Join(rep.Chunks, ""))
	}
	usage := map[string]any{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out}
	finish := rep.FinishReason
	if finish == "" {
		finish = "stop"
	}
	created := time.Now().Unix()
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": finish,
				"message": map[string]any{"role": "assistant", "content": strings.Join(rep.Chunks, "")}}},
			"usage": usage,
		})
		return
	}
	chunk := func(delta map[string]any, finish any) []byte {
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		return b
	}
	w.Header().Set("Content-Type", "text/event-stream")
	sse(w, chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for n, c := range rep.Chunks {
		if rep.Cut != nil && n == rep.Cut.After {
			o.cut(w, rep.Cut)
			return
		}
		if n == 1 && rep.Hold != nil && !o.hold(r, rep.Hold) {
			return
		}
		if n > 0 && !o.wait(r, rep.Delay) {
			return
		}
		sse(w, chunk(map[string]any{"content": c}, nil))
	}
	if rep.Cut != nil {
		o.cut(w, rep.Cut)
		return
	}
	sse(w, chunk(map[string]any{}, finish))
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		b, _ := json.Marshal(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk",
			"created": created, "model": req.Model, "choices": []any{}, "usage": usage})
		sse(w, b)
	}
	sse(w, []byte("[DONE]"))
}

func (o *OpenAI) cut(w http.ResponseWriter, c *Cut) {
	if c.Status == 0 {
		panic(http.ErrAbortHandler)
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": "The server had an error while processing your request.", "type": "server_error",
		"param": nil, "code": nil}})
	sse(w, b)
}

func openAIError(w http.ResponseWriter, status int, retry time.Duration) {
	typ := "invalid_request_error"
	switch {
	case status == 429:
		typ = "rate_limit_exceeded"
	case status >= 500:
		typ = "server_error"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": fmt.Sprintf("fake %d", status), "type": typ, "param": nil, "code": nil}})
}
