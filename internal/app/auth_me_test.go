package app

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestMeConditionalRequests checks /me's ETag: a GET naming it is a 304, a
// PATCH naming an old one is a 412 that writes nothing, and of concurrent
// PATCHes naming the same one exactly one is written.
func TestMeConditionalRequests(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, newTestServer(t, testEnv(t, dbURL, nil)), spec)
		me := c.as(c.register("ada@example.com", "correct horse battery").AccessToken)
		w := me.do("GET", "/api/v1/me", nil)
		want(t, w, 200, nil)
		tag, vary := w.Header().Get("ETag"), strings.Join(w.Header().Values("Vary"), ", ")
		if !strings.HasPrefix(tag, `"`) || !strings.Contains(w.Header().Get("Cache-Control"), "private") || !strings.Contains(vary, "Authorization") {
			t.Fatalf("GET /me: ETag %q, Cache-Control %q, Vary %q; want a strong tag, private, Authorization",
				tag, w.Header().Get("Cache-Control"), vary)
		}
		if w := me.conditional("GET", "/api/v1/me", nil, "If-None-Match", tag); w.Code != 304 || w.Body.Len() != 0 {
			t.Errorf("GET /me with its own ETag: %d %q, want a bodiless 304", w.Code, w.Body)
		}

		w = me.conditional("PATCH", "/api/v1/me", map[string]any{"display_name": "Ada"}, "If-Match", tag)
		want(t, w, 200, nil)
		next := w.Header().Get("ETag")
		if next == "" || next == tag {
			t.Fatalf("PATCH /me answered ETag %q, want a new one (was %q)", next, tag)
		}
		if w := me.conditional("GET", "/api/v1/me", nil, "If-None-Match", tag); w.Code != 200 {
			t.Errorf("GET /me with an old ETag: %d, want 200", w.Code)
		}
		var p problem
		w = me.conditional("PATCH", "/api/v1/me", map[string]any{"display_name": "Stale"}, "If-Match", tag)
		want(t, w, 412, &p)
		if p.Code != "precondition_failed" || w.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("PATCH with an old ETag: %+v, %s", p, w.Header().Get("Content-Type"))
		}
		var u map[string]any
		want(t, me.do("GET", "/api/v1/me", nil), 200, &u)
		if u["display_name"] != "Ada" {
			t.Errorf("a refused PATCH wrote: display_name %v", u["display_name"])
		}

		const n = 6
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				codes[i] = me.conditional("PATCH", "/api/v1/me", map[string]any{"bio": strings.Repeat("x", i+1)}, "If-Match", next).Code
			})
		}
		wg.Wait()
		won := 0
		for i, code := range codes {
			switch code {
			case 200:
				won++
			case 412:
			default:
				t.Errorf("concurrent PATCH %d: %d, want 200 or 412", i, code)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d PATCHes with the same If-Match were written, want exactly 1 (codes %v)", won, n, codes)
		}
	})
}

// conditional is do with one extra request header.
func (c *client) conditional(method, path string, body any, header, value string) *httptest.ResponseRecorder {
	c.t.Helper()
	cc := *c
	cc.header = map[string]string{header: value}
	return cc.do(method, path, body)
}

// TestFollowingVisibility checks that whom someone follows is theirs to show:
// hidden by default for minors, shown by default for others, a 404 for anyone
// else while hidden, and always visible to its owner.
func TestFollowingVisibility(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		clk := newClock()
		c := newClient(t, authServer(t, dbURL, clk, nil), spec)
		creator := c.createUser("creator@example.com", "correct horse battery", "creator")
		ada := c.as(c.register("ada@example.com", "correct horse battery").AccessToken)
		mia := c.as(c.register("mia@example.com", "correct horse battery").AccessToken)
		bob := c.as(c.register("bob@example.com", "correct horse battery").AccessToken)
		for _, who := range []*client{ada, mia} {
			want(t, who.do("POST", "/api/v1/creators/"+creator.User.ID+"/follow", nil), 204, nil)
		}
		var u map[string]any
		want(t, mia.do("PATCH", "/api/v1/me", map[string]any{"birth_year": clk.Now().Year() - 14}), 200, &u)
		if u["following_visible"] != false || u["is_minor"] != true {
			t.Errorf("a minor's /me: following_visible %v, is_minor %v; want false, true", u["following_visible"], u["is_minor"])
		}
		miaID := u["id"].(string)
		want(t, ada.do("GET", "/api/v1/me", nil), 200, &u)
		if u["following_visible"] != true {
			t.Errorf("an adult's default following_visible = %v, want true", u["following_visible"])
		}
		adaID := u["id"].(string)

		count := func(viewer *client, userID string, status int) int {
			t.Helper()
			var page struct {
				Items []map[string]any `json:"items"`
			}
			w := viewer.do("GET", "/api/v1/users/"+userID+"/following", nil)
			if status != 200 {
				want(t, w, status, nil)
				return -1
			}
			want(t, w, 200, &page)
			return len(page.Items)
		}
		if n := count(bob, adaID, 200); n != 1 {
			t.Errorf("an adult's list by default: %d items, want 1", n)
		}
		count(bob, miaID, 404)
		if n := count(mia, miaID, 200); n != 1 {
			t.Errorf("a minor's own hidden list: %d items, want 1", n)
		}

		want(t, ada.do("PATCH", "/api/v1/me", map[string]any{"following_visible": false}), 200, &u)
		if u["following_visible"] != false {
			t.Errorf("after hiding, following_visible = %v", u["following_visible"])
		}
		count(bob, adaID, 404)
		if n := count(ada, adaID, 200); n != 1 {
			t.Errorf("the owner's own hidden list: %d items, want 1", n)
		}
		want(t, mia.do("PATCH", "/api/v1/me", map[string]any{"following_visible": true}), 200, nil)
		if n := count(bob, miaID, 200); n != 1 {
			t.Errorf("a minor's list shown by choice: %d items, want 1", n)
		}
		count(bob, "no-such-user", 404)
	})
}
