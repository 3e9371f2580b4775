package app

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMediaRecordReadableAsItsVisibilitySays: public media's record is anyone's
// to read, with or without a token; private media is its owner's (and a
// moderator's), and to everyone else it does not exist.
func TestMediaRecordReadableAsItsVisibilitySays(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := newMediaServer(t, dbURL, nil)
		c := newClient(t, s, loadSpec(t))
		ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
		bob := c.as(c.register("bob@example.com", "correct horse battery staple").AccessToken)
		mod := c.as(c.createUser("mod@example.com", "moderator password", "moderator").AccessToken)
		up := func(vis string) string {
			var m mediaView
			want(t, ada.upload("/api/v1/storage/upload", formFile{field: "visibility", body: []byte(vis)}, photoPart("a.jpg", jpegOf(64, 48))), 201, &m)
			return m.ID
		}
		public, private := up("public"), up("private")

		var m mediaView
		want(t, c.do("GET", "/api/v1/media/"+public, nil), 200, &m)
		if m.ID != public || m.Visibility != "public" || m.Original.URL == "" {
			t.Errorf("public media without a token: %+v", m)
		}
		want(t, bob.do("GET", "/api/v1/media/"+public, nil), 200, nil)

		var p problem
		want(t, c.do("GET", "/api/v1/media/"+private, nil), 404, &p)
		if p.Code != "not_found" {
			t.Errorf("private media without a token: code %q", p.Code)
		}
		want(t, bob.do("GET", "/api/v1/media/"+private, nil), 404, nil)
		want(t, c.do("GET", "/api/v1/media/01m8mc4ehkeyfw5rn900456p1m", nil), 404, nil)
		want(t, ada.do("GET", "/api/v1/media/"+private, nil), 200, nil)
		want(t, mod.do("GET", "/api/v1/media/"+private, nil), 200, nil)

		// A token that is sent is checked, even where none is needed.
		w := c.as("not-a-token").do("GET", "/api/v1/media/"+public, nil)
		want(t, w, 401, nil)
		if w.Header().Get("WWW-Authenticate") == "" {
			t.Error("a 401 without a challenge")
		}
	})
}

// TestPublishedItemsNamePublicMedia: what a published item names, its readers
// load; a creator's private media may sit in a draft, but publishing it is
// refused, saying why, until the item names public media only.
func TestPublishedItemsNamePublicMedia(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := newMediaServer(t, dbURL, nil)
		c := newClient(t, s, loadSpec(t))
		maker := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
		up := func(vis string) string {
			var m mediaView
			want(t, maker.upload("/api/v1/storage/upload", formFile{field: "visibility", body: []byte(vis)}, photoPart("a.jpg", jpegOf(64, 48))), 201, &m)
			return m.ID
		}
		private, public := up("private"), up("public")
		item := func(status string, ids ...string) map[string]any {
			return map[string]any{"kind": "image", "title": "Cells under the microscope", "status": status, "media_ids": ids}
		}
		refused := func(w *httptest.ResponseRecorder) {
			t.Helper()
			var p problem
			want(t, w, 422, &p)
			if len(p.Errors) != 1 || p.Errors[0].Field != "media_ids" || !strings.Contains(p.Errors[0].Message, private) {
				t.Errorf("a published item with private media: %+v", p)
			}
		}
		refused(maker.do("POST", "/api/v1/content", item("published", public, private)))

		var it struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		want(t, maker.do("POST", "/api/v1/content", item("draft", private)), 201, &it)
		refused(maker.do("PATCH", "/api/v1/content/"+it.ID, map[string]any{"status": "published"}))
		want(t, maker.do("GET", "/api/v1/content/"+it.ID, nil), 200, &it)
		if it.Status != "draft" {
			t.Errorf("a refused publication left the item %s", it.Status)
		}
		want(t, maker.do("PATCH", "/api/v1/content/"+it.ID, map[string]any{"media_ids": []string{public}, "status": "published"}), 200, &it)
		refused(maker.do("PATCH", "/api/v1/content/"+it.ID, map[string]any{"media_ids": []string{private}}))

		// Every reader loads what the published item names.
		reader := c.as(c.register("reader@example.com", "correct horse battery staple").AccessToken)
		var got struct {
			MediaIDs []string `json:"media_ids"`
		}
		want(t, reader.do("GET", "/api/v1/content/"+it.ID, nil), 200, &got)
		for _, id := range got.MediaIDs {
			want(t, reader.do("GET", "/api/v1/media/"+id, nil), 200, nil)
		}
		if len(got.MediaIDs) != 1 {
			t.Errorf("media_ids %v", got.MediaIDs)
		}
	})
}
