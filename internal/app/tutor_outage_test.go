package app

import (
	"strconv"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/tutor/llm/llmtest"
)

// TestTutorOutageKeepsNoHalfQuestion: with no offline fallback and every
// model failing before its first token, a question is a 503 problem that says
// when to come back (the breaker's own time once it is open), the conversation
// keeps nothing of it, and the next answered question is sent alone.
func TestTutorOutageKeepsNoHalfQuestion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		fake := llmtest.NewGemini(t)
		_, c := geminiServer(t, dbURL, fake, map[string]string{"LYO_TUTOR_CHAIN_CHAT": "gemini-flash"})
		me, conv := c.learnerConversation("ada@example.com")
		path := "/api/v1/tutor/conversations/" + conv.ID + "/messages"
		outage := func(text string) string {
			t.Helper()
			w := me.do("POST", path, map[string]any{"text": text})
			var p problem
			want(t, w, 503, &p)
			if ct := w.Header().Get("Content-Type"); p.Code != "tutor_unavailable" || !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("outage answered %s %+v", ct, p)
			}
			return w.Header().Get("Retry-After")
		}

		fake.Default(llmtest.Error(500))
		if ra := outage("Lost in the outage"); ra == "" {
			t.Error("a 503 without Retry-After")
		}
		var got conversation
		want(t, me.do("GET", "/api/v1/tutor/conversations/"+conv.ID, nil), 200, &got)
		if got.Count != 0 || len(got.Messages) != 0 {
			t.Fatalf("after a question no model took: %d messages counted, %+v stored; want none", got.Count, got.Messages)
		}

		fake.Push(llmtest.Text("An answer."))
		if a := me.ask(conv.ID, "Asked again"); a.Done == nil {
			t.Fatalf("after the outage: %+v", a)
		}
		reqs := fake.Requests()
		g, err := reqs[len(reqs)-1].Gemini()
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Contents) != 1 || g.Contents[0].Parts[0].Text != "Asked again" {
			t.Errorf("the model was sent %d turns, want the new question alone: %+v", len(g.Contents), g.Contents)
		}

		// Five failures in a row open the breaker (three calls a question):
		// the second question finds it open and says for how long.
		outage("Down again")
		asked := len(fake.Requests())
		ra, err := strconv.Atoi(outage("Still down?"))
		if err != nil || ra < 25 || ra > 30 {
			t.Errorf("Retry-After %d (%v) with the breaker open for 30s", ra, err)
		}
		if n := len(fake.Requests()) - asked; n != 2 {
			t.Errorf("%d calls on the question that opened the breaker, want 2", n)
		}
		want(t, me.do("GET", "/api/v1/tutor/conversations/"+conv.ID, nil), 200, &got)
		if got.Count != 2 || len(got.Messages) != 2 || got.Messages[0].Text != "Asked again" || got.Messages[1].Text != "An answer." {
			t.Errorf("after three outages and one answer: %d counted, %+v", got.Count, got.Messages)
		}
	})
}
