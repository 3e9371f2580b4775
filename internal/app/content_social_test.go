package app

import (
	"testing"
)

// TestFollowAndBlockRoutes covers follow, unfollow, block and unblock over
// HTTP, and the lists they change.
func TestFollowAndBlockRoutes(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, authServer(t, dbURL, newClock(), nil), spec)
		c1 := c.createUser("first@example.com", "creator password", "creator")
		c2 := c.createUser("second@example.com", "creator password", "creator")
		lt := c.register("learner@example.com", "learner password")
		other := c.register("other@example.com", "learner password")
		learner := c.as(lt.AccessToken)

		ids := func(who *client, path, key string) []string {
			t.Helper()
			var page struct{ Items []map[string]any }
			want(t, who.do("GET", path, nil), 200, &page)
			out := []string{}
			for _, e := range page.Items {
				out = append(out, e[key].(string))
			}
			return out
		}
		following := "/api/v1/users/" + lt.User.ID + "/following"
		for _, cr := range []tokens{c1, c2} {
			want(t, learner.do("POST", "/api/v1/creators/"+cr.User.ID+"/follow", nil), 204, nil)
		}
		if got := ids(learner, following, "creator_id"); len(got) != 2 {
			t.Fatalf("following after two follows: %q", got)
		}
		if got := ids(c.as(other.AccessToken), "/api/v1/users/"+c1.User.ID+"/followers", "user_id"); len(got) != 1 || got[0] != lt.User.ID {
			t.Errorf("followers of the first creator: %q, want the learner", got)
		}

		// Unfollow, twice: the second finds nothing to do and is no error.
		want(t, learner.do("DELETE", "/api/v1/creators/"+c1.User.ID+"/follow", nil), 204, nil)
		want(t, learner.do("DELETE", "/api/v1/creators/"+c1.User.ID+"/follow", nil), 204, nil)
		if got := ids(learner, following, "creator_id"); len(got) != 1 || got[0] != c2.User.ID {
			t.Errorf("following after unfollowing the first: %q, want only the second", got)
		}

		// Blocking a followed creator also unfollows them.
		want(t, learner.do("POST", "/api/v1/creators/"+c2.User.ID+"/block", nil), 204, nil)
		want(t, learner.do("POST", "/api/v1/creators/"+c2.User.ID+"/block", nil), 204, nil)
		if got := ids(learner, following, "creator_id"); len(got) != 0 {
			t.Errorf("following after blocking: %q, want none", got)
		}
		var export struct {
			Content struct {
				Blocked []map[string]any `json:"blocked"`
			} `json:"content"`
		}
		want(t, learner.do("GET", "/api/v1/me/export", nil), 200, &export)
		if b := export.Content.Blocked; len(b) != 1 || b[0]["creator_id"] != c2.User.ID {
			t.Errorf("export lists blocked %v, want the second creator", b)
		}
		want(t, learner.do("DELETE", "/api/v1/creators/"+c2.User.ID+"/block", nil), 204, nil)
		want(t, learner.do("DELETE", "/api/v1/creators/"+c2.User.ID+"/block", nil), 204, nil)
		export.Content.Blocked = nil
		want(t, learner.do("GET", "/api/v1/me/export", nil), 200, &export)
		if b := export.Content.Blocked; len(b) != 0 {
			t.Errorf("export lists blocked %v after unblocking, want none", b)
		}

		// Only creators can be followed or blocked; oneself neither.
		var p problem
		for _, path := range []string{"/follow", "/block"} {
			want(t, learner.do("POST", "/api/v1/creators/"+other.User.ID+path, nil), 404, &p)
			want(t, learner.do("POST", "/api/v1/creators/no-such-user"+path, nil), 404, &p)
			want(t, c.as(c1.AccessToken).do("POST", "/api/v1/creators/"+c1.User.ID+path, nil), 422, &p)
		}
		want(t, c.do("POST", "/api/v1/creators/"+c1.User.ID+"/follow", nil), 401, &p)
	})
}
