package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Lists and search answer summaries: however long an item's body and
// transcript, a list of it stays small and holds neither.
func TestListsCarrySummaries(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, authServer(t, dbURL, newClock(), nil), spec)
		creatorTk := c.createUser("big@example.com", "creator password", "creator")
		creator := c.as(creatorTk.AccessToken)
		learner := c.as(c.register("reader@example.com", "learner password").AccessToken)

		body := strings.Repeat("😀", 100_000) // 400 KB, the most an item may hold
		in, _ := json.Marshal(map[string]any{"kind": "article", "title": "Enormous notes", "status": "published",
			"description": strings.Repeat("d", 2000), "body": body, "transcript": strings.Repeat("spoken ", 20_000)})
		const items = 3
		var ids []string
		for range items {
			ids = append(ids, creator.createItem(string(in)).ID)
		}

		for _, path := range []string{"/api/v1/content?creator=" + creatorTk.User.ID, "/api/v1/search?q=enormous"} {
			w := learner.do("GET", path+"&limit=100", nil)
			want(t, w, 200, nil)
			// A summary and its snippet are well under 2 KB; a body alone would be 400.
			if n := w.Body.Len(); n > items*2048 {
				t.Errorf("GET %s answered %d bytes for %d items, want summaries of at most 2 KB each", path, n, items)
			}
			keys := " " + jsonKeys(w.Body.Bytes()) + " "
			for _, k := range []string{"body", "transcript", "quiz"} {
				if strings.Contains(keys, " "+k+" ") {
					t.Errorf("GET %s lists %q", path, k)
				}
			}
			if !strings.Contains(w.Body.String(), ids[0]) {
				t.Errorf("GET %s does not list the item: %.300s", path, w.Body)
			}
		}

		// The single-item route still answers the whole item.
		var got struct {
			Body        string `json:"body"`
			Description string `json:"description"`
		}
		want(t, learner.do("GET", "/api/v1/content/"+ids[0], nil), 200, &got)
		if got.Body != body || len(got.Description) != 2000 {
			t.Errorf("GET /api/v1/content/{id}: body of %d bytes, description of %d; want the whole item", len(got.Body), len(got.Description))
		}
		var page struct {
			Items []struct {
				Description string `json:"description"`
			} `json:"items"`
		}
		want(t, learner.do("GET", fmt.Sprintf("/api/v1/content?creator=%s&limit=1", creatorTk.User.ID), nil), 200, &page)
		if d := []rune(page.Items[0].Description); len(d) != 280 || d[279] != '…' {
			t.Errorf("a listed description has %d characters, want 280 ending in …", len(d))
		}
	})
}
