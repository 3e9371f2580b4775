package app

import (
	"testing"
	"time"
)

type meView struct {
	ID                   string `json:"id"`
	IsMinor              bool   `json:"is_minor"`
	Timezone             string `json:"timezone"`
	BreakReminderMinutes int    `json:"break_reminder_minutes"`
	DailyLimitMinutes    int    `json:"daily_limit_minutes"`
}

// usage reports a minute watched every minute over the last n minutes.
func (w *feedWorld) usage(t *testing.T, c *client, n int) {
	t.Helper()
	ids := append(append([]item{}, w.byTopic["history"]...), w.byTopic["music"]...)
	var evs []map[string]any
	for m := range n {
		evs = append(evs, event("view", ids[m%len(ids)].ID, w.clk.Now().Add(-time.Duration(n-m)*time.Minute), 60_000))
	}
	send(t, c, evs...)
}

// Break reminders and the daily limit come in the notice, never as an item:
// off for adults until they set them, on for minors by default (a daily limit
// of 60 minutes); the day is the learner's own, in their timezone.
func TestFeedWellbeing(t *testing.T) {
	w := newFeedWorld(t, "", 12)
	// Mid-afternoon in UTC, so that the hour of use lies within today.
	now := w.clk.Now()
	w.clk.Advance(now.Truncate(24 * time.Hour).Add(24*time.Hour + 15*time.Hour).Sub(now))

	adult := w.learner("adult@example.com")
	var me meView
	want(t, adult.do("GET", "/api/v1/me", nil), 200, &me)
	if me.Timezone != "UTC" || me.IsMinor {
		t.Errorf("a new account: %+v; want timezone UTC, not a minor", me)
	}
	var prob problem
	for _, tz := range []string{"Mars/Olympus_Mons", "Local", "../../etc/passwd", "utc+2"} {
		want(t, adult.do("PATCH", "/api/v1/me", map[string]any{"timezone": tz}), 422, &prob)
		if len(prob.Errors) != 1 || prob.Errors[0].Field != "timezone" {
			t.Errorf("timezone %q: %+v", tz, prob)
		}
	}
	want(t, adult.do("PATCH", "/api/v1/me", map[string]any{"timezone": "Asia/Tokyo"}), 200, &me)
	if me.Timezone != "Asia/Tokyo" {
		t.Errorf("timezone after PATCH: %q", me.Timezone)
	}

	w.usage(t, adult, 65)
	if p := getFeed(t, adult, "/api/v1/feed?limit=10"); p.Notice != nil || len(p.Items) != 10 {
		t.Errorf("an adult who set nothing: notice %+v, %d items; want no notice and a full page", p.Notice, len(p.Items))
	}
	want(t, adult.do("PATCH", "/api/v1/me", map[string]any{"break_reminder_minutes": 45}), 200, nil)
	p := getFeed(t, adult, "/api/v1/feed?limit=10")
	if p.Notice == nil || p.Notice.Kind != "break_reminder" || p.Notice.LimitMinutes != 45 || p.Notice.UsedMinutes < 65 || len(p.Items) != 10 {
		t.Errorf("after 65 minutes with a break reminder at 45: notice %+v, %d items", p.Notice, len(p.Items))
	}
	// 15:00 UTC is midnight in Tokyo: of the hour of use, five minutes are today.
	want(t, adult.do("PATCH", "/api/v1/me", map[string]any{"break_reminder_minutes": 0, "daily_limit_minutes": 30}), 200, nil)
	if p := getFeed(t, adult, "/api/v1/feed?limit=10"); p.Notice != nil {
		t.Errorf("a limit of 30 minutes, five minutes into the learner's day: notice %+v", p.Notice)
	}
	want(t, adult.do("PATCH", "/api/v1/me", map[string]any{"timezone": ""}), 200, &me)
	p = getFeed(t, adult, "/api/v1/feed?limit=10")
	if me.Timezone != "UTC" || p.Notice == nil || p.Notice.Kind != "daily_limit" || p.Notice.LimitMinutes != 30 || len(p.Items) != 0 || p.NextCursor != "" {
		t.Errorf("in UTC, past a limit of 30: timezone %q, notice %+v, %d items, cursor %q", me.Timezone, p.Notice, len(p.Items), p.NextCursor)
	}

	minor := w.learner("minor@example.com")
	want(t, minor.do("PATCH", "/api/v1/me", map[string]any{"birth_year": w.clk.Now().Year() - 14}), 200, &me)
	if !me.IsMinor || me.DailyLimitMinutes != 0 {
		t.Fatalf("the minor's account: %+v", me)
	}
	if p := getFeed(t, minor, "/api/v1/feed?limit=10"); p.Notice != nil || len(p.Items) != 10 {
		t.Errorf("a minor before any use: notice %+v, %d items", p.Notice, len(p.Items))
	}
	w.usage(t, minor, 61)
	p = getFeed(t, minor, "/api/v1/feed?limit=10")
	if p.Notice == nil || p.Notice.Kind != "daily_limit" || p.Notice.LimitMinutes != 60 || p.Notice.UsedMinutes < 60 || len(p.Items) != 0 {
		t.Errorf("a minor after 61 minutes today, nothing set: notice %+v, %d items; want the daily limit of 60 and no items", p.Notice, len(p.Items))
	}
	// They (or a guardian) may set another limit.
	want(t, minor.do("PATCH", "/api/v1/me", map[string]any{"daily_limit_minutes": 90, "break_reminder_minutes": 120}), 200, nil)
	if p := getFeed(t, minor, "/api/v1/feed?limit=10"); p.Notice != nil || len(p.Items) != 10 {
		t.Errorf("a minor with a limit of 90 after 61 minutes: notice %+v, %d items", p.Notice, len(p.Items))
	}
}
