package app

import (
	"net/url"
	"testing"
)

// TestAdminFlagsList: admins page through every flag with its default,
// override and value; nobody else reads them.
func TestAdminFlagsList(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		c := newClient(t, authServer(t, dbURL, newClock(), map[string]string{"LYO_FLAGS": "api_docs=true"}), spec)
		admin := c.as(c.createUser("admin@example.com", "admin password", "admin").AccessToken)
		mod := c.as(c.createUser("mod@example.com", "moderator password", "moderator").AccessToken)
		learner := c.as(c.register("learner@example.com", "learner password").AccessToken)

		want(t, admin.do("PUT", "/api/v1/admin/flags/maintenance", `{"enabled":false}`), 200, nil)
		type flag struct {
			Name     string `json:"name"`
			Default  bool   `json:"default"`
			Override *bool  `json:"override"`
			Enabled  bool   `json:"enabled"`
		}
		var all struct{ Items []flag }
		want(t, admin.do("GET", "/api/v1/admin/flags", nil), 200, &all)
		byName := map[string]flag{}
		for _, f := range all.Items {
			byName[f.Name] = f
		}
		if m := byName["maintenance"]; len(all.Items) < 2 || m.Override == nil || *m.Override || m.Enabled {
			t.Errorf("flags %+v: want maintenance overridden off", all.Items)
		}
		if d := byName["api_docs"]; !d.Default || d.Override != nil || !d.Enabled {
			t.Errorf("api_docs %+v: want on by default, no override", d)
		}

		paged := walk(t, admin, "/api/v1/admin/flags", 1, field("name"))
		var names []string
		for _, f := range all.Items {
			names = append(names, f.Name)
		}
		samePages(t, "flags", paged, names)

		var p problem
		want(t, admin.do("GET", "/api/v1/admin/flags?limit=0", nil), 400, &p)
		var first struct {
			NextCursor string `json:"next_cursor"`
		}
		want(t, admin.do("GET", "/api/v1/admin/flags?limit=1", nil), 200, &first)
		want(t, admin.do("GET", "/api/v1/admin/users?cursor="+url.QueryEscape(first.NextCursor), nil), 400, &p)
		if p.Code != "invalid_cursor" {
			t.Errorf("a flags cursor on the users list: %+v, want invalid_cursor", p)
		}
		want(t, mod.do("GET", "/api/v1/admin/flags", nil), 403, nil)
		want(t, learner.do("GET", "/api/v1/admin/flags", nil), 403, nil)
		want(t, c.do("GET", "/api/v1/admin/flags", nil), 401, nil)
	})
}
