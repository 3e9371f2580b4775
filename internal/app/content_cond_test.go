package app

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestContentConditionalRequests checks the ETags of items and series: a GET
// naming the current one is a 304, a PATCH naming another is a 412 that writes
// nothing, and of concurrent PATCHes naming the same one exactly one is written.
func TestContentConditionalRequests(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, authServer(t, dbURL, newClock(), nil), spec)
		creator := c.as(c.createUser("etag@example.com", "creator password", "creator").AccessToken)
		learner := c.as(c.register("watcher@example.com", "learner password").AccessToken)
		it := creator.createItem(`{"kind":"video","title":"Versioned","status":"published"}`)
		var sr struct {
			ID string `json:"id"`
		}
		want(t, creator.do("POST", "/api/v1/series", `{"title":"Versioned series","status":"published"}`), 201, &sr)

		for _, res := range []struct{ path, patch, field string }{
			{"/api/v1/content/" + it.ID, `{"title":%q}`, "title"},
			{"/api/v1/series/" + sr.ID, `{"title":%q}`, "title"},
		} {
			t.Run(strings.Split(res.path, "/")[3], func(t *testing.T) {
				w := learner.do("GET", res.path, nil)
				want(t, w, 200, nil)
				tag, vary := w.Header().Get("ETag"), strings.Join(w.Header().Values("Vary"), ", ")
				if !strings.HasPrefix(tag, `"`) || !strings.Contains(w.Header().Get("Cache-Control"), "private") || !strings.Contains(vary, "Authorization") {
					t.Fatalf("GET: ETag %q, Cache-Control %q, Vary %q; want a strong tag, private, Authorization",
						tag, w.Header().Get("Cache-Control"), vary)
				}
				if w := learner.conditional("GET", res.path, nil, "If-None-Match", tag); w.Code != 304 || w.Body.Len() != 0 {
					t.Errorf("GET with its own ETag: %d %q, want a bodiless 304", w.Code, w.Body)
				}

				var p problem
				want(t, creator.conditional("PATCH", res.path, fmt.Sprintf(res.patch, "nope"), "If-Match", `"nope"`), 412, &p)
				if p.Code != "precondition_failed" {
					t.Errorf("PATCH with If-Match \"nope\": %+v", p)
				}
				var got map[string]any
				want(t, creator.do("GET", res.path, nil), 200, &got)
				if got[res.field] == "nope" {
					t.Fatalf("a PATCH refused with 412 wrote %s", res.field)
				}

				w = creator.conditional("PATCH", res.path, fmt.Sprintf(res.patch, "Renamed"), "If-Match", tag)
				want(t, w, 200, nil)
				next := w.Header().Get("ETag")
				if next == "" || next == tag {
					t.Fatalf("PATCH answered ETag %q, want a new one (was %q)", next, tag)
				}
				if w := learner.conditional("GET", res.path, nil, "If-None-Match", tag); w.Code != 200 {
					t.Errorf("GET with an old ETag: %d, want 200", w.Code)
				}
				want(t, creator.conditional("PATCH", res.path, fmt.Sprintf(res.patch, "Stale"), "If-Match", tag), 412, nil)

				const n = 6
				codes := make([]int, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						codes[i] = creator.conditional("PATCH", res.path, fmt.Sprintf(res.patch, fmt.Sprint("writer ", i)), "If-Match", next).Code
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

		// A series shows its episodes, so editing one changes the series' tag.
		want(t, creator.do("PUT", "/api/v1/series/"+sr.ID+"/episodes", fmt.Sprintf(`{"item_ids":[%q]}`, it.ID)), 200, nil)
		w := learner.do("GET", "/api/v1/series/"+sr.ID, nil)
		tag := w.Header().Get("ETag")
		want(t, creator.do("PATCH", "/api/v1/content/"+it.ID, `{"status":"draft"}`), 200, nil)
		if w := learner.conditional("GET", "/api/v1/series/"+sr.ID, nil, "If-None-Match", tag); w.Code != 200 {
			t.Errorf("GET series after its episode changed, with the old ETag: %d, want 200", w.Code)
		}
	})
}
