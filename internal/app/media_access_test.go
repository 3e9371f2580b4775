package app

import "testing"

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
