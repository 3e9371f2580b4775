package llm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/tutor/llm"
	"github.com/lyolearn/lyo/internal/tutor/llm/llmtest"
)

// Vertex AI is chosen by configuration alone: its calls take Vertex's paths.
func TestGeminiOnVertex(t *testing.T) {
	f := llmtest.NewGemini(t)
	f.Push(llmtest.Text("from Vertex"))
	g, err := llm.NewGemini(context.Background(), llm.GeminiConfig{Vertex: true, APIKey: "vertex-key",
		Model: "gemini-2.5-flash", BaseURL: f.URL()})
	if err != nil {
		t.Fatal(err)
	}
	text, r, err := llm.Generate(context.Background(), g, ask("q"))
	if err != nil || text != "from Vertex" || r.Model != "gemini-2.5-flash" {
		t.Fatalf("%q %+v %v", text, r, err)
	}
	rec := f.Requests()[0]
	if !strings.Contains(rec.Path, "/publishers/google/models/gemini-2.5-flash:streamGenerateContent") {
		t.Fatalf("path = %s", rec.Path)
	}
	if _, err := llm.NewGemini(context.Background(), llm.GeminiConfig{Vertex: true, Model: "m"}); err == nil {
		t.Fatal("Vertex without project, location or key was accepted")
	}
	if _, err := llm.NewGemini(context.Background(), llm.GeminiConfig{Model: "m"}); err == nil {
		t.Fatal("Gemini without a key was accepted")
	}
}
