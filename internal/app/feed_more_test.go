package app

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

type trendingPage struct {
	Items []struct {
		Item struct {
			ID     string   `json:"id"`
			Topics []string `json:"topics"`
		} `json:"item"`
		Explanation string  `json:"explanation"`
		Source      string  `json:"source"`
		Velocity    float64 `json:"velocity"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func (p trendingPage) ids() []string {
	var out []string
	for _, e := range p.Items {
		out = append(out, e.Item.ID)
	}
	return out
}

// trendingReady lets the roll-up's lag pass, rolls the counters up and
// rebuilds the index, as the node's background work does.
func (w *feedWorld) trendingReady() {
	w.t.Helper()
	w.clk.Advance(time.Minute)
	if _, err := w.s.feed.RollUpTrending(w.t.Context()); err != nil {
		w.t.Fatal(err)
	}
	w.rebuild()
}

// Trending is public, ordered by engagement velocity, windowed and filtered by
// topic.
func TestFeedTrending(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		w := newFeedWorld(t, dbURL, 4)
		a, d := w.byTopic["chemistry"][0].ID, w.byTopic["geology"][0].ID
		b, c := w.byTopic["history"][0].ID, w.byTopic["music"][0].ID
		// Twelve minutes into an hour, so that the events of ten minutes ago
		// and the roll-up a minute later fall in the hour under way, whose
		// bucket must count whole.
		now := w.clk.Now()
		w.clk.Advance(now.Truncate(time.Hour).Add(time.Hour + 12*time.Minute).Sub(now))
		now = w.clk.Now()
		for i := range 5 {
			l := w.learner(fmt.Sprintf("l%d@example.com", i))
			evs := []map[string]any{event("complete", d, now.Add(-5*time.Hour), 0)}
			if i < 3 {
				at := now.Add(-10 * time.Minute)
				evs = append(evs, event("view", a, at, 20_000), event("complete", a, at, 0), event("like", a, at, 0))
			}
			if i < 2 {
				evs = append(evs, event("view", b, now.Add(-10*time.Minute), 5_000))
			}
			if i < 1 {
				evs = append(evs, event("view", c, now.Add(-10*time.Minute), 5_000), event("impression", c, now, 0))
			}
			send(t, l, evs...)
		}
		w.trendingReady()
		anon := w.c.as("")
		get := func(query string) trendingPage {
			t.Helper()
			var p trendingPage
			r := anon.do("GET", "/api/v1/feed/trending"+query, nil)
			want(t, r, 200, &p)
			noAddiction(t, r.Body.String())
			for k := 1; k < len(p.Items); k++ {
				if p.Items[k].Velocity > p.Items[k-1].Velocity {
					t.Errorf("%s: not ordered by velocity: %+v", query, p.Items)
				}
			}
			return p
		}
		// 24h, by hand: a 3 × (1 view + 2 × complete + 2 × like) = 15 engagements
		// ten minutes ago; d 5 × 2 = 10, five hours ago (halved every 6 hours);
		// b 2 views; c 1 view.
		day := get("")
		if want := []string{a, d, b, c}; !slices.Equal(day.ids(), want) {
			t.Errorf("24h trending = %v, want %v", day.ids(), want)
		}
		if e := day.Items[0]; e.Source != "trending" || e.Explanation != "Trending now" || e.Velocity <= 0 {
			t.Errorf("entry %+v", e)
		}
		if got := get("?window=24h"); !slices.Equal(got.ids(), day.ids()) {
			t.Errorf("window=24h differs from the default")
		}
		if got, want := get("?window=1h").ids(), []string{a, b, c}; !slices.Equal(got, want) {
			t.Errorf("1h trending = %v, want %v (d's events are five hours old)", got, want)
		}
		if got := get("?window=7d").ids(); len(got) != 4 || got[0] != a {
			t.Errorf("7d trending = %v", got)
		}
		chem := get("?topic=chemistry")
		if !slices.Equal(chem.ids(), []string{a}) || chem.Items[0].Explanation != "Trending in Chemistry" {
			t.Errorf("chemistry trending = %+v", chem.Items)
		}
		p1 := get("?limit=2")
		p2 := get("?limit=2&cursor=" + p1.NextCursor)
		if !slices.Equal(append(p1.ids(), p2.ids()...), day.ids()) || p2.NextCursor != "" {
			t.Errorf("pages %v + %v, want %v", p1.ids(), p2.ids(), day.ids())
		}
		var prob problem
		want(t, anon.do("GET", "/api/v1/feed/trending?window=2h", nil), 400, &prob)
		want(t, anon.do("GET", "/api/v1/feed/trending?topic=nothing-like-it", nil), 404, &prob)
		if prob.Code != "unknown_topic" {
			t.Errorf("unknown topic: %+v", prob)
		}
		want(t, anon.do("GET", "/api/v1/feed/trending?limit=2&window=1h&cursor="+p1.NextCursor, nil), 400, &prob)
	})
}

// The next episode follows what the learner finished and skips what they hid.
func TestFeedSeriesNext(t *testing.T) {
	w := newFeedWorld(t, "", 3)
	creator := w.login("creator0@example.com", "creator password")
	var sr struct {
		ID string `json:"id"`
	}
	want(t, creator.do("POST", "/api/v1/series", `{"title":"Acids, step by step","status":"published"}`), 201, &sr)
	var eps []string
	for k := range 4 {
		eps = append(eps, creator.createItem(fmt.Sprintf(`{"kind":"video","title":"Acids %d","topics":["chemistry"],"duration_ms":60000,"status":"published"}`, k+1)).ID)
	}
	want(t, creator.do("PUT", "/api/v1/series/"+sr.ID+"/episodes", map[string]any{"item_ids": eps}), 200, nil)
	w.rebuild()
	ada := w.learner("ada@example.com")
	type entry struct {
		Item struct {
			ID      string `json:"id"`
			Episode int    `json:"episode"`
			Series  struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"series"`
		} `json:"item"`
		Explanation string `json:"explanation"`
		Source      string `json:"source"`
	}
	next := func() entry {
		t.Helper()
		var e entry
		want(t, ada.do("GET", "/api/v1/feed/series/"+sr.ID+"/next", nil), 200, &e)
		return e
	}
	if e := next(); e.Item.ID != eps[0] || e.Item.Episode != 1 || e.Source != "series" ||
		e.Explanation != "Next in “Acids, step by step”" || e.Item.Series.ID != sr.ID {
		t.Errorf("first next = %+v, want episode 1", e)
	}
	send(t, ada, event("view", eps[0], w.clk.Now(), 10_000))
	if e := next(); e.Item.ID != eps[0] {
		t.Errorf("after watching a part of episode 1, next = %d, want 1 again", e.Item.Episode)
	}
	send(t, ada, event("complete", eps[0], w.clk.Now(), 0), event("hide", eps[1], w.clk.Now(), 0))
	if e := next(); e.Item.ID != eps[2] {
		t.Errorf("after finishing 1 and hiding 2, next = %d, want 3", e.Item.Episode)
	}
	send(t, ada, event("complete", eps[3], w.clk.Now(), 0))
	var prob problem
	want(t, ada.do("GET", "/api/v1/feed/series/"+sr.ID+"/next", nil), 404, &prob)
	if prob.Code != "series_finished" {
		t.Errorf("after the last episode: %+v", prob)
	}
	want(t, ada.do("GET", "/api/v1/feed/series/nope/next", nil), 404, &prob)
	if prob.Code != "not_found" {
		t.Errorf("unknown series: %+v", prob)
	}
	want(t, w.c.do("GET", "/api/v1/feed/series/"+sr.ID+"/next", nil), 401, nil)
}

type feedProfile struct {
	Topics []struct {
		Slug       string  `json:"slug"`
		Name       string  `json:"name"`
		Weight     float64 `json:"weight"`
		Preference string  `json:"preference"`
	} `json:"topics"`
	Creators []struct {
		ID       string  `json:"id"`
		Name     string  `json:"name"`
		Weight   float64 `json:"weight"`
		Followed bool    `json:"followed"`
	} `json:"creators"`
	Formats []struct {
		Kind  string  `json:"kind"`
		Share float64 `json:"share"`
	} `json:"formats"`
	UsualSessionMinutes float64 `json:"usual_session_minutes"`
	ActiveHours         []struct {
		Hour  int     `json:"hour"`
		Share float64 `json:"share"`
	} `json:"active_hours"`
	Timezone string  `json:"timezone"`
	ResetAt  *string `json:"reset_at"`
}

func (p feedProfile) topic(slug string) (weight float64, pref string, ok bool) {
	for _, t := range p.Topics {
		if t.Slug == slug {
			return t.Weight, t.Preference, true
		}
	}
	return 0, "", false
}

// The learner reads their profile, mutes a topic (it leaves their feed), and
// resets it; the old path answers the same.
func TestFeedProfile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		w := newFeedWorld(t, dbURL, 12)
		ada := w.learner("ada@example.com")
		getProfile := func(path string) feedProfile {
			t.Helper()
			var p feedProfile
			r := ada.do("GET", path, nil)
			want(t, r, 200, &p)
			noAddiction(t, r.Body.String())
			return p
		}
		if p := getProfile("/api/v1/feed/profile"); len(p.Topics) != 0 || p.Timezone != "UTC" || p.UsualSessionMinutes != 0 {
			t.Errorf("a new learner's profile: %+v", p)
		}
		start := w.clk.Now().Add(-20 * time.Minute)
		var evs []map[string]any
		for k, it := range w.byTopic["chemistry"][:4] {
			at := start.Add(time.Duration(k) * time.Minute)
			evs = append(evs, event("view", it.ID, at, w.dur[it.ID]), event("complete", it.ID, at, 0))
		}
		evs = append(evs, event("view", w.byTopic["music"][0].ID, start.Add(5*time.Minute), 2000))
		send(t, ada, evs...)

		p := getProfile("/api/v1/feed/profile")
		chem, _, okC := p.topic("chemistry")
		music, _, okM := p.topic("music")
		if !okC || !okM || chem <= music || p.Topics[0].Slug != "chemistry" || p.Topics[0].Name != "Chemistry" {
			t.Errorf("topics %+v: want chemistry first, then music", p.Topics)
		}
		if _, _, ok := p.topic("history"); ok {
			t.Errorf("history, never touched, is in the profile: %+v", p.Topics)
		}
		if len(p.Creators) == 0 || p.Creators[0].Name == "" || p.Creators[0].Weight <= 0 {
			t.Errorf("creators %+v", p.Creators)
		}
		if len(p.Formats) != 1 || p.Formats[0].Kind != "video" || p.Formats[0].Share != 1 {
			t.Errorf("formats %+v", p.Formats)
		}
		if p.UsualSessionMinutes < 4 || len(p.ActiveHours) == 0 {
			t.Errorf("usual session %v minutes, active hours %+v", p.UsualSessionMinutes, p.ActiveHours)
		}
		if legacy := getProfile("/api/v1/feed/psychology"); len(legacy.Topics) != len(p.Topics) || legacy.Topics[0] != p.Topics[0] {
			t.Errorf("the old path answers %+v, want %+v", legacy, p)
		}
		if f := getFeed(t, ada, "/api/v1/feed?limit=10"); f.count("chemistry") == 0 {
			t.Fatalf("before muting, the feed has no chemistry: %v", f.ids())
		}

		var edited feedProfile
		want(t, ada.do("PATCH", "/api/v1/feed/profile", `{"topics":{"chemistry":"mute","history":"boost"}}`), 200, &edited)
		if _, pref, _ := edited.topic("chemistry"); pref != "mute" {
			t.Errorf("after muting: %+v", edited.Topics)
		}
		if w, pref, ok := edited.topic("history"); !ok || pref != "boost" || w != 0 {
			t.Errorf("a boosted topic with no activity: %v %q %v", w, pref, ok)
		}
		for page, cur := 0, ""; page < 4; page++ {
			f := getFeed(t, ada, "/api/v1/feed?limit=10"+cur)
			if n := f.count("chemistry"); n != 0 {
				t.Errorf("page %d of the feed has %d muted chemistry items", page, n)
			}
			if f.NextCursor == "" {
				break
			}
			cur = "&cursor=" + f.NextCursor
		}
		var prob problem
		for _, body := range []string{`{"topics":{"chemistry":"love"}}`, `{"topics":{"no-such-topic":"mute"}}`, `{"topics":{}}`, `{}`} {
			want(t, ada.do("PATCH", "/api/v1/feed/profile", body), 422, &prob)
		}
		want(t, ada.do("PATCH", "/api/v1/feed/profile", `{"topics":{"music":"none"}}`), 200, &edited)

		want(t, ada.do("DELETE", "/api/v1/feed/profile", nil), 204, nil)
		p = getProfile("/api/v1/feed/profile")
		if len(p.Topics) != 0 || len(p.Creators) != 0 || p.ResetAt == nil {
			t.Errorf("after a reset: %+v", p)
		}
		after := getFeed(t, ada, "/api/v1/feed?limit=40")
		if after.count("chemistry") == 0 {
			t.Errorf("after a reset chemistry is still muted")
		}
		for _, it := range w.byTopic["chemistry"][:4] {
			if slices.Contains(after.ids(), it.ID) {
				t.Errorf("after a reset, %s, already seen, comes back", it.ID)
			}
		}
		want(t, w.c.do("GET", "/api/v1/feed/profile", nil), 401, nil)
	})
}

type explanation struct {
	UserID string `json:"user_id"`
	Items  []struct {
		Item struct {
			ID string `json:"id"`
		} `json:"item"`
		Explanation string `json:"explanation"`
	} `json:"items"`
	Candidates []struct {
		ItemID    string             `json:"item_id"`
		Title     string             `json:"title"`
		Sources   map[string]float64 `json:"sources"`
		Features  map[string]float64 `json:"features"`
		Predicted map[string]float64 `json:"predicted"`
		Score     float64            `json:"score"`
		Position  int                `json:"position"`
		Dropped   string             `json:"dropped"`
	} `json:"candidates"`
	PerSource map[string]int `json:"per_source"`
}

// The admin sees why each item of a learner's next page is where it is, and why
// the rest were dropped; no one else may.
func TestFeedExplain(t *testing.T) {
	w := newFeedWorld(t, "", 15)
	ada := w.learner("ada@example.com")
	var me struct {
		ID string `json:"id"`
	}
	want(t, ada.do("GET", "/api/v1/me", nil), 200, &me)
	var evs []map[string]any
	seen := map[string]bool{}
	for _, it := range w.byTopic["chemistry"][:6] {
		evs = append(evs, event("complete", it.ID, w.clk.Now(), 0))
		seen[it.ID] = true
	}
	send(t, ada, evs...)

	var e explanation
	want(t, w.admin.do("GET", "/api/v1/admin/feed/explain?limit=10&user_id="+me.ID, nil), 200, &e)
	if e.UserID != me.ID || len(e.Items) != 10 {
		t.Fatalf("explanation for %s with %d items", e.UserID, len(e.Items))
	}
	placed, dropped := 0, 0
	for _, c := range e.Candidates {
		if c.Title == "" || len(c.Sources) == 0 {
			t.Errorf("candidate %+v: want its title and sources", c)
		}
		switch {
		case c.Position >= 0:
			placed++
			if c.Position >= len(e.Items) || e.Items[c.Position].Item.ID != c.ItemID {
				t.Errorf("candidate %s at position %d is not there in the page", c.ItemID, c.Position)
			}
			if len(c.Features) == 0 || c.Predicted["complete"] <= 0 || c.Dropped != "" {
				t.Errorf("placed candidate %+v: want features, predictions, no drop", c)
			}
		case c.Dropped == "":
			t.Errorf("candidate %s is neither placed nor dropped for a reason", c.ItemID)
		default:
			dropped++
		}
		if seen[c.ItemID] && (c.Position >= 0 || c.Dropped != "seen") {
			t.Errorf("finished item %s: position %d, dropped %q; want dropped as seen", c.ItemID, c.Position, c.Dropped)
		}
	}
	for _, it := range e.Items {
		if seen[it.Item.ID] {
			t.Errorf("the explained page holds %s, already finished", it.Item.ID)
		}
	}
	if placed != len(e.Items) || dropped == 0 || len(e.PerSource) == 0 {
		t.Errorf("%d placed of %d, %d dropped, per source %v", placed, len(e.Items), dropped, e.PerSource)
	}
	var prob problem
	want(t, ada.do("GET", "/api/v1/admin/feed/explain?user_id="+me.ID, nil), 403, &prob)
	want(t, w.admin.do("GET", "/api/v1/admin/feed/explain", nil), 400, &prob)
	want(t, w.admin.do("GET", "/api/v1/admin/feed/explain?user_id=nobody", nil), 404, &prob)
	var audit struct {
		Items []struct {
			Action   string `json:"action"`
			TargetID string `json:"target_id"`
		} `json:"items"`
	}
	want(t, w.admin.do("GET", "/api/v1/admin/audit", nil), 200, &audit)
	if len(audit.Items) == 0 || audit.Items[0].Action != "feed.explain" || audit.Items[0].TargetID != me.ID {
		t.Errorf("the audit log does not start with the explanation: %+v", audit.Items)
	}
}

// An index rebuilt after an edit shows the edit: each rebuild shares the
// text of unchanged items with the index before it, and an item whose title,
// description or topics changed must not keep the old ones.
func TestFeedIndexFollowsEdits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		w := newFeedWorld(t, dbURL, 2)
		// The first creator made the first item of the first topic.
		edited, kept := w.byTopic["chemistry"][0], w.byTopic["chemistry"][1]
		want(t, w.login("creator0@example.com", "creator password").do("PATCH", "/api/v1/content/"+edited.ID,
			`{"title":"Acids, revised","description":"About acids and bases","topics":["geology","music"]}`), 200, nil)
		for round := range 2 { // the second rebuild shares with the first's edited copy
			w.rebuild()
			var p feedPage
			want(t, w.learner(fmt.Sprintf("reader%d@example.com", round)).do("GET", "/api/v1/feed?limit=100", nil), 200, &p)
			seen := map[string]bool{}
			for _, e := range p.Items {
				seen[e.Item.ID] = true
				switch e.Item.ID {
				case edited.ID:
					if e.Item.Title != "Acids, revised" || e.Item.Description != "About acids and bases" ||
						!slices.Equal(e.Item.Topics, []string{"geology", "music"}) {
						t.Errorf("rebuild %d: the edited item shows %q, %q, %v", round, e.Item.Title, e.Item.Description, e.Item.Topics)
					}
				case kept.ID:
					if e.Item.Title != "chemistry lesson 1" || e.Item.Description != "About chemistry" ||
						!slices.Equal(e.Item.Topics, []string{"chemistry"}) {
						t.Errorf("rebuild %d: the untouched item shows %q, %q, %v", round, e.Item.Title, e.Item.Description, e.Item.Topics)
					}
				}
			}
			if !seen[edited.ID] || !seen[kept.ID] {
				t.Fatalf("rebuild %d: the page of %d items lacks the edited or the untouched item", round, len(p.Items))
			}
		}
	})
}
