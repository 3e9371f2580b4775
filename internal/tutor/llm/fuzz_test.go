package llm_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/tutor/llm"
	"github.com/lyolearn/lyo/internal/tutor/llm/llmtest"
)

// FuzzStreamBodies sends arbitrary response bodies through both providers: an
// answer is either read or refused with an error, never a panic or a hang.
func FuzzStreamBodies(f *testing.F) {
	f.Add(llmtest.GeminiGolden())
	f.Add(llmtest.OpenAIGolden())
	f.Add([]byte("data: {\"error\": {\"code\": 429, \"details\": [{\"@type\": \"google.rpc.RetryInfo\", \"retryDelay\": \"1e99s\"}]}}\n\n"))
	f.Add([]byte("data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
	f.Add([]byte("data: [DONE]\n\n"))
	f.Add([]byte("event: x\n:comment\ndata: {}\n\n"))
	gf, of := llmtest.NewGemini(f), llmtest.NewOpenAI(f)
	g := gemini(f, gf, "gemini-2.5-flash")
	o := openAI(f, of, "m", "")
	f.Fuzz(func(t *testing.T, body []byte) {
		gf.Push(llmtest.Reply{Raw: body})
		of.Push(llmtest.Reply{Raw: body})
		for _, p := range []llm.Provider{g, o} {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			text, _, err := llm.Generate(ctx, p, ask("q"))
			cancel()
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%s hung on %q", p.Name(), body)
			}
			if err == nil && len(text) > len(body) {
				t.Fatalf("%s: an answer longer than the body it came from", p.Name())
			}
		}
	})
}

func TestOversizedBodyIsRefused(t *testing.T) {
	f := llmtest.NewOpenAI(t)
	line := "data: {\"choices\":[{\"delta\":{\"content\":\"" + strings.Repeat("a", 9<<20) + "\"}}]}\n\n"
	f.Push(llmtest.Reply{Raw: []byte(line)})
	text, _, err := llm.Generate(context.Background(), openAI(t, f, "m", ""), ask("q"))
	if err == nil || text != "" {
		t.Fatalf("a 9 MiB chunk was accepted: %d bytes, %v", len(text), err)
	}
	g := llmtest.NewGemini(t)
	g.Push(llmtest.Reply{Raw: bytes.ReplaceAll([]byte(line), []byte("choices"), []byte("candidates"))})
	if text, _, err := llm.Generate(context.Background(), gemini(t, g, "m"), ask("q")); err == nil || text != "" {
		t.Fatalf("gemini accepted a 9 MiB chunk: %d bytes, %v", len(text), err)
	}
}
