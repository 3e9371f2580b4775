package feed

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// activityStore answers Activity from a list, as a store would; nothing else.
type activityStore struct {
	Store
	acts []Activity
}

func (a activityStore) Activity(_ context.Context, _ string, since time.Time, limit int) ([]Activity, error) {
	var out []Activity
	for i := len(a.acts) - 1; i >= 0 && len(out) < limit; i-- {
		if !a.acts[i].At.Before(since) {
			out = append(out, a.acts[i])
		}
	}
	return out, nil
}

func TestActiveSpans(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 3, 1, h, m, 0, 0, time.UTC) }
	got := activeSpans([]Activity{
		{At: at(10, 30)},
		{At: at(10, 0), Type: "view", WatchMS: 5 * 60_000},
		{At: at(10, 8), Type: "view", WatchMS: 2 * 60_000},
		{At: at(10, 41), Type: "skip"},
	})
	// 9:55–10:00 and 10:06–10:08 are 6 minutes apart: one stretch; 10:30 is 22
	// minutes after it; 10:41, 11 minutes after 10:30.
	want := []span{{at(9, 55), at(10, 8)}, {at(10, 30), at(10, 30)}, {at(10, 41), at(10, 41)}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(span{})); diff != "" {
		t.Errorf("activeSpans (-want +got):\n%s", diff)
	}
}

func TestNotice(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 3, 1, h, m, 0, 0, time.UTC) }
	// A minute watched every minute from 14:00 to 15:05: use from 13:59 on.
	var acts []Activity
	for m := 0; m <= 65; m++ {
		acts = append(acts, Activity{At: at(14, 0).Add(time.Duration(m) * time.Minute), Type: "view", WatchMS: 60_000})
	}
	s := NewService(activityStore{acts: acts}, nil, Options{})
	for _, tc := range []struct {
		name    string
		account Account
		minor   bool
		now     time.Time
		want    *Notice
		stop    bool
	}{
		{name: "adult, nothing set", account: Account{}, now: at(15, 6)},
		{name: "minor, defaults: the daily limit of 60 minutes", minor: true, now: at(15, 6), stop: true,
			want: &Notice{Kind: "daily_limit", UsedMinutes: 66, LimitMinutes: 60}},
		{name: "adult with a limit of 90 and a break after 45", account: Account{DailyLimitMinutes: 90, BreakReminderMinutes: 45},
			now: at(15, 6), want: &Notice{Kind: "break_reminder", UsedMinutes: 67, LimitMinutes: 45}},
		{name: "adult back after a pause: no break reminder", account: Account{BreakReminderMinutes: 45}, now: at(15, 20)},
		{name: "minor in Tokyo, where the day began at 15:00 UTC: five minutes today, but a long stretch",
			account: Account{Timezone: "Asia/Tokyo"}, minor: true, now: at(15, 10),
			want: &Notice{Kind: "break_reminder", UsedMinutes: 71, LimitMinutes: 30}},
		{name: "minor with their own limit of 120", account: Account{DailyLimitMinutes: 120, BreakReminderMinutes: 90}, minor: true, now: at(15, 6)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &State{Account: tc.account, Minor: tc.minor}
			got, stop, err := s.notice(context.Background(), "u", st, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			if got != nil {
				if got.Message == "" {
					t.Error("a notice without a message")
				}
				got.Message = ""
			}
			if diff := cmp.Diff(tc.want, got); diff != "" || stop != tc.stop {
				t.Errorf("notice (-want +got):\n%s\nstop %v, want %v", diff, stop, tc.stop)
			}
		})
	}
}
