package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/events"
)

// TestEventsCannotInflateCounters replays the attack that took an item's views
// from 2 to 502 and its shares from 0 to 500 with two batches: one learner's
// events count at most what a learner can honestly do, the rest are accepted
// and kept in the log but not counted.
func TestEventsCannotInflateCounters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := authServer(t, dbURL, newClock(), map[string]string{"LYO_RATE_LIMIT": "false"})
		c := newClient(t, s, nil)
		creator := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
		honest := c.as(c.register("honest@example.com", "learner password").AccessToken)
		tk := c.register("inflater@example.com", "learner password")
		inflater := c.as(tk.AccessToken)
		it := creator.createItem(`{"kind":"video","title":"Popular","status":"published","duration_ms":60000}`)

		want(t, honest.do("POST", "/api/v1/events", fmt.Sprintf(`{"events":[
			{"id":"v1","type":"view","item_id":%[1]q,"watch_ms":1000},{"id":"v2","type":"view","item_id":%[1]q,"watch_ms":1000}]}`, it.ID)), 200, nil)
		for round := range 2 {
			var evs []string
			for k := range 250 {
				evs = append(evs, fmt.Sprintf(`{"id":"v%d-%d","type":"view","item_id":%q,"watch_ms":60000}`, round, k, it.ID),
					fmt.Sprintf(`{"id":"s%d-%d","type":"share","item_id":%q}`, round, k, it.ID))
			}
			var res eventResults
			want(t, inflater.do("POST", "/api/v1/events", `{"events":[`+strings.Join(evs, ",")+`]}`), 200, &res)
			for _, r := range res.Results {
				if r.Status != "accepted" {
					t.Fatalf("event %s: %s %s, want accepted (kept, if not counted)", r.ID, r.Status, r.Reason)
				}
			}
		}
		ctx := context.Background()
		stats, err := s.db.ItemStats(ctx, []string{it.ID})
		if err != nil {
			t.Fatal(err)
		}
		maxViews, _ := events.Cap(events.View)
		if got := stats[it.ID]; got.Views != 2+maxViews || got.Shares != 1 || got.WatchMS != 2000+60000*maxViews {
			t.Errorf("after two batches of 250 views and 250 shares: %d views, %d shares, %d ms watched; want %d, 1 and %d",
				got.Views, got.Shares, got.WatchMS, 2+maxViews, 2000+60000*maxViews)
		}
		log, _, err := s.db.Events(ctx, tk.User.ID, 0, 2000)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 1000 {
			t.Errorf("%d of the inflater's 1000 events are in the log, want all", len(log))
		}
	})
}

// TestQuizAnswersRevealNothing replays the attack that found a quiz's right
// choice with four answers to one question in one batch: only a learner's first
// answer to a question is graded, in the same batch or a later one, and a retry
// of an answer under a stored ID says nothing either.
func TestQuizAnswersRevealNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := authServer(t, dbURL, newClock(), nil)
		c := newClient(t, s, loadSpec(t))
		creator := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
		learner := c.as(c.register("guesser@example.com", "learner password").AccessToken)
		quiz := creator.createItem(`{"kind":"quiz","title":"Guess","status":"published","quiz":{"questions":[
			{"id":"q1","prompt":"?","choices":[{"id":"a","text":"A"},{"id":"b","text":"B"},{"id":"c","text":"C"},{"id":"d","text":"D"}],"answer":"c"},
			{"id":"q2","prompt":"?","choices":[{"id":"e","text":"E"},{"id":"f","text":"F"}],"answer":"e"}]}}`)
		answer := func(id, choice string) string {
			return fmt.Sprintf(`{"id":%q,"type":"quiz_answer","item_id":%q,"answer":%q}`, id, quiz.ID, choice)
		}
		var res eventResults
		want(t, learner.do("POST", "/api/v1/events", `{"events":[`+answer("1", "a")+","+answer("2", "b")+","+answer("3", "c")+","+
			answer("4", "d")+","+answer("5", "f")+`]}`), 200, &res)
		graded := func() string {
			var out []string
			for _, r := range res.Results {
				g := r.ID + ":" + r.Status
				if r.Correct != nil {
					g += fmt.Sprint(":", *r.Correct)
				}
				out = append(out, g)
			}
			return strings.Join(out, " ")
		}
		if got, want := graded(), "1:accepted:false 2:accepted 3:accepted 4:accepted 5:accepted:false"; got != want {
			t.Errorf("four answers to q1 and one to q2:\n got %s\nwant %s", got, want)
		}
		// A later batch, and a retry of a stored ID with another choice.
		res = eventResults{}
		want(t, learner.do("POST", "/api/v1/events", `{"events":[`+answer("6", "c")+","+answer("1", "c")+","+answer("7", "e")+`]}`), 200, &res)
		if got, want := graded(), "6:accepted 1:duplicate 7:accepted"; got != want {
			t.Errorf("later answers:\n got %s\nwant %s", got, want)
		}
		stats, err := s.db.ItemStats(context.Background(), []string{quiz.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got := stats[quiz.ID]; got.QuizAnswers != 2 || got.QuizCorrect != 0 {
			t.Errorf("quiz totals: %d answers, %d right; want the two first answers, both wrong", got.QuizAnswers, got.QuizCorrect)
		}
	})
}

// TestBadTextRejectsOnlyItsEvent: an event holding a NUL (or invalid UTF-8,
// which decoding turns into U+FFFD) in any string field is rejected alone; the
// rest of its batch is stored, on both engines.
func TestBadTextRejectsOnlyItsEvent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := authServer(t, dbURL, newClock(), nil)
		c := newClient(t, s, loadSpec(t))
		creator := c.as(c.createUser("maker@example.com", "maker password", "creator").AccessToken)
		learner := c.as(c.register("sender@example.com", "learner password").AccessToken)
		it := creator.createItem(`{"kind":"video","title":"Plain","status":"published","duration_ms":60000}`)
		batch := fmt.Sprintf(`{"events":[
			{"id":"ok1","type":"view","item_id":%[1]q},
			{"id":"n\u0000l","type":"view","item_id":%[1]q},
			{"id":"nul-item","type":"view","item_id":"x\u0000y"},
			{"id":"nul-session","type":"view","item_id":%[1]q,"session_id":"s\u0000"},
			{"id":"nul-answer","type":"view","item_id":%[1]q,"answer":"\u0000"},
			{"id":"nul-at","type":"view","item_id":%[1]q,"at":"2026\u0000"},
			{"id":"nul-type","type":"vi\u0000ew","item_id":%[1]q},
			{"id":"bad-utf8","type":"view","item_id":%[1]q,"session_id":"s`+"\xff\xfe"+`"},
			{"id":"ok2","type":"impression","item_id":%[1]q}
		]}`, it.ID)
		var res eventResults
		want(t, learner.do("POST", "/api/v1/events", batch), 200, &res)
		var got []string
		for _, r := range res.Results {
			got = append(got, r.Status)
			if r.Status == "rejected" && !strings.Contains(r.Reason, "NUL") {
				t.Errorf("event %q rejected for %q, want the field named", r.ID, r.Reason)
			}
		}
		if want := "accepted rejected rejected rejected rejected rejected rejected accepted accepted"; strings.Join(got, " ") != want {
			t.Errorf("results %s, want %s", strings.Join(got, " "), want)
		}
	})
}
