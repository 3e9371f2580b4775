package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

type item struct {
	ID        string   `json:"id"`
	CreatorID string   `json:"creator_id"`
	Title     string   `json:"title"`
	Status    string   `json:"status"`
	Topics    []string `json:"topics"`
	SeriesID  string   `json:"series_id"`
	Episode   int      `json:"episode"`
	Quiz      *struct {
		Questions []struct {
			ID      string `json:"id"`
			Answer  string `json:"answer"`
			Choices []struct {
				ID string `json:"id"`
			} `json:"choices"`
		} `json:"questions"`
	} `json:"quiz"`
}

type eventResults struct {
	Results []struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Reason  string `json:"reason"`
		Correct *bool  `json:"correct"`
	} `json:"results"`
}

func (c *client) createItem(body string) item {
	c.t.Helper()
	var it item
	want(c.t, c.do("POST", "/api/v1/content", body), 201, &it)
	return it
}

func TestCatalogueAndEvents(t *testing.T) {
	spec := loadSpec(t)
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			clk := newClock()
			c := newClient(t, authServer(t, dbURL(t), clk, nil), spec)
			creatorTk := c.createUser("teacher@example.com", "teacher password", "creator")
			modTk := c.createUser("mod@example.com", "moderator password", "moderator")
			learnerTk := c.register("student@example.com", "student password")
			creator, mod, learner := c.as(creatorTk.AccessToken), c.as(modTk.AccessToken), c.as(learnerTk.AccessToken)

			// A learner cannot publish: 403 before the body is even looked at.
			var p problem
			want(t, learner.do("POST", "/api/v1/content", `{"kind": 42`), 403, &p)

			video := creator.createItem(`{"kind":"video","title":"Quadratic equations <script>alert(1)</script>","description":"Completing the square, step by step","topics":["algebra","Mathematics"],"difficulty":2,"language":"en","duration_ms":90000,"status":"published"}`)
			if video.Title != "Quadratic equations <script>alert(1)</script>" || strings.Join(video.Topics, ",") != "algebra,mathematics" || video.Status != "published" {
				t.Errorf("created %+v", video)
			}
			quiz := creator.createItem(`{"kind":"quiz","title":"Algebra check","topics":["algebra"],"status":"published","quiz":{"questions":[{"prompt":"x+1=3, x=?","choices":[{"text":"1"},{"text":"2"},{"text":"3"}],"answer":"2"}]}}`)
			draft := creator.createItem(`{"kind":"article","title":"Unfinished notes on geometry"}`)
			if quiz.Quiz == nil || quiz.Quiz.Questions[0].Answer != "q1-c2" {
				t.Fatalf("the creator should see the answer key: %+v", quiz.Quiz)
			}
			want(t, creator.do("POST", "/api/v1/content", `{"kind":"podcast","title":""}`), 422, &p)
			if len(p.Errors) != 2 {
				t.Errorf("bad kind and empty title: %+v", p)
			}
			want(t, creator.do("POST", "/api/v1/content", `{"kind":"quiz","title":"No questions"}`), 422, &p)

			// Learners see published items only, without answer keys.
			var got item
			want(t, learner.do("GET", "/api/v1/content/"+quiz.ID, nil), 200, &got)
			if got.Quiz == nil || got.Quiz.Questions[0].Answer != "" {
				t.Errorf("a learner sees the answer key: %+v", got.Quiz)
			}
			want(t, learner.do("GET", "/api/v1/content/"+draft.ID, nil), 404, nil)
			want(t, creator.do("GET", "/api/v1/content/"+draft.ID, nil), 200, nil)
			var page struct {
				Items []item `json:"items"`
				Next  string `json:"next_cursor"`
			}
			want(t, learner.do("GET", "/api/v1/content?topic=algebra", nil), 200, &page)
			if len(page.Items) != 2 {
				t.Errorf("learner's algebra list: %+v", page.Items)
			}
			page.Items = nil
			want(t, learner.do("GET", "/api/v1/content?limit=1", nil), 200, &page)
			if len(page.Items) != 1 || page.Next == "" {
				t.Errorf("first page %+v", page)
			}
			want(t, learner.do("GET", "/api/v1/content?cursor=bm9wZQ.AAAA", nil), 400, &p)
			want(t, learner.do("GET", "/api/v1/content?kind=podcast", nil), 400, &p)

			// Someone else's item is not there to edit; moderators may remove it.
			want(t, learner.do("PATCH", "/api/v1/content/"+video.ID, `{"title":"mine now"}`), 404, &p)
			want(t, mod.do("PATCH", "/api/v1/content/"+video.ID, `{"title":"edited by mod"}`), 403, &p)

			// Search: plain words, highlighted, punctuation is not syntax.
			var hits struct {
				Items []struct {
					Item    item   `json:"item"`
					Snippet string `json:"snippet"`
				} `json:"items"`
			}
			want(t, learner.do("GET", "/api/v1/search?q="+url.QueryEscape("quadratic equa"), nil), 200, &hits)
			if len(hits.Items) != 1 || hits.Items[0].Item.ID != video.ID || !strings.Contains(hits.Items[0].Snippet, "«") {
				t.Errorf("search: %+v", hits)
			}
			for q, status := range map[string]int{`"quadratic`: 200, `quadratic OR`: 200, `alg*`: 200, `NEAR(x y)`: 200,
				`'; DROP TABLE items; --`: 200, `a:b`: 200, `-x`: 200, `\`: 400, `(`: 400, `"*"`: 400} {
				if w := learner.do("GET", "/api/v1/search?q="+url.QueryEscape(q), nil); w.Code != status {
					t.Errorf("search %q: %d %s", q, w.Code, w.Body)
				}
			}
			want(t, learner.do("GET", "/api/v1/search?q=alg*", nil), 200, &hits)
			if len(hits.Items) != 1 || hits.Items[0].Item.ID != quiz.ID {
				t.Errorf("alg* found %+v, want the quiz titled Algebra", hits.Items)
			}
			want(t, learner.do("GET", "/api/v1/search?q=%21%21", nil), 400, &p)
			want(t, learner.do("GET", "/api/v1/search?q="+url.QueryEscape("unfinished geometry"), nil), 200, &hits)
			if len(hits.Items) != 0 {
				t.Errorf("a draft is searchable: %+v", hits)
			}
			// An edit is searchable as soon as it answered.
			want(t, creator.do("PATCH", "/api/v1/content/"+draft.ID, `{"status":"published","body":"Pythagoras and triangles"}`), 200, nil)
			want(t, learner.do("GET", "/api/v1/search?q=pythagoras", nil), 200, &hits)
			if len(hits.Items) != 1 {
				t.Errorf("an edit is not searchable at once: %+v", hits)
			}

			// A series and the learner's progress through it.
			var sr struct {
				ID      string   `json:"id"`
				ItemIDs []string `json:"item_ids"`
			}
			want(t, creator.do("POST", "/api/v1/series", `{"title":"Algebra basics","status":"published"}`), 201, &sr)
			want(t, creator.do("PUT", "/api/v1/series/"+sr.ID+"/episodes", fmt.Sprintf(`{"item_ids":[%q,%q]}`, video.ID, quiz.ID)), 200, &sr)
			if len(sr.ItemIDs) != 2 || sr.ItemIDs[0] != video.ID {
				t.Errorf("episodes: %+v", sr)
			}
			want(t, learner.do("PUT", "/api/v1/series/"+sr.ID+"/episodes", `{"item_ids":[]}`), 404, &p)
			want(t, creator.do("PUT", "/api/v1/series/"+sr.ID+"/episodes", `{"item_ids":["nope"]}`), 422, &p)

			// Follow the creator.
			want(t, learner.do("POST", "/api/v1/creators/"+creatorTk.User.ID+"/follow", nil), 204, nil)
			want(t, learner.do("POST", "/api/v1/creators/"+creatorTk.User.ID+"/follow", nil), 204, nil)
			want(t, learner.do("POST", "/api/v1/creators/"+learnerTk.User.ID+"/follow", nil), 422, nil)
			want(t, learner.do("POST", "/api/v1/creators/"+modTk.User.ID+"x/follow", nil), 404, nil)
			var edges struct {
				Items []struct {
					UserID string `json:"user_id"`
				} `json:"items"`
			}
			want(t, learner.do("GET", "/api/v1/users/"+creatorTk.User.ID+"/followers", nil), 200, &edges)
			if len(edges.Items) != 1 || edges.Items[0].UserID != learnerTk.User.ID {
				t.Errorf("followers: %+v", edges)
			}

			// Events: every outcome in one batch, answered in order.
			now := clk.Now()
			batch := fmt.Sprintf(`{"events":[
				{"id":"e1","type":"impression","item_id":%[1]q,"position":0},
				{"id":"e2","type":"view","item_id":%[1]q,"watch_ms":80000,"session_id":"s1"},
				{"id":"e3","type":"complete","item_id":%[1]q},
				{"id":"e4","type":"like","item_id":%[1]q},
				{"id":"e5","type":"quiz_answer","item_id":%[2]q,"answer":"q1-c2"},
				{"id":"e6","type":"quiz_answer","item_id":%[2]q,"answer":"q1-c1"},
				{"id":"e7","type":"quiz_answer","item_id":%[2]q,"answer":"q9-c9"},
				{"id":"e1","type":"impression","item_id":%[1]q},
				{"id":"e8","type":"dance","item_id":%[1]q},
				{"id":"e9","type":"view","item_id":"no-such-item"},
				{"id":"e10","type":"view","item_id":%[3]q,"watch_ms":1000},
				{"id":"e11","type":"view","item_id":%[1]q,"watch_ms":99999999},
				{"id":"e12","type":"view","item_id":%[1]q,"at":%[4]q},
				{"id":"e13","type":"view","item_id":%[1]q,"at":"yesterday"},
				{"id":"","type":"view","item_id":%[1]q}
			]}`, video.ID, quiz.ID, draftOf(t, creator), now.Add(48*time.Hour).Format(time.RFC3339))
			var res eventResults
			want(t, learner.do("POST", "/api/v1/events", batch), 200, &res)
			var statuses []string
			for _, r := range res.Results {
				statuses = append(statuses, r.ID+":"+r.Status)
			}
			wantStatuses := "e1:accepted e2:accepted e3:accepted e4:accepted e5:accepted e6:accepted e7:rejected e1:duplicate e8:rejected e9:rejected e10:rejected e11:rejected e12:rejected e13:rejected :rejected"
			if strings.Join(statuses, " ") != wantStatuses {
				t.Errorf("results:\n got %s\nwant %s", strings.Join(statuses, " "), wantStatuses)
			}
			if c5, c6 := res.Results[4].Correct, res.Results[5].Correct; c5 == nil || !*c5 || c6 != nil { // e6 answers q1 again: not graded
				t.Errorf("quiz grading: %v %v", c5, c6)
			}
			// A retry of the whole batch stores nothing twice.
			want(t, learner.do("POST", "/api/v1/events", batch), 200, &res)
			for _, r := range res.Results {
				if r.Status == "accepted" {
					t.Errorf("retry accepted %s again", r.ID)
				}
			}
			var prog struct {
				Completed  int    `json:"completed"`
				NextItemID string `json:"next_item_id"`
			}
			want(t, learner.do("GET", "/api/v1/series/"+sr.ID+"/progress", nil), 200, &prog)
			if prog.Completed != 1 || prog.NextItemID != quiz.ID {
				t.Errorf("progress: %+v", prog)
			}

			// Hide, list hidden, undo.
			want(t, learner.do("POST", "/api/v1/events", fmt.Sprintf(`{"events":[{"id":"h1","type":"hide","item_id":%q}]}`, quiz.ID)), 200, nil)
			var hidden struct {
				Items []struct {
					ItemID string `json:"item_id"`
				} `json:"items"`
			}
			want(t, learner.do("GET", "/api/v1/me/hidden", nil), 200, &hidden)
			if len(hidden.Items) != 1 || hidden.Items[0].ItemID != quiz.ID {
				t.Errorf("hidden: %+v", hidden)
			}
			want(t, learner.do("DELETE", "/api/v1/me/hidden/"+quiz.ID, nil), 204, nil)
			want(t, learner.do("DELETE", "/api/v1/me/hidden/"+quiz.ID, nil), 404, nil)

			// A removed item leaves the learner's world.
			want(t, mod.do("PATCH", "/api/v1/content/"+video.ID, `{"status":"removed"}`), 200, nil)
			want(t, learner.do("GET", "/api/v1/content/"+video.ID, nil), 404, nil)
			want(t, creator.do("PATCH", "/api/v1/content/"+video.ID, `{"status":"published"}`), 409, nil)

			// Oversized batches are refused whole.
			var big strings.Builder
			big.WriteString(`{"events":[`)
			for i := range 501 {
				if i > 0 {
					big.WriteString(",")
				}
				fmt.Fprintf(&big, `{"id":"b%d","type":"impression","item_id":%q}`, i, quiz.ID)
			}
			big.WriteString(`]}`)
			want(t, learner.do("POST", "/api/v1/events", big.String()), 413, &p)
			if p.Code != "batch_too_large" {
				t.Errorf("oversized batch: %+v", p)
			}

			// Export and delete carry this domain's data.
			var export map[string]any
			want(t, learner.do("GET", "/api/v1/me/export", nil), 200, &export)
			activity, _ := export["activity"].(map[string]any)
			log, _ := activity["log"].([]any)
			social, _ := export["content"].(map[string]any)
			following, _ := social["following"].([]any)
			if len(log) != 7 || len(following) != 1 {
				t.Errorf("export: %d events, %d follows", len(log), len(following))
			}
		})
	}
}

// draftOf makes a draft item of the creator's, which learners may not touch.
func draftOf(t *testing.T, creator *client) string {
	return creator.createItem(`{"kind":"lesson","title":"Private draft"}`).ID
}
