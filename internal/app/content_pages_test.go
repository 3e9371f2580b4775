package app

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
)

// walk follows next_cursor from path, limit items a page, and returns the IDs
// in the order served; it fails on a page over the limit or a loop.
func walk(t *testing.T, c *client, path string, limit int, id func(map[string]any) string) []string {
	t.Helper()
	var out []string
	sep := "?"
	if u, _ := url.Parse(path); u.RawQuery != "" {
		sep = "&"
	}
	next := path + fmt.Sprintf("%slimit=%d", sep, limit)
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("GET %s: more than 100 pages; the cursor does not move", path)
		}
		var page struct {
			Items      []map[string]any `json:"items"`
			NextCursor string           `json:"next_cursor"`
		}
		want(t, c.do("GET", next, nil), 200, &page)
		if len(page.Items) > limit {
			t.Fatalf("GET %s: a page of %d, over the limit %d", next, len(page.Items), limit)
		}
		for _, it := range page.Items {
			out = append(out, id(it))
		}
		if page.NextCursor == "" {
			return out
		}
		if len(page.Items) == 0 {
			t.Fatalf("GET %s: an empty page with a next cursor", next)
		}
		next = path + fmt.Sprintf("%slimit=%d&cursor=%s", sep, limit, url.QueryEscape(page.NextCursor))
	}
}

func field(name string) func(map[string]any) string {
	return func(m map[string]any) string { s, _ := m[name].(string); return s }
}

// samePages fails unless paged is exactly whole: no repeats, no gaps, same order.
func samePages(t *testing.T, what string, paged, whole []string) {
	t.Helper()
	if !slices.Equal(paged, whole) {
		t.Errorf("%s page by page: %d items %q\nin one page: %d items %q", what, len(paged), paged, len(whole), whole)
	}
	seen := map[string]bool{}
	for _, id := range paged {
		if seen[id] {
			t.Errorf("%s: %s served twice", what, id)
		}
		seen[id] = true
	}
}

// TestPagesFollowCursors walks lists a page at a time and checks every item
// comes once, in order, as a single large page has them.
func TestPagesFollowCursors(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, authServer(t, dbURL, newClock(), nil), spec)
		creator := c.as(c.createUser("pages@example.com", "creator password", "creator").AccessToken)
		learner := c.as(c.register("reader@example.com", "learner password").AccessToken)
		for i := range 9 {
			status := "published"
			if i%4 == 3 {
				status = "draft" // skipped in a learner's pages, kept in the creator's
			}
			creator.createItem(fmt.Sprintf(`{"kind":"video","title":"Photosynthesis part %d","topics":["topic-%d","shared"],"status":%q}`, i, i, status))
			want(t, creator.do("POST", "/api/v1/series", fmt.Sprintf(`{"title":"Series %d","status":"published"}`, i)), 201, nil)
		}

		for _, tc := range []struct {
			name, path string
			who        *client
			id         string
			want       int
		}{
			{"learner's items", "/api/v1/content", learner, "id", 7},
			{"creator's items", "/api/v1/content", creator, "id", 9},
			{"items of a topic", "/api/v1/content?topic=shared", learner, "id", 7},
			{"series", "/api/v1/series", learner, "id", 9},
			{"topics", "/api/v1/topics", learner, "slug", 10},
			{"search", "/api/v1/search?q=photosynthesis", learner, "", 7},
		} {
			id := field(tc.id)
			if tc.id == "" { // search hits carry the item
				id = func(m map[string]any) string { it, _ := m["item"].(map[string]any); return field("id")(it) }
			}
			whole := walk(t, tc.who, tc.path, 100, id)
			if len(whole) != tc.want {
				t.Errorf("%s: %d in one page, want %d", tc.name, len(whole), tc.want)
			}
			for _, limit := range []int{1, 2, 4} {
				samePages(t, fmt.Sprintf("%s (limit %d)", tc.name, limit), walk(t, tc.who, tc.path, limit, id), whole)
			}
		}
		// Topics need no token.
		if got := walk(t, c.as(""), "/api/v1/topics", 3, field("slug")); len(got) != 10 {
			t.Errorf("topics without a token: %d, want 10", len(got))
		}

		// A cursor belongs to its list and, for search, to its query.
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		want(t, learner.do("GET", "/api/v1/search?q=photosynthesis&limit=1", nil), 200, &page)
		var p problem
		want(t, learner.do("GET", "/api/v1/search?q=part&limit=1&cursor="+url.QueryEscape(page.NextCursor), nil), 400, &p)
		if p.Code != "invalid_cursor" {
			t.Errorf("a search cursor with another query: %+v, want invalid_cursor", p)
		}
		want(t, learner.do("GET", "/api/v1/content?cursor="+url.QueryEscape(page.NextCursor), nil), 400, &p)
		if p.Code != "invalid_cursor" {
			t.Errorf("a search cursor on the content list: %+v, want invalid_cursor", p)
		}
	})
}
