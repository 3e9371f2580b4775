package feed

import (
	"context"
	"fmt"
	"time"
)

// Wellbeing defaults for minors: on unless the learner (or a guardian) sets
// their own. Adults have both off until they set them.
const (
	minorDailyLimit    = 60
	minorBreakReminder = 30
	// usageEvents bounds the events read to measure a day's use.
	usageEvents = 5000
	// maxStretch is how far back a stretch of continuous use is looked for.
	maxStretch = 6 * time.Hour
)

// wellbeing is a learner's effective settings, in minutes (0: off).
func wellbeing(st *State) (breakAfter, dailyLimit int) {
	breakAfter, dailyLimit = st.Account.BreakReminderMinutes, st.Account.DailyLimitMinutes
	if st.Minor {
		if dailyLimit == 0 {
			dailyLimit = minorDailyLimit
		}
		if breakAfter == 0 {
			breakAfter = minorBreakReminder
		}
	}
	return breakAfter, dailyLimit
}

// location is the learner's timezone (UTC when unset or unknown).
func location(st *State) *time.Location {
	if tz := st.Account.Timezone; tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return time.UTC
}

// notice decides the wellbeing notice of a page from the learner's events:
// the daily limit once their use today (their local day) reaches it, in which
// case stop is set and the page carries no items; otherwise a break reminder
// once their current stretch of continuous use reaches its length. Use is what
// the events show: the time watched, and the time between events less than ten
// minutes apart. Nothing is read when both are off.
func (s *Service) notice(ctx context.Context, userID string, st *State, now time.Time) (*Notice, bool, error) {
	breakAfter, dailyLimit := wellbeing(st)
	if breakAfter == 0 && dailyLimit == 0 {
		return nil, false, nil
	}
	local := now.In(location(st))
	dayStart := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location())
	since := dayStart
	if b := now.Add(-maxStretch); breakAfter > 0 && b.Before(since) {
		since = b // a stretch that began before the learner's midnight counts whole
	}
	acts, err := s.store.Activity(ctx, userID, since, usageEvents)
	if err != nil {
		return nil, false, fmt.Errorf("wellbeing notice: %w", err)
	}
	spans := activeSpans(acts)
	var today float64
	for _, sp := range spans {
		from, to := sp.from, sp.to
		if from.Before(dayStart) {
			from = dayStart
		}
		if to.After(now) {
			to = now
		}
		if to.After(from) {
			today += to.Sub(from).Minutes()
		}
	}
	if dailyLimit > 0 && today >= float64(dailyLimit) {
		return &Notice{Kind: "daily_limit", UsedMinutes: int(today), LimitMinutes: dailyLimit,
			Message: fmt.Sprintf("You have learned for %d minutes today, your daily limit of %d. The feed is paused for the rest of your day; you can change the limit in your settings.", int(today), dailyLimit)}, true, nil
	}
	if breakAfter > 0 && len(spans) > 0 {
		last := spans[len(spans)-1]
		if now.Sub(last.to) <= sessionGap {
			if stretch := now.Sub(last.from).Minutes(); stretch >= float64(breakAfter) {
				return &Notice{Kind: "break_reminder", UsedMinutes: int(stretch), LimitMinutes: breakAfter,
					Message: fmt.Sprintf("You have been learning for %d minutes. A short break helps it sink in.", int(stretch))}, false, nil
			}
		}
	}
	return nil, false, nil
}
