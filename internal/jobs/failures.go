package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Failure is a job whose last attempt failed: waiting for a retry, or discarded
// after its last attempt.
type Failure struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Queue       string    `json:"queue"`
	State       string    `json:"state"`
	Attempt     int       `json:"attempt"`
	MaxAttempts int       `json:"max_attempts"`
	Error       string    `json:"error"`
	FailedAt    time.Time `json:"failed_at"`
	// NextAttemptAt is when it runs again; absent once discarded.
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
}

// MaxErrorLen bounds the error text a Failure carries, in bytes.
const MaxErrorLen = 500

// failedStates are where a job whose last attempt failed can be: a retry due
// soon is made available at once, a later one is retryable or scheduled.
var failedStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateDiscarded,
}

// Failures lists failed jobs, newest first, after the job with ID before (0 for
// the first page). It returns the ID to pass for the next page, 0 on the last.
func (q *Queue) Failures(ctx context.Context, before int64, limit int) ([]Failure, int64, error) {
	if limit < 1 || limit > 1000 {
		return nil, 0, fmt.Errorf("list failed jobs: limit %d out of range", limit)
	}
	p := river.NewJobListParams().States(failedStates...).
		Where("errors IS NOT NULL").
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit + 1)
	if before > 0 {
		p = p.After(river.JobListCursorFromJob(&rivertype.JobRow{ID: before}))
	}
	res, err := q.client.jobList(ctx, p)
	if err != nil {
		return nil, 0, fmt.Errorf("list failed jobs: %w: %w", ErrUnavailable, err)
	}
	rows := res.Jobs
	var next int64
	if len(rows) > limit {
		rows = rows[:limit]
		next = rows[limit-1].ID
	}
	out := make([]Failure, 0, len(rows))
	for _, j := range rows {
		out = append(out, failure(j))
	}
	return out, next, nil
}

func failure(j *rivertype.JobRow) Failure {
	f := Failure{ID: j.ID, Kind: j.Kind, Queue: j.Queue, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts}
	if n := len(j.Errors); n > 0 {
		last := j.Errors[n-1]
		f.Error, f.FailedAt = safeText(last.Error, MaxErrorLen), last.At.UTC()
	}
	if j.State != rivertype.JobStateDiscarded {
		at := j.ScheduledAt.UTC()
		f.NextAttemptAt = &at
	}
	return f
}

// safeText makes an error text fit to show in a browser or a terminal: valid
// UTF-8, control characters (escape sequences, newlines) as spaces, at most max
// bytes, cut at a character boundary with an ellipsis.
func safeText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) <= max {
		return s
	}
	const ellipsis = "…"
	cut := max - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
