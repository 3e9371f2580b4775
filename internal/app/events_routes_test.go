package app

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestEventsTimeWindow: an event older than the retention, or more than a day
// ahead of the server's clock, is rejected alone; the rest of its batch is kept.
func TestEventsTimeWindow(t *testing.T) {
	spec := loadSpec(t)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		clk := newClock()
		c := newClient(t, authServer(t, dbURL, clk, map[string]string{"LYO_EVENTS_RETENTION": "48h"}), spec)
		creator := c.as(c.createUser("window@example.com", "creator password", "creator").AccessToken)
		learner := c.as(c.register("learner@example.com", "learner password").AccessToken)
		it := creator.createItem(`{"kind":"video","title":"Timely","status":"published","duration_ms":60000}`)
		now := clk.Now()
		cases := []struct {
			at     time.Time
			status string
		}{
			{now.Add(-48*time.Hour - time.Minute), "rejected"},
			{now.Add(-47 * time.Hour), "accepted"},
			{now, "accepted"},
			{now.Add(23 * time.Hour), "accepted"},
			{now.Add(24*time.Hour + time.Minute), "rejected"},
		}
		var evs []string
		for i, tc := range cases {
			evs = append(evs, fmt.Sprintf(`{"id":"w%d","type":"impression","item_id":%q,"at":%q}`, i, it.ID, tc.at.Format(time.RFC3339)))
		}
		var res eventResults
		want(t, learner.do("POST", "/api/v1/events", `{"events":[`+strings.Join(evs, ",")+`]}`), 200, &res)
		for i, tc := range cases {
			if r := res.Results[i]; r.Status != tc.status {
				t.Errorf("an event at now%+v: %s (%s), want %s", tc.at.Sub(now), r.Status, r.Reason, tc.status)
			}
		}
		if r := res.Results[0]; !strings.Contains(r.Reason, "retention") {
			t.Errorf("an event past the retention is rejected for %q, want the retention named", r.Reason)
		}
	})
}
