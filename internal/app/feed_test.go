package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

type feedPage struct {
	Items []struct {
		Item struct {
			ID          string   `json:"id"`
			Kind        string   `json:"kind"`
			Title       string   `json:"title"`
			Description string   `json:"description"`
			Topics      []string `json:"topics"`
			Creator     struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"creator"`
			Series *struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"series"`
			Episode    int    `json:"episode"`
			DurationMS int64  `json:"duration_ms"`
			Body       string `json:"body"`
		} `json:"item"`
		Explanation string `json:"explanation"`
		Source      string `json:"source"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
	Notice     *struct {
		Kind         string `json:"kind"`
		Message      string `json:"message"`
		UsedMinutes  int    `json:"used_minutes"`
		LimitMinutes int    `json:"limit_minutes"`
	} `json:"notice"`
}

func (p feedPage) ids() []string {
	var out []string
	for _, e := range p.Items {
		out = append(out, e.Item.ID)
	}
	return out
}

// count is the number of entries with the topic.
func (p feedPage) count(topic string) int {
	n := 0
	for _, e := range p.Items {
		if slices.Contains(e.Item.Topics, topic) {
			n++
		}
	}
	return n
}

// feedWorld is a small hand-made catalogue on a wired node: creators with
// published items in a few topics, and a learner.
type feedWorld struct {
	t        *testing.T
	s        *server
	clk      *clock
	c        *client
	admin    *client
	creators []*client
	byTopic  map[string][]item
	dur      map[string]int64
}

var feedTopics = []string{"chemistry", "history", "music", "geology"}

// newFeedWorld makes perTopic published items in each of feedTopics, spread
// over three creators, and builds the feed's index. Rate limits are off: the
// test's clock stands still, so no limit would ever refill.
func newFeedWorld(t *testing.T, dbURL string, perTopic int) *feedWorld {
	t.Helper()
	return newFeedWorldWith(t, dbURL, perTopic, map[string]string{"LYO_RATE_LIMIT": "false"})
}

// newFeedWorldWith is newFeedWorld on a node configured by env.
func newFeedWorldWith(t *testing.T, dbURL string, perTopic int, env map[string]string) *feedWorld {
	t.Helper()
	clk := newClock()
	s := authServer(t, dbURL, clk, env)
	w := &feedWorld{t: t, s: s, clk: clk, c: newClient(t, s, loadSpec(t)), byTopic: map[string][]item{}, dur: map[string]int64{}}
	w.admin = w.c.as(w.c.createUser("admin@example.com", "admin password", "admin").AccessToken)
	for i := range 3 {
		tk := w.c.createUser(fmt.Sprintf("creator%d@example.com", i), "creator password", "creator")
		w.creators = append(w.creators, w.c.as(tk.AccessToken))
	}
	for ti, topic := range feedTopics {
		for k := range perTopic {
			cr := w.creators[(ti+k)%len(w.creators)]
			dur := int64(30_000 + 1000*k)
			it := cr.createItem(fmt.Sprintf(`{"kind":"video","title":"%s lesson %d","description":"About %s","body":"the long body","topics":[%q],"difficulty":%d,"language":"en","duration_ms":%d,"status":"published"}`,
				topic, k, topic, topic, 1+k%5, dur))
			w.byTopic[topic] = append(w.byTopic[topic], it)
			w.dur[it.ID] = dur
		}
		w.clk.Advance(time.Minute)
	}
	// The catalogue is a few weeks old: no item is new any more.
	w.clk.Advance(21 * 24 * time.Hour)
	w.admin = w.login("admin@example.com", "admin password")
	w.rebuild()
	return w
}

// rebuild swaps in a new catalogue index, as the node's periodic rebuild does.
func (w *feedWorld) rebuild() {
	w.t.Helper()
	if err := w.s.feed.Catalogue().Rebuild(w.t.Context()); err != nil {
		w.t.Fatal(err)
	}
}

func (w *feedWorld) learner(email string) *client {
	w.t.Helper()
	return w.c.as(w.c.register(email, "learner password").AccessToken)
}

func (w *feedWorld) topicOf(id string) string {
	for topic, items := range w.byTopic {
		for _, it := range items {
			if it.ID == id {
				return topic
			}
		}
	}
	return ""
}

func getFeed(t *testing.T, c *client, path string) feedPage {
	t.Helper()
	var p feedPage
	w := c.do("GET", path, nil)
	want(t, w, 200, &p)
	noAddiction(t, w.Body.String())
	if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("%s: Cache-Control %q, want no-store", path, cc)
	}
	return p
}

// noAddiction fails when an answer uses the word the old product built on.
func noAddiction(t *testing.T, body string) {
	t.Helper()
	if strings.Contains(strings.ToLower(body), "addict") {
		t.Errorf("an answer speaks of addiction: %s", body)
	}
}

// login signs in again (the test's clock outlives access tokens).
func (w *feedWorld) login(email, pw string) *client {
	w.t.Helper()
	var tk tokens
	want(w.t, w.c.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw}), 200, &tk)
	return w.c.as(tk.AccessToken)
}

// send posts events and fails unless every one is accepted.
func send(t *testing.T, c *client, evs ...map[string]any) {
	t.Helper()
	var res eventResults
	want(t, c.do("POST", "/api/v1/events", map[string]any{"events": evs}), 200, &res)
	for _, r := range res.Results {
		if r.Status != "accepted" {
			t.Fatalf("event %s: %s (%s)", r.ID, r.Status, r.Reason)
		}
	}
}

var eventSeq int

func event(typ, itemID string, at time.Time, watchMS int64) map[string]any {
	eventSeq++
	e := map[string]any{"id": fmt.Sprintf("e%d", eventSeq), "type": typ, "item_id": itemID, "at": at.Format(time.RFC3339Nano)}
	if watchMS > 0 {
		e["watch_ms"] = watchMS
	}
	return e
}

// A learner who finishes only chemistry for five minutes, and skips the rest,
// then sees more chemistry, with explanations, and less of what they skipped;
// nothing they had an event for comes back, and pages never repeat.
func TestFeedLearnsFromEvents(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		w := newFeedWorld(t, dbURL, 40)
		ada := w.learner("ada@example.com")

		first := getFeed(t, ada, "/api/v1/feed?limit=10")
		if len(first.Items) != 10 || first.NextCursor == "" {
			t.Fatalf("a learner with no events gets %d items (cursor %q); want a full page of 10", len(first.Items), first.NextCursor)
		}
		for _, e := range first.Items {
			if e.Explanation == "" || e.Source == "" || e.Item.Title == "" || e.Item.Creator.ID == "" || e.Item.Body != "" || e.Item.DurationMS == 0 {
				t.Errorf("entry %+v: want a summary without body, an explanation and a source", e)
			}
		}
		chemBefore := first.count("chemistry")
		otherBefore := len(first.Items) - chemBefore

		// Five minutes of the session: every chemistry item watched to the end
		// and finished, everything else skipped after a few seconds.
		seen := map[string]bool{}
		start := w.clk.Now()
		page := first
		for w.clk.Now().Sub(start) < 5*time.Minute {
			var evs []map[string]any
			for _, e := range page.Items {
				id := e.Item.ID
				seen[id] = true
				at := w.clk.Now()
				evs = append(evs, event("impression", id, at, 0))
				if slices.Contains(e.Item.Topics, "chemistry") {
					evs = append(evs, event("view", id, at.Add(time.Second), w.dur[id]), event("complete", id, at.Add(2*time.Second), 0))
					w.clk.Advance(30 * time.Second)
				} else {
					evs = append(evs, event("skip", id, at.Add(time.Second), 0))
					w.clk.Advance(3 * time.Second)
				}
			}
			send(t, ada, evs...)
			next := getFeed(t, ada, "/api/v1/feed?limit=10&cursor="+page.NextCursor)
			for _, id := range next.ids() {
				if seen[id] {
					t.Errorf("a later page of the session repeats %s", id)
				}
			}
			page = next
		}
		if len(seen) < 20 {
			t.Fatalf("the session reported events for only %d items", len(seen))
		}

		after := getFeed(t, ada, "/api/v1/feed?limit=10")
		for _, id := range after.ids() {
			if seen[id] {
				t.Errorf("%s (%s) comes back though the learner has events for it", id, w.topicOf(id))
			}
		}
		chemAfter := after.count("chemistry")
		if chemAfter <= chemBefore || chemAfter < len(after.Items)/2 {
			t.Errorf("chemistry items: %d of %d before, %d of %d after; want more, and at least half", chemBefore, len(first.Items), chemAfter, len(after.Items))
		}
		if other := len(after.Items) - chemAfter; other >= otherBefore {
			t.Errorf("skipped topics: %d items before, %d after; want fewer", otherBefore, other)
		}
		explained := 0
		for _, e := range after.Items {
			if slices.Contains(e.Item.Topics, "chemistry") && (strings.Contains(e.Explanation, "Chemistry") || strings.HasPrefix(e.Explanation, "Because you")) {
				explained++
			}
		}
		if explained == 0 {
			t.Errorf("no chemistry entry explains itself by the learner's chemistry: %+v", after.Items)
		}
	})
}

// Pages of one session never repeat; a hide drops the item from the session's
// later pages, also from a page served before and asked for again; an item
// served but never reported is not excluded from a new session.
func TestFeedSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		w := newFeedWorld(t, dbURL, 10)
		ada := w.learner("ada@example.com")
		p1 := getFeed(t, ada, "/api/v1/feed?limit=10")
		p2 := getFeed(t, ada, "/api/v1/feed?limit=10&cursor="+p1.NextCursor)
		if len(p2.Items) != 10 {
			t.Fatalf("page 2 has %d items, want 10", len(p2.Items))
		}
		for _, id := range p2.ids() {
			if slices.Contains(p1.ids(), id) {
				t.Errorf("page 2 repeats %s", id)
			}
		}
		// Asking for page 2 again (a retry) is the same page.
		if again := getFeed(t, ada, "/api/v1/feed?limit=10&cursor="+p1.NextCursor); !slices.Equal(again.ids(), p2.ids()) {
			t.Errorf("page 2 asked again = %v, want %v", again.ids(), p2.ids())
		}
		hidden := p2.Items[3].Item.ID
		send(t, ada, event("hide", hidden, w.clk.Now(), 0))
		again := getFeed(t, ada, "/api/v1/feed?limit=10&cursor="+p1.NextCursor)
		if slices.Contains(again.ids(), hidden) || len(again.Items) != 9 {
			t.Errorf("page 2 after hiding %s = %v; want it gone and the rest kept", hidden, again.ids())
		}
		served := append(p1.ids(), p2.ids()...)
		for cur := p2.NextCursor; cur != ""; {
			p := getFeed(t, ada, "/api/v1/feed?limit=10&cursor="+cur)
			for _, id := range p.ids() {
				if id == hidden || slices.Contains(served, id) {
					t.Errorf("a later page serves %s again", id)
				}
				served = append(served, id)
			}
			cur = p.NextCursor
		}
		if len(served) != 40 {
			t.Errorf("the session served %d items of 40", len(served))
		}
		// Only the hide was reported: a new session may serve the rest again.
		fresh := getFeed(t, ada, "/api/v1/feed?limit=20")
		if slices.Contains(fresh.ids(), hidden) {
			t.Errorf("a new session serves the hidden %s", hidden)
		}
		overlap := 0
		for _, id := range fresh.ids() {
			if slices.Contains(p1.ids(), id) {
				overlap++
			}
		}
		if overlap == 0 {
			t.Errorf("a new session serves none of the unreported items of the last one's first page")
		}
	})
}

// Cursors belong to one learner's session; a foreign, forged or expired one is
// a clear 4xx; limit is 1 to 100; the old paths answer for the caller whatever
// user_id says.
func TestFeedCursorsAndOldPaths(t *testing.T) {
	w := newFeedWorld(t, "", 6)
	ada, bob := w.learner("ada@example.com"), w.learner("bob@example.com")
	p := getFeed(t, ada, "/api/v1/feed?limit=5")
	var prob problem
	want(t, bob.do("GET", "/api/v1/feed?cursor="+p.NextCursor, nil), 403, &prob)
	if prob.Code != "foreign_cursor" {
		t.Errorf("another learner's cursor: %+v", prob)
	}
	want(t, ada.do("GET", "/api/v1/feed?cursor="+p.NextCursor+"x", nil), 400, &prob)
	if prob.Code != "invalid_cursor" {
		t.Errorf("a forged cursor: %+v", prob)
	}
	for _, l := range []string{"0", "101", "x", "-1"} {
		want(t, ada.do("GET", "/api/v1/feed?limit="+l, nil), 400, &prob)
	}
	want(t, ada.do("GET", "/api/v1/feed", nil), 200, nil)
	if got := getFeed(t, ada, "/api/v1/feed?limit=5&cursor="+p.NextCursor); len(got.Items) != 5 {
		t.Errorf("page 2 has %d items", len(got.Items))
	}
	w.clk.Advance(31 * time.Minute)
	var tk tokens
	want(t, w.c.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": "learner password"}), 200, &tk)
	ada = w.c.as(tk.AccessToken)
	want(t, ada.do("GET", "/api/v1/feed?cursor="+p.NextCursor, nil), 410, &prob)
	if prob.Code != "feed_session_expired" {
		t.Errorf("an expired session: %+v", prob)
	}
	want(t, w.c.do("GET", "/api/v1/feed", nil), 401, &prob)

	// Bob's events never shape what Ada's old paths answer, even when she names him.
	want(t, w.c.do("POST", "/api/v1/auth/login", map[string]string{"email": "bob@example.com", "password": "learner password"}), 200, &tk)
	bob = w.c.as(tk.AccessToken)
	bobID := tk.User.ID
	var evs []map[string]any
	for _, it := range w.byTopic["chemistry"] {
		evs = append(evs, event("complete", it.ID, w.clk.Now(), 0))
	}
	send(t, bob, evs...)
	for _, path := range []string{"/api/v1/feed/addictive", "/api/v1/feed/binge-mode", "/api/v1/feed"} {
		got := getFeed(t, ada, path+"?limit=20&user_id="+bobID)
		if len(got.Items) != 20 || got.count("chemistry") == 0 {
			t.Errorf("%s?user_id=bob answers %d items, %d of chemistry; want Ada's full page, chemistry included",
				path, len(got.Items), got.count("chemistry"))
		}
		bobs := getFeed(t, bob, path+"?limit=20")
		if bobs.count("chemistry") != 0 {
			t.Errorf("%s for Bob serves chemistry he finished", path)
		}
	}
}
