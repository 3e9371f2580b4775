package app

import (
	"fmt"
	"slices"
	"testing"
)

type seriesAnswer struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Status  string   `json:"status"`
	ItemIDs []string `json:"item_ids"`
}

// TestSeriesRoutes covers a series' life over HTTP: who sees a draft, which
// episodes each reader is shown, and who may edit or delete it.
func TestSeriesRoutes(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, authServer(t, dbURL, newClock(), nil), spec)
		owner := c.as(c.createUser("owner@example.com", "creator password", "creator").AccessToken)
		rival := c.as(c.createUser("rival@example.com", "creator password", "creator").AccessToken)
		mod := c.as(c.createUser("mod@example.com", "moderator password", "moderator").AccessToken)
		learner := c.as(c.register("learner@example.com", "learner password").AccessToken)

		var sr seriesAnswer
		want(t, owner.do("POST", "/api/v1/series", `{"title":"Work in progress"}`), 201, &sr)
		if sr.Status != "draft" {
			t.Errorf("a new series is %q, want draft", sr.Status)
		}
		path := "/api/v1/series/" + sr.ID
		// Someone else's draft series is not there at all.
		for name, who := range map[string]*client{"learner": learner, "another creator": rival} {
			if w := who.do("GET", path, nil); w.Code != 404 {
				t.Errorf("%s reads a draft series that is not theirs: %d, want 404", name, w.Code)
			}
			if w := who.do("GET", path+"/progress", nil); w.Code != 404 {
				t.Errorf("%s reads progress through a draft series: %d, want 404", name, w.Code)
			}
		}
		want(t, owner.do("GET", path, nil), 200, nil)
		want(t, mod.do("GET", path, nil), 200, nil)

		// Only its creator edits or deletes it; for anyone else it does not exist.
		for name, who := range map[string]*client{"learner": learner, "another creator": rival, "moderator": mod} {
			if w := who.do("PATCH", path, `{"title":"mine"}`); w.Code != 404 {
				t.Errorf("%s edits someone's series: %d, want 404", name, w.Code)
			}
			if w := who.do("DELETE", path, nil); w.Code != 404 {
				t.Errorf("%s deletes someone's series: %d, want 404", name, w.Code)
			}
		}
		want(t, owner.do("PATCH", path, `{"status":"removed"}`), 422, nil)
		want(t, owner.do("PATCH", path, `{"title":""}`), 422, nil)

		// Published with a published and a draft episode: only its creator and
		// moderators learn the draft's ID.
		pub := owner.createItem(`{"kind":"video","title":"Episode one","status":"published"}`)
		draft := owner.createItem(`{"kind":"video","title":"Episode two, unfinished"}`)
		want(t, owner.do("PUT", path+"/episodes", fmt.Sprintf(`{"item_ids":[%q,%q]}`, pub.ID, draft.ID)), 200, &sr)
		want(t, owner.do("PATCH", path, `{"title":"Finished course","status":"published"}`), 200, &sr)
		if sr.Title != "Finished course" || sr.Status != "published" {
			t.Errorf("after PATCH: %+v", sr)
		}
		both, onlyPub := []string{pub.ID, draft.ID}, []string{pub.ID}
		for name, tc := range map[string]struct {
			who  *client
			want []string
		}{"owner": {owner, both}, "moderator": {mod, both}, "learner": {learner, onlyPub}, "another creator": {rival, onlyPub}} {
			var got seriesAnswer
			want(t, tc.who.do("GET", path, nil), 200, &got)
			if !slices.Equal(got.ItemIDs, tc.want) {
				t.Errorf("%s sees episodes %q, want %q", name, got.ItemIDs, tc.want)
			}
			var list struct{ Items []seriesAnswer }
			want(t, tc.who.do("GET", "/api/v1/series", nil), 200, &list)
			if len(list.Items) != 1 || !slices.Equal(list.Items[0].ItemIDs, tc.want) {
				t.Errorf("%s lists series %+v, want episodes %q", name, list.Items, tc.want)
			}
		}
		var prog struct {
			Episodes   int    `json:"episodes"`
			NextItemID string `json:"next_item_id"`
		}
		want(t, learner.do("GET", path+"/progress", nil), 200, &prog)
		if prog.Episodes != 1 || prog.NextItemID != pub.ID {
			t.Errorf("learner's progress counts %d episodes, next %q; want 1, %s", prog.Episodes, prog.NextItemID, pub.ID)
		}

		// Deleting the series keeps its items, outside any series.
		want(t, owner.do("DELETE", path, nil), 204, nil)
		want(t, owner.do("GET", path, nil), 404, nil)
		want(t, owner.do("DELETE", path, nil), 404, nil)
		var it item
		want(t, owner.do("GET", "/api/v1/content/"+pub.ID, nil), 200, &it)
		if it.SeriesID != "" || it.Episode != 0 {
			t.Errorf("an item of a deleted series: series %q episode %d, want none", it.SeriesID, it.Episode)
		}
	})
}

// TestDeleteContent: an item's creator or an admin deletes it for good; a
// moderator removes items with PATCH instead; anyone else finds nothing.
func TestDeleteContent(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, authServer(t, dbURL, newClock(), nil), spec)
		owner := c.as(c.createUser("owner@example.com", "creator password", "creator").AccessToken)
		rival := c.as(c.createUser("rival@example.com", "creator password", "creator").AccessToken)
		mod := c.as(c.createUser("mod@example.com", "moderator password", "moderator").AccessToken)
		admin := c.as(c.createUser("admin@example.com", "admin password", "admin").AccessToken)
		learner := c.as(c.register("learner@example.com", "learner password").AccessToken)

		mine := owner.createItem(`{"kind":"article","title":"Mine to delete","status":"published"}`)
		draft := owner.createItem(`{"kind":"article","title":"A draft"}`)
		theirs := owner.createItem(`{"kind":"article","title":"For the admin","status":"published"}`)
		var p problem
		for name, who := range map[string]*client{"learner": learner, "another creator": rival} {
			for _, id := range []string{mine.ID, draft.ID} {
				if w := who.do("DELETE", "/api/v1/content/"+id, nil); w.Code != 404 {
					t.Errorf("%s deletes someone's item: %d, want 404", name, w.Code)
				}
			}
		}
		want(t, mod.do("DELETE", "/api/v1/content/"+mine.ID, nil), 403, &p)
		if p.Code != "forbidden" {
			t.Errorf("a moderator's DELETE: %+v, want forbidden", p)
		}
		want(t, learner.do("GET", "/api/v1/content/"+mine.ID, nil), 200, nil)

		want(t, owner.do("DELETE", "/api/v1/content/"+mine.ID, nil), 204, nil)
		want(t, owner.do("GET", "/api/v1/content/"+mine.ID, nil), 404, nil)
		want(t, owner.do("DELETE", "/api/v1/content/"+mine.ID, nil), 404, nil)
		want(t, admin.do("DELETE", "/api/v1/content/"+theirs.ID, nil), 204, nil)
		want(t, learner.do("GET", "/api/v1/content/"+theirs.ID, nil), 404, nil)
		var page struct{ Items []item }
		want(t, owner.do("GET", "/api/v1/content", nil), 200, &page)
		if len(page.Items) != 1 || page.Items[0].ID != draft.ID {
			t.Errorf("after two deletes the creator lists %+v, want only the draft", page.Items)
		}
	})
}
