package app

import (
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/seed"
)

func TestSeedDemo(t *testing.T) {
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			getenv := testEnv(t, dbURL(t), nil)
			args := []string{"seed", "--demo", "--creators", "8", "--items", "300", "--learners", "20", "--now", "2026-11-01T12:00:00Z"}
			out, err := runCLI(t, getenv, args...)
			if err != nil {
				t.Fatalf("seed: %v\n%s", err, out)
			}
			m := regexp.MustCompile(`(\d+) of (\d+) events accepted`).FindStringSubmatch(out)
			if m == nil || m[1] != m[2] || m[1] == "0" {
				t.Fatalf("not every event was accepted:\n%s", out)
			}
			if !strings.Contains(out, "300 items") || !strings.Contains(out, "20 learners") {
				t.Errorf("summary:\n%s", out)
			}
			if _, err := runCLI(t, getenv, args...); err == nil || !strings.Contains(err.Error(), "already loaded") {
				t.Errorf("a second seed: %v", err)
			}

			// The demo is usable through the API.
			cfg, _ := loadConfig(getenv)
			c := newClient(t, newTestServerFromConfig(t, cfg, io.Discard), nil)
			var tk tokens
			want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "learner1@" + seed.EmailDomain, "password": "lyo-demo-password"}), 200, &tk)
			learner := c.as(tk.AccessToken)
			var page struct {
				Items []item `json:"items"`
			}
			want(t, learner.do("GET", "/api/v1/content?limit=50", nil), 200, &page)
			if len(page.Items) < 40 {
				t.Errorf("the learner sees %d items", len(page.Items))
			}
			word := strings.Fields(page.Items[0].Title)[0]
			var hits struct {
				Items []any `json:"items"`
			}
			want(t, learner.do("GET", "/api/v1/search?q="+url.QueryEscape(word), nil), 200, &hits)
			if len(hits.Items) == 0 {
				t.Errorf("searching %q from a demo title finds nothing", word)
			}
			var export struct {
				Activity struct {
					Log []any `json:"log"`
				} `json:"activity"`
			}
			want(t, learner.do("GET", "/api/v1/me/export", nil), 200, &export)
			if len(export.Activity.Log) == 0 {
				t.Error("the demo learner has no events")
			}
		})
	}
}

// A demo seeded beside a running node shows in its trending lists: the seed
// stores events received in the past, behind the node's last roll-up.
func TestSeedDemoBesideServerTrends(t *testing.T) {
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			getenv := testEnv(t, dbURL(t), nil)
			cfg, err := loadConfig(getenv)
			if err != nil {
				t.Fatal(err)
			}
			clk := newClock()
			s := newTestServerAt(t, cfg, io.Discard, clk.Now)
			if _, err := s.feed.RollUpTrending(t.Context()); err != nil {
				t.Fatal(err)
			}
			args := []string{"seed", "--demo", "--creators", "4", "--items", "60", "--learners", "10", "--days", "2",
				"--now", clk.Now().Add(-time.Hour).Format(time.RFC3339)}
			if out, err := runCLI(t, getenv, args...); err != nil {
				t.Fatalf("seed: %v\n%s", err, out)
			}
			clk.Advance(time.Minute)
			if _, err := s.feed.RollUpTrending(t.Context()); err != nil {
				t.Fatal(err)
			}
			if err := s.feed.Catalogue().Rebuild(t.Context()); err != nil {
				t.Fatal(err)
			}
			var p trendingPage
			want(t, newClient(t, s, nil).do("GET", "/api/v1/feed/trending?window=7d", nil), 200, &p)
			if len(p.Items) == 0 {
				t.Error("trending is empty after a demo was seeded beside the node")
			}
		})
	}
}
