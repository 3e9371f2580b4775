package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Gemini fakes the Gemini REST API:
// POST /v1beta/models/{model}:generateContent and
// POST /v1beta/models/{model}:streamGenerateContent?alt=sse.
type Gemini struct{ *script }

// NewGemini starts a fake that answers "ok" until scripted otherwise; it stops
// when the test ends.
func NewGemini(t testing.TB) *Gemini {
	g := &Gemini{}
	g.script = newScript(t, http.HandlerFunc(g.serve))
	return g
}

// URL is the base URL to give the SDK.
func (g *Gemini) URL() string { return g.srv.URL }

// Push queues replies for the next requests, in order.
func (g *Gemini) Push(r ...Reply) { g.push(r...) }

// Default sets the reply once the queue is empty.
func (g *Gemini) Default(r Reply) { g.setDefault(r) }

// Requests returns what the fake received so far.
func (g *Gemini) Requests() []Recorded { return g.requests() }

// GeminiRequest is the part of a generateContent body the tests look at.
type GeminiRequest struct {
	Contents          []GeminiContent `json:"contents"`
	SystemInstruction *GeminiContent  `json:"systemInstruction"`
	GenerationConfig  struct {
		ResponseMIMEType string         `json:"responseMimeType"`
		ResponseSchema   map[string]any `json:"responseSchema"`
		MaxOutputTokens  int            `json:"maxOutputTokens"`
		Temperature      *float64       `json:"temperature"`
	} `json:"generationConfig"`
	SafetySettings []struct {
		Category  string `json:"category"`
		Threshold string `json:"threshold"`
	} `json:"safetySettings"`
}

// GeminiContent is one turn on the wire.
type GeminiContent struct {
	Role  string `json:"role"`
	Parts []struct {
		Text       string `json:"text"`
		InlineData *struct {
			MIMEType string `json:"mimeType"`
			Data     []byte `json:"data"`
		} `json:"inlineData"`
	} `json:"parts"`
}

// Gemini decodes a recorded body as a generateContent request.
func (r Recorded) Gemini() (GeminiRequest, error) {
	var out GeminiRequest
	err := json.Unmarshal(r.Body, &out)
	return out, err
}

func (g *Gemini) serve(w http.ResponseWriter, r *http.Request) {
	// Vertex paths end the same way: .../publishers/google/models/{m}:method.
	i := strings.LastIndex(r.URL.Path, "/models/")
	if r.Method != http.MethodPost || i < 0 {
		geminiError(w, http.StatusNotFound, "NOT_FOUND", 0)
		return
	}
	model, method, _ := strings.Cut(r.URL.Path[i+len("/models/"):], ":")
	body, _ := io.ReadAll(r.Body)
	stream := method == "streamGenerateContent"
	if !stream && method != "generateContent" {
		geminiError(w, http.StatusNotFound, "NOT_FOUND", 0)
		return
	}
	rep := g.take(Recorded{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, Model: model, Stream: stream})
	if !g.wait(r, rep.FirstDelay) {
		return
	}
	if rep.Hang {
		g.hang(r)
		return
	}
	if rep.Status != 0 {
		geminiError(w, rep.Status, statusName(rep.Status), rep.RetryAfter)
		return
	}
	if rep.BlockReason != "" {
		// A refused prompt: one response without candidates.
		b, _ := json.Marshal(map[string]any{"promptFeedback": map[string]any{"blockReason": rep.BlockReason},
			"usageMetadata": map[string]any{"promptTokenCount": countTokens(string(body)), "totalTokenCount": countTokens(string(body))},
			"modelVersion":  model})
		if stream {
			w.Header().Set("Content-Type", "text/event-stream")
			sse(w, b)
		} else {
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			w.Write(b)
		}
		return
	}
	if rep.Raw != nil {
		w.Header().Set("Content-Type", "text/event-stream")
		if !stream {
			w.Header().Set("Content-Type", "application/json")
		}
		w.Write(rep.Raw)
		return
	}
	if !stream {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		json.NewEncoder(w).Encode(geminiChunk(model, strings.Join(rep.Chunks, ""), true, rep, body))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	for n, c := range rep.Chunks {
		if rep.Cut != nil && n == rep.Cut.After {
			g.cut(w, rep.Cut)
			return
		}
		if n == 1 && rep.Hold != nil && !g.hold(r, rep.Hold) {
			return
		}
		if n > 0 && !g.wait(r, rep.Delay) {
			return
		}
		b, _ := json.Marshal(geminiChunk(model, c, n == len(rep.Chunks)-1, rep, body))
		sse(w, b)
	}
	if rep.Cut != nil {
		g.cut(w, rep.Cut)
	}
}

func (g *Gemini) cut(w http.ResponseWriter, c *Cut) {
	if c.Status == 0 {
		panic(http.ErrAbortHandler)
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code": c.Status, "message": "The model is overloaded.", "status": statusName(c.Status)}})
	sse(w, b)
}

// geminiChunk shapes one GenerateContentResponse; the last one carries the
// finish reason and the usage.
func geminiChunk(model, text string, last bool, rep Reply, reqBody []byte) map[string]any {
	cand := map[string]any{
		"content": map[string]any{"parts": []any{map[string]any{"text": text}}, "role": "model"},
		"index":   0,
	}
	out := map[string]any{"candidates": []any{cand}, "modelVersion": model, "responseId": "fake-response"}
	if last {
		fr := rep.FinishReason
		if fr == "" {
			fr = "STOP"
		}
		cand["finishReason"] = fr
		in, outTok := rep.InputTokens, rep.OutputTokens
		if in == 0 {
			in = countTokens(string(reqBody))
		}
		if outTok == 0 {
			outTok = countTokens(strings.Join(rep.Chunks, ""))
		}
		out["usageMetadata"] = map[string]any{"promptTokenCount": in, "candidatesTokenCount": outTok,
			"totalTokenCount": in + outTok}
	}
	return out
}

func geminiError(w http.ResponseWriter, status int, name string, retry time.Duration) {
	e := map[string]any{"code": status, "message": fmt.Sprintf("fake %s", name), "status": name}
	if retry > 0 {
		e["details"] = []any{map[string]any{
			"@type":      "type.googleapis.com/google.rpc.RetryInfo",
			"retryDelay": fmt.Sprintf("%gs", retry.Seconds()),
		}}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func statusName(code int) string {
	switch code {
	case 400:
		return "INVALID_ARGUMENT"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 408:
		return "DEADLINE_EXCEEDED"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 503:
		return "UNAVAILABLE"
	}
	return "INTERNAL"
}
