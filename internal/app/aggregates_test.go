package app

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/events"
)

// TestAggregatesMatchRecompute sends a few thousand random events over HTTP, in
// batches, with retries and bad events mixed in, then rebuilds every aggregate
// from the raw log and compares: what ingestion kept incrementally must be
// exactly what the log says, both by events.Recompute and by this test's own
// reading of the rules (oracle), which shares no code with Fold.
func TestAggregatesMatchRecompute(t *testing.T) {
	for engine, dbURL := range engines(t) {
		t.Run(engine, func(t *testing.T) {
			clk := newClock()
			s := authServer(t, dbURL(t), clk, map[string]string{"LYO_RATE_LIMIT": "false"})
			c := newClient(t, s, nil)
			creators := []*client{c.as(c.createUser("c1@example.com", "creator password", "creator").AccessToken), c.as(c.createUser("c2@example.com", "creator password", "creator").AccessToken)}
			var itemIDs []string
			for i := range 12 {
				kind, extra := "video", ""
				if i%4 == 3 {
					kind, extra = "quiz", `,"quiz":{"questions":[{"prompt":"?","choices":[{"text":"a"},{"text":"b"}],"answer":"1"}]}`
				}
				it := creators[i%2].createItem(fmt.Sprintf(`{"kind":%q,"title":"Item %d","topics":["t%d","t%d"],"duration_ms":%d,"status":"published"%s}`, kind, i, i%3, i%5, 30000+i*1000, extra))
				itemIDs = append(itemIDs, it.ID)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			types := []string{"impression", "impression", "view", "view", "complete", "like", "unlike", "save", "unsave", "share", "skip", "hide", "quiz_answer"}
			var learners []*client
			var learnerIDs []string
			for i := range 4 {
				tk := c.register(fmt.Sprintf("l%d@example.com", i), "learner password")
				learners = append(learners, c.as(tk.AccessToken))
				learnerIDs = append(learnerIDs, tk.User.ID)
			}
			for round := range 15 {
				for _, l := range learners {
					var b strings.Builder
					b.WriteString(`{"events":[`)
					for k := range 40 {
						if k > 0 {
							b.WriteString(",")
						}
						typ := types[rng.IntN(len(types))]
						itemIdx := rng.IntN(len(itemIDs))
						if typ == "quiz_answer" {
							itemIdx = 3 + 4*rng.IntN(3)
						}
						// Some ids repeat across rounds: retries must not count twice.
						id := fmt.Sprintf("r%d-%d", round, k)
						if rng.IntN(5) == 0 {
							id = fmt.Sprintf("r%d-%d", max(round-1, 0), k)
						}
						at := clk.Now().Add(-time.Duration(rng.IntN(3000)) * time.Minute).Format(time.RFC3339Nano)
						fmt.Fprintf(&b, `{"id":%q,"type":%q,"item_id":%q,"watch_ms":%d,"answer":"q1-c%d","at":%q}`, id, typ, itemIDs[itemIdx], rng.IntN(60000), 1+rng.IntN(2), at)
					}
					if l == learners[0] {
						// One learner binges the first item, past the caps.
						for k, typ := range []string{"view", "view", "impression", "like", "unlike", "share", "skip", "complete"} {
							at := clk.Now().Add(-time.Duration(rng.IntN(1500)) * time.Minute).Format(time.RFC3339Nano)
							fmt.Fprintf(&b, `,{"id":"binge-%d-%d","type":%q,"item_id":%q,"watch_ms":%d,"at":%q}`, round, k, typ, itemIDs[0], rng.IntN(60000), at)
						}
					}
					b.WriteString(`]}`)
					want(t, l.do("POST", "/api/v1/events", b.String()), 200, nil)
				}
				clk.Advance(30 * time.Second) // access tokens live 15 minutes
			}

			ctx := context.Background()
			facts, err := catalog{s.db}.Facts(ctx, access.Caller{UserID: "anyone"}, itemIDs)
			if err != nil {
				t.Fatal(err)
			}
			total, ownTotal := map[string]events.ItemCounts{}, map[string]events.ItemCounts{}
			for _, uid := range learnerIDs {
				var log []events.Event
				var after int64
				for {
					page, last, err := s.db.Events(ctx, uid, after, 1000)
					if err != nil {
						t.Fatal(err)
					}
					log = append(log, page...)
					if len(page) < 1000 {
						break
					}
					after = last
				}
				if len(log) < 100 {
					t.Fatalf("only %d events stored for %s", len(log), uid)
				}
				want := events.Recompute(log, facts)
				for id, n := range want.Items {
					total[id] = addCounts(total[id], n)
				}
				mine := oracle(t, log, facts)
				for id, n := range mine.Items {
					ownTotal[id] = addCounts(ownTotal[id], n)
				}
				if len(mine.Items) != len(want.Items) {
					t.Errorf("oracle: %d items, Recompute %d", len(mine.Items), len(want.Items))
				}
				for id, w := range want.UserItems {
					if g := mine.UserItems[id]; g != w {
						t.Errorf("item %s state:\n oracle    %+v\n Recompute %+v", id, g, w)
					}
				}
				topics, creators, err := s.db.Affinities(ctx, uid)
				if err != nil {
					t.Fatal(err)
				}
				compareScores(t, "topic", want.Topics, topics)
				compareScores(t, "creator", want.Creators, creators)
				compareScores(t, "topic (oracle)", mine.Topics, topics)
				compareScores(t, "creator (oracle)", mine.Creators, creators)
				states, err := s.db.UserItems(ctx, uid, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(states) != len(want.UserItems) {
					t.Errorf("%d item states kept, %d in the log", len(states), len(want.UserItems))
				}
				for id, w := range want.UserItems {
					g := states[id]
					if g.Impressions != w.Impressions || g.Views != w.Views || g.WatchMS != w.WatchMS || g.Completed != w.Completed ||
						g.Liked != w.Liked || g.Saved != w.Saved || !g.FirstAt.Equal(w.FirstAt) || !g.LastAt.Equal(w.LastAt) {
						t.Errorf("item %s state:\n kept %+v\n  log %+v", id, g, w)
					}
				}
			}
			stats, err := s.db.ItemStats(ctx, itemIDs)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range itemIDs {
				if stats[id] != total[id] {
					t.Errorf("item %s totals:\n kept %+v\n  log %+v", id, stats[id], total[id])
				}
				if stats[id] != ownTotal[id] {
					t.Errorf("item %s totals:\n   kept %+v\n oracle %+v", id, stats[id], ownTotal[id])
				}
			}
			if maxViews, _ := events.Cap(events.View); ownTotal[itemIDs[0]].Views < maxViews || stats[itemIDs[0]].Shares > int64(len(learnerIDs)) {
				t.Errorf("the binge on the first item counted %+v: the caps were not exercised", stats[itemIDs[0]])
			}

			// Deleting a learner takes exactly their share out of the totals.
			gone := learnerIDs[0]
			var goneLog []events.Event
			goneLog, _, _ = s.db.Events(ctx, gone, 0, 10000)
			share := events.Recompute(goneLog, facts).Items
			if err := s.auth.Delete(ctx, gone); err != nil {
				t.Fatal(err)
			}
			after, err := s.db.ItemStats(ctx, itemIDs)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range itemIDs {
				if want := subCounts(total[id], share[id]); after[id] != want {
					t.Errorf("item %s after deleting a learner:\n kept %+v\n want %+v", id, after[id], want)
				}
			}
			if left, _, _ := s.db.Events(ctx, gone, 0, 10); len(left) != 0 {
				t.Errorf("%d events of a deleted learner remain", len(left))
			}
		})
	}
}

func addCounts(a, b events.ItemCounts) events.ItemCounts {
	return events.ItemCounts{Impressions: a.Impressions + b.Impressions, Views: a.Views + b.Views, Completions: a.Completions + b.Completions,
		Likes: a.Likes + b.Likes, Saves: a.Saves + b.Saves, Shares: a.Shares + b.Shares, Skips: a.Skips + b.Skips, Hides: a.Hides + b.Hides,
		QuizAnswers: a.QuizAnswers + b.QuizAnswers, QuizCorrect: a.QuizCorrect + b.QuizCorrect, WatchMS: a.WatchMS + b.WatchMS}
}

func subCounts(a, b events.ItemCounts) events.ItemCounts {
	return events.ItemCounts{Impressions: a.Impressions - b.Impressions, Views: a.Views - b.Views, Completions: a.Completions - b.Completions,
		Likes: a.Likes - b.Likes, Saves: a.Saves - b.Saves, Shares: a.Shares - b.Shares, Skips: a.Skips - b.Skips, Hides: a.Hides - b.Hides,
		QuizAnswers: a.QuizAnswers - b.QuizAnswers, QuizCorrect: a.QuizCorrect - b.QuizCorrect, WatchMS: a.WatchMS - b.WatchMS}
}

// compareScores allows for float rounding: increments are summed in another order.
func compareScores(t *testing.T, kind string, want, got map[string]float64) {
	t.Helper()
	for k, w := range want {
		if g := got[k]; math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			t.Errorf("%s %s affinity kept %g, log says %g", kind, k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && g != 0 {
			t.Errorf("%s %s affinity %g kept, not in the log", kind, k, g)
		}
	}
}

// oracle rebuilds one learner's aggregates from their log (in ingestion order)
// by the rules as the API description states them, with its own tables and
// code: events over a per-learner, per-item cap are kept but count nothing and
// weigh nothing; only the first answer to a quiz question is graded; a score is
// the sum of weight·2^((at−2024-01-01)/14 days).
func oracle(t *testing.T, log []events.Event, facts map[string]events.ItemFacts) events.Aggregates {
	t.Helper()
	type rule struct {
		kind   string
		n      int
		daily  bool
		weight float64
	}
	rules := map[events.Type]rule{
		"impression": {"impression", 20, true, 0}, "view": {"view", 10, true, 0.2}, "complete": {"complete", 5, true, 1},
		"skip": {"skip", 10, true, -0.5}, "like": {"like", 4, true, 1}, "unlike": {"like", 4, true, -1},
		"save": {"save", 4, true, 1.5}, "unsave": {"save", 4, true, -1.5}, "share": {"share", 1, false, 1},
		"hide": {"hide", 1, false, -3}, "quiz_answer": {"quiz", 1, false, 0.7},
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	a := events.Aggregates{Items: map[string]events.ItemCounts{}, Topics: map[string]float64{}, Creators: map[string]float64{},
		UserItems: map[string]events.UserItem{}}
	used := map[string]int{}
	for _, e := range log {
		f, ok := facts[e.ItemID]
		if !ok {
			continue
		}
		st, seen := a.UserItems[e.ItemID]
		st.ItemID = e.ItemID
		if !seen || e.At.Before(st.FirstAt) {
			st.FirstAt = e.At
		}
		if !seen || e.At.After(st.LastAt) {
			st.LastAt = e.At
		}
		switch e.Type {
		case "like", "unlike":
			st.Liked = e.Type == "like"
		case "save", "unsave":
			st.Saved = e.Type == "save"
		case "complete":
			st.Completed = true
		}
		r := rules[e.Type]
		key := e.ItemID + "/" + r.kind
		switch {
		case e.Type == "quiz_answer":
			key += "/" + e.Question
		case r.daily:
			key += "/" + e.At.UTC().Format("2006-01-02")
		}
		counted := used[key] < r.n
		if e.Type == "quiz_answer" && counted != (e.Correct != nil) {
			t.Errorf("answer %s: graded %v, want graded only as the first to its question", e.ClientID, e.Correct != nil)
		}
		c := a.Items[e.ItemID]
		if counted {
			used[key]++
			w := r.weight
			switch e.Type {
			case "impression":
				c.Impressions++
				st.Impressions++
			case "view":
				c.Views++
				c.WatchMS += e.WatchMS
				st.Views++
				st.WatchMS += e.WatchMS
				if f.DurationMS > 0 {
					w += 0.8 * min(1, float64(e.WatchMS)/float64(f.DurationMS))
				}
			case "complete":
				c.Completions++
			case "share":
				c.Shares++
			case "skip":
				c.Skips++
			case "hide":
				c.Hides++
			case "quiz_answer":
				c.QuizAnswers++
				if *e.Correct {
					c.QuizCorrect++
					w += 0.5
				}
			}
			score := w * math.Pow(2, e.At.Sub(start).Hours()/(14*24))
			if w != 0 {
				for _, topic := range f.Topics {
					a.Topics[topic] += score / float64(len(f.Topics))
				}
				a.Creators[f.CreatorID] += score
			}
		}
		a.Items[e.ItemID] = c
		a.UserItems[e.ItemID] = st
	}
	for id, st := range a.UserItems {
		c := a.Items[id]
		if st.Liked {
			c.Likes = 1
		}
		if st.Saved {
			c.Saves = 1
		}
		a.Items[id] = c
	}
	return a
}
