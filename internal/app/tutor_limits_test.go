package app

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/tutor/llm/llmtest"
)

// hangUpAfter asks a question over a real connection and hangs up as soon as
// the stream holds want.
func hangUpAfter(t *testing.T, s *server, me *client, convID, want string) {
	t.Helper()
	srv := &http.Server{Handler: s.handler}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ctx, hangUp := context.WithCancel(t.Context())
	defer hangUp()
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+ln.Addr().String()+"/api/v1/tutor/conversations/"+convID+"/messages",
		strings.NewReader(`{"text": "Tell me everything"}`))
	req.Header.Set("Authorization", "Bearer "+me.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	var got string
	for !strings.Contains(got, want) {
		n, err := resp.Body.Read(buf)
		if err != nil {
			t.Fatalf("read %q: %v", got, err)
		}
		got += string(buf[:n])
	}
	hangUp()
	resp.Body.Close()
}

// TestTutorLeavingMidAnswerIsCharged: a learner who hangs up after the first
// token cancels the call to the model, keeps the partial answer, and is
// charged for it although the model never got to report usage, so hanging up
// is no way around the daily quota.
func TestTutorLeavingMidAnswerIsCharged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		fake := llmtest.NewGemini(t)
		s, c := geminiServer(t, dbURL, fake, map[string]string{"LYO_TUTOR_DAILY_TOKENS": "100"})
		me, conv := c.learnerConversation("ada@example.com")
		hold := make(chan struct{})
		defer close(hold)
		fake.Push(llmtest.Reply{Chunks: []string{"The first part", " and the rest"}, Hold: hold})
		hangUpAfter(t, s, me, conv.ID, "The first part")

		eventually(t, "the model's call cancelled", func() bool { return fake.Abandoned() == 1 })
		var stored conversation
		eventually(t, "the partial answer stored", func() bool {
			want(t, me.do("GET", "/api/v1/tutor/conversations/"+conv.ID, nil), 200, &stored)
			return len(stored.Messages) == 2
		})
		if len(stored.Messages) != 2 || stored.Messages[1].Status != "partial" || stored.Messages[1].Text != "The first part" {
			t.Fatalf("stored %+v, want the first part kept as partial", stored.Messages)
		}
		var usage struct {
			Tokens     int `json:"tokens"`
			TokensLeft int `json:"tokens_left"`
		}
		want(t, me.do("GET", "/api/v1/tutor/usage", nil), 200, &usage)
		// The instruction alone is several hundred bytes: over 100 tokens at
		// four bytes a token, before the question and the streamed text.
		if usage.Tokens <= 100 || usage.TokensLeft != 0 {
			t.Errorf("usage after hanging up %+v, want the partial answer charged past the quota", usage)
		}
		var p problem
		want(t, me.do("POST", "/api/v1/tutor/conversations/"+conv.ID+"/messages", map[string]any{"text": "And again"}), 429, &p)
		if p.Code != "quota_exceeded" || len(fake.Requests()) != 1 {
			t.Errorf("past the quota: %+v, %d calls to the model", p, len(fake.Requests()))
		}
	})
}

// TestTutorStopsAtTheDeploymentCostCap: once the deployment's estimated spend
// for the day reaches its cap, every learner's question is a 429 that says
// the server's limit was reached and when it renews, and no model is called.
func TestTutorStopsAtTheDeploymentCostCap(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		fake := llmtest.NewGemini(t)
		// One dollar a million tokens is one micro-dollar a token: 110 tokens
		// pass a cap of 100 micro-dollars.
		_, c := geminiServer(t, dbURL, fake, map[string]string{"LYO_TUTOR_PRICES": "gemini-2.5-flash=1/1",
			"LYO_TUTOR_DAILY_COST_CAP": "0.0001"})
		ada, adaConv := c.learnerConversation("ada@example.com")
		bob, bobConv := c.learnerConversation("bob@example.com")
		fake.Default(llmtest.Reply{Chunks: []string{"Sure."}, InputTokens: 60, OutputTokens: 50})
		if a := ada.ask(adaConv.ID, "First question"); a.Done == nil {
			t.Fatalf("first question: %+v", a)
		}
		for _, who := range []struct {
			c    *client
			conv string
		}{{ada, adaConv.ID}, {bob, bobConv.ID}} {
			w := who.c.do("POST", "/api/v1/tutor/conversations/"+who.conv+"/messages", map[string]any{"text": "Another question"})
			var p struct {
				problem
				Detail string `json:"detail"`
			}
			want(t, w, 429, &p)
			retry, err := strconv.Atoi(w.Header().Get("Retry-After"))
			if p.Code != "quota_exceeded" || !strings.Contains(p.Detail, "spending limit") || err != nil || retry < 1 || retry > 86400 ||
				!strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("past the cost cap: %+v, Retry-After %q", p, w.Header().Get("Retry-After"))
			}
		}
		if n := len(fake.Requests()); n != 1 {
			t.Errorf("the model was called %d times, want once", n)
		}
	})
}
