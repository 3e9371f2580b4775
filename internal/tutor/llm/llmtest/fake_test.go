package llmtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, url, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// The non-streamed endpoints answer one JSON document in each API's shape.
func TestUnaryAnswers(t *testing.T) {
	g := NewGemini(t)
	g.Push(Reply{Chunks: []string{"one ", "two"}, InputTokens: 3, OutputTokens: 2})
	resp, b := post(t, g.URL()+"/v1beta/models/gemini-2.5-pro:generateContent",
		`{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}`)
	var gr struct {
		Candidates []struct {
			Content struct {
				Parts []struct{ Text string }
			}
			FinishReason string
		}
		UsageMetadata struct{ PromptTokenCount, CandidatesTokenCount int }
	}
	if err := json.Unmarshal(b, &gr); err != nil || resp.StatusCode != 200 || len(gr.Candidates) != 1 ||
		gr.Candidates[0].Content.Parts[0].Text != "one two" || gr.Candidates[0].FinishReason != "STOP" ||
		gr.UsageMetadata.PromptTokenCount != 3 || gr.UsageMetadata.CandidatesTokenCount != 2 {
		t.Fatalf("gemini: %d %s", resp.StatusCode, b)
	}
	if rec := g.Requests()[0]; rec.Model != "gemini-2.5-pro" || rec.Stream {
		t.Fatalf("recorded %+v", rec)
	}

	o := NewOpenAI(t)
	o.Push(Text("one ", "two"))
	resp, b = post(t, o.URL()+"/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	var or struct {
		Choices []struct {
			Message      struct{ Role, Content string }
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
		}
	}
	if err := json.Unmarshal(b, &or); err != nil || resp.StatusCode != 200 || len(or.Choices) != 1 ||
		or.Choices[0].Message.Content != "one two" || or.Choices[0].FinishReason != "stop" || or.Usage.PromptTokens == 0 {
		t.Fatalf("openai: %d %s", resp.StatusCode, b)
	}
}

// Errors carry each API's error body, and a 429 its retry delay.
func TestErrorAnswers(t *testing.T) {
	g := NewGemini(t)
	g.Push(Reply{Status: 429, RetryAfter: 1500000000})
	resp, b := post(t, g.URL()+"/v1beta/models/m:streamGenerateContent?alt=sse", `{}`)
	if resp.StatusCode != 429 || !strings.Contains(string(b), `"retryDelay":"1.5s"`) ||
		!strings.Contains(string(b), `"status":"RESOURCE_EXHAUSTED"`) {
		t.Fatalf("gemini 429: %d %s", resp.StatusCode, b)
	}
	o := NewOpenAI(t)
	o.Push(Reply{Status: 429, RetryAfter: 1500000000})
	resp, b = post(t, o.URL()+"/chat/completions", `{"model":"m","stream":true}`)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(string(b), `"type":"rate_limit_exceeded"`) {
		t.Fatalf("openai 429: %d %v %s", resp.StatusCode, resp.Header, b)
	}
	if resp, _ := post(t, o.URL()+"/chat/completions", `not json`); resp.StatusCode != 400 {
		t.Fatalf("a malformed body got %d", resp.StatusCode)
	}
}
