package app

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/store/pgtest"
)

// Two nodes on one PostgreSQL and one Redis serve one learner consistently: a
// session started on one pages on the other, and a hide reported to one keeps
// the item out of the learner's next page on the other, though that node had
// the learner cached.
func TestFeedTwoNodes(t *testing.T) {
	redisURL := testRedisURL(t)
	dbURL := pgtest.URL(t)
	prefix := fmt.Sprintf("lyotest:feed:%d:", time.Now().UnixNano())
	t.Cleanup(func() { dropRedisKeys(t, redisURL, prefix) })
	env := map[string]string{"LYO_REDIS_URL": redisURL, "LYO_REDIS_PREFIX": prefix, "LYO_RATE_LIMIT": "false"}
	w := newFeedWorldWith(t, dbURL, 10, env)
	b := newClient(t, authServer(t, dbURL, w.clk, env), w.c.spec)
	if err := b.s.feed.Catalogue().Rebuild(t.Context()); err != nil {
		t.Fatal(err)
	}
	adaA := w.learner("ada@example.com")
	var tk tokens
	want(t, b.do("POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.com", "password": "learner password"}), 200, &tk)
	adaB := b.as(tk.AccessToken)

	p1 := getFeed(t, adaA, "/api/v1/feed?limit=10")
	p2 := getFeed(t, adaB, "/api/v1/feed?limit=10&cursor="+p1.NextCursor)
	if len(p2.Items) != 10 {
		t.Fatalf("page 2 on the other node has %d items", len(p2.Items))
	}
	for _, id := range p2.ids() {
		if slices.Contains(p1.ids(), id) {
			t.Errorf("page 2 on node B repeats %s of page 1 on node A", id)
		}
	}
	if again := getFeed(t, adaA, "/api/v1/feed?limit=10&cursor="+p1.NextCursor); !slices.Equal(again.ids(), p2.ids()) {
		t.Errorf("page 2 asked again on node A = %v, want B's %v", again.ids(), p2.ids())
	}

	// Node B has Ada cached, and its first item stays first while nothing changes.
	top := getFeed(t, adaB, "/api/v1/feed?limit=10").Items[0].Item.ID
	if again := getFeed(t, adaB, "/api/v1/feed?limit=10"); again.Items[0].Item.ID != top {
		t.Fatalf("node B's first item moved from %s to %s with nothing reported", top, again.Items[0].Item.ID)
	}
	send(t, adaA, event("hide", top, w.clk.Now(), 0))
	if next := getFeed(t, adaB, "/api/v1/feed?limit=10"); slices.Contains(next.ids(), top) {
		t.Errorf("node B serves %s right after node A stored its hide", top)
	}
	// Within a session too: a page node B has not served yet leaves it out.
	s1 := getFeed(t, adaA, "/api/v1/feed?limit=5")
	var hidden string
	for _, id := range getFeed(t, adaA, "/api/v1/feed?limit=10").ids() {
		if !slices.Contains(s1.ids(), id) {
			hidden = id // ranked high, but not on the session's first page
			break
		}
	}
	send(t, adaB, event("hide", hidden, w.clk.Now(), 0))
	for cur := s1.NextCursor; cur != ""; {
		p := getFeed(t, adaA, "/api/v1/feed?limit=5&cursor="+cur)
		if slices.Contains(p.ids(), hidden) {
			t.Errorf("node A's session serves %s after node B stored its hide", hidden)
		}
		cur = p.NextCursor
	}

	// A profile edit on one node shapes the next page on the other, which has
	// the learner cached; so does the reset.
	if f := getFeed(t, adaA, "/api/v1/feed?limit=20"); f.count("chemistry") == 0 {
		t.Fatalf("before muting, node A serves no chemistry: %v", f.ids())
	}
	want(t, adaB.do("PATCH", "/api/v1/feed/profile", `{"topics":{"chemistry":"mute"}}`), 200, nil)
	if f := getFeed(t, adaA, "/api/v1/feed?limit=20"); f.count("chemistry") != 0 {
		t.Errorf("node A serves %d chemistry items after node B muted chemistry", f.count("chemistry"))
	}
	want(t, adaB.do("DELETE", "/api/v1/feed/profile", nil), 204, nil)
	if f := getFeed(t, adaA, "/api/v1/feed?limit=40"); f.count("chemistry") == 0 {
		t.Errorf("node A still mutes chemistry after node B reset the profile: %v", f.ids())
	}

	// A model trained on one node reaches the other.
	res, err := w.s.feed.Train(t.Context(), model.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if loaded, err := b.s.feed.Catalogue().LoadSnapshot(t.Context()); err != nil || !loaded {
		t.Fatalf("node B loads the snapshot node A trained: %v, %v", loaded, err)
	}
	if err := b.s.feed.Catalogue().Rebuild(t.Context()); err != nil {
		t.Fatal(err)
	}
	if v := b.s.feed.Catalogue().Current().Snapshot; v != res.Version {
		t.Errorf("node B serves with snapshot %d, want %d", v, res.Version)
	}
}

func dropRedisKeys(t *testing.T, url, prefix string) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Error(err)
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
}

// A model trained from the event log reaches learners: after training, a
// learner who finished what a group of others finished is offered the rest of
// what that group finished, explained by the item they share.
func TestFeedModelSnapshot(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		w := newFeedWorld(t, dbURL, 12)
		chem, hist := w.byTopic["chemistry"], w.byTopic["history"]
		// A planted pair of tastes: ten learners finish the same four chemistry
		// items and the same four history items.
		for i := range 10 {
			l := w.learner(fmt.Sprintf("group%d@example.com", i))
			var evs []map[string]any
			for k := range 4 {
				evs = append(evs, event("complete", chem[k].ID, w.clk.Now(), 0), event("complete", hist[k].ID, w.clk.Now(), 0))
			}
			send(t, l, evs...)
		}
		ada := w.learner("ada@example.com")
		send(t, ada, event("complete", chem[0].ID, w.clk.Now(), 0), event("complete", chem[1].ID, w.clk.Now(), 0))

		res, err := w.s.feed.Train(t.Context(), model.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Version == 0 || res.Events != 82 || res.Learners != 11 || res.Items != 48 || res.Bytes == 0 {
			t.Errorf("training: %+v; want 82 events of 11 learners over 48 items", res)
		}
		cat := w.s.feed.Catalogue()
		if loaded, err := cat.LoadSnapshot(t.Context()); err != nil || !loaded {
			t.Fatalf("LoadSnapshot = %v, %v", loaded, err)
		}
		if loaded, _ := cat.LoadSnapshot(t.Context()); loaded {
			t.Error("the same snapshot loaded twice")
		}
		w.rebuild()
		p := getFeed(t, ada, "/api/v1/feed?limit=10")
		found := 0
		for _, e := range p.Items {
			if slices.ContainsFunc(hist[:4], func(it item) bool { return it.ID == e.Item.ID }) {
				found++
				if e.Source != "co_engagement" && e.Source != "latent" {
					t.Errorf("%s comes from %s (%q), want the models", e.Item.Title, e.Source, e.Explanation)
				}
			}
		}
		if found < 3 {
			t.Errorf("%d of the group's four history items in the first page, want at least 3: %+v", found, p.Items)
		}
		var e explanation
		want(t, w.admin.do("GET", "/api/v1/admin/feed/explain?user_id="+userID(t, ada), nil), 200, &e)

		// Each training stores a new version and keeps the last three.
		for range 3 {
			if _, err := w.s.feed.Train(t.Context(), model.Options{Workers: 1, NoALS: true}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.s.db.SnapshotData(t.Context(), res.Version); err == nil {
			t.Errorf("version %d is kept after three newer ones", res.Version)
		}
		if loaded, err := cat.LoadSnapshot(t.Context()); err != nil || !loaded || cat.SnapshotVersion() != res.Version+3 {
			t.Errorf("the newest version loads: %v, %v, version %d", loaded, err, cat.SnapshotVersion())
		}
	})
}

func userID(t *testing.T, c *client) string {
	t.Helper()
	var me struct {
		ID string `json:"id"`
	}
	want(t, c.do("GET", "/api/v1/me", nil), 200, &me)
	return me.ID
}
