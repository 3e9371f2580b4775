package app

import (
	"net/url"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/httpx"
)

// fuzzServer is one SQLite node with a creator's published item and a learner.
func fuzzServer(f *testing.F) (learner *client, itemID string) {
	s := newTestServer(f, testEnv(f, "", map[string]string{"LYO_RATE_LIMIT": "false", "LYO_ACCESS_TOKEN_TTL": "24h"}))
	c := newClient(f, s, nil)
	u, err := s.auth.CreateUser(f.Context(), "fuzz-creator@example.com", "creator password", "", "creator")
	if err != nil {
		f.Fatal(err)
	}
	tok, _, err := s.auth.AccessToken(f.Context(), u.ID)
	if err != nil {
		f.Fatal(err)
	}
	it := c.as(tok).do("POST", "/api/v1/content", `{"kind":"quiz","title":"Fuzz quiz","body":"words to find","duration_ms":1000,"status":"published","quiz":{"questions":[{"prompt":"?","choices":[{"text":"a"},{"text":"b"}],"answer":"1"}]}}`)
	if it.Code != 201 {
		f.Fatalf("create item: %d %s", it.Code, it.Body)
	}
	itemID = strings.Split(strings.Split(it.Body.String(), `"id":"`)[1], `"`)[0]
	l, err := s.auth.CreateUser(f.Context(), "fuzz-learner@example.com", "learner password", "", "learner")
	if err != nil {
		f.Fatal(err)
	}
	ltok, _, _ := s.auth.AccessToken(f.Context(), l.ID)
	return c.as(ltok), itemID
}

func FuzzEventBatch(f *testing.F) {
	learner, itemID := fuzzServer(f)
	for _, s := range []string{
		`{"events":[{"id":"a","type":"view","item_id":"ITEM","watch_ms":10}]}`,
		`{"events":[{"id":"b","type":"quiz_answer","item_id":"ITEM","answer":"q1-c1"}]}`,
		`{"events":[{"id":"c","type":"view","item_id":"ITEM","at":"2026-13-45T99:00:00Z"}]}`,
		`{"events":[{"id":"d","type":"like","item_id":"ITEM","watch_ms":-1,"position":1e99}]}`,
		`{"events":[{"id":"n\u0000","type":"view","item_id":"ITEM"},{"id":"ok","type":"view","item_id":"ITEM"}]}`,
		`{"events":[{"id":"n","type":"view","item_id":"ITEM\u0000"}]}`, "{\"events\":[{\"id\":\"\xff\",\"type\":\"view\",\"item_id\":\"ITEM\"}]}",
		`{"events":null}`, `{"events":[null]}`, `{"events":[{}]}`, `[]`, `{`, `{"events":[{"id":"x","type":"view","item_id":"ITEM","extra":1}]}`,
	} {
		f.Add(strings.ReplaceAll(s, "ITEM", itemID))
	}
	f.Fuzz(func(t *testing.T, body string) {
		learner.t = t
		w := learner.do("POST", "/api/v1/events", body)
		if w.Code >= 500 {
			t.Fatalf("answered %d to %q: %s", w.Code, body, w.Body)
		}
		if w.Code == 200 && !strings.Contains(w.Body.String(), `"results":`) {
			t.Fatalf("200 without results: %s", w.Body)
		}
	})
}

func FuzzSearch(f *testing.F) {
	learner, _ := fuzzServer(f)
	for _, s := range []string{"words", `"words`, "w*", "NEAR(a b)", "a OR b", "'", `\`, "ключ", "é", "a:b", strings.Repeat("x", 600), "a\x00b", "\xff", "\xc3("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		learner.t = t
		w := learner.do("GET", "/api/v1/search?q="+url.QueryEscape(q), nil)
		if w.Code != 200 && w.Code != 400 && w.Code != 422 {
			t.Fatalf("search %q answered %d: %s", q, w.Code, w.Body)
		}
		if !httpx.ValidText(q) && (w.Code != 400 || !strings.Contains(w.Body.String(), `"code":"invalid_parameter"`)) {
			t.Fatalf("search for text no engine stores (%q) answered %d: %s", q, w.Code, w.Body)
		}
	})
}
