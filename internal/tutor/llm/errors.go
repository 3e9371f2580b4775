package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StatusError is an HTTP error answer from a provider.
type StatusError struct {
	Provider, Model string
	Status          int
	// RetryAfter is the delay the provider asked for (Gemini's RetryInfo, a Retry-After
	// header); zero when it named none.
	RetryAfter time.Duration
	Message    string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Provider, e.Model, e.Status, e.Message)
}

// Timeouts a Chain enforces; they surface wrapped in the error a Stream returns.
var (
	ErrFirstTokenTimeout = errors.New("llm: no first token in time")
	ErrIdleTimeout       = errors.New("llm: stream idle too long")
	ErrTotalTimeout      = errors.New("llm: answer took too long")
)

// kind is how a Chain treats an error before the first chunk.
type kind int

const (
	kindRetry    kind = iota // transport error, 408, 5xx: retry, counts against the breaker
	kindNext                 // 4xx: try the next provider, not counted
	kindThrottle             // 429: wait as asked or cool down and move on, not counted
	kindStall                // no chunk in time: move on, counts against the breaker
	kindCaller               // the caller went away: stop, not counted
)

func classify(err error) kind {
	var se *StatusError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, ErrTotalTimeout), errors.Is(err, context.DeadlineExceeded):
		return kindCaller
	case errors.Is(err, ErrFirstTokenTimeout), errors.Is(err, ErrIdleTimeout):
		return kindStall
	case errors.As(err, &se):
		switch {
		case se.Status == http.StatusTooManyRequests:
			return kindThrottle
		case se.Status == http.StatusRequestTimeout || se.Status >= 500:
			return kindRetry
		case se.Status >= 400:
			return kindNext
		}
	}
	return kindRetry
}

// counted reports whether an error is a failure for a provider's breaker:
// cancellations, 4xx answers and throttling say nothing about its health.
func counted(err error) bool {
	k := classify(err)
	return k == kindRetry || k == kindStall
}

// retryAfterHeader reads a Retry-After header: delay seconds or an HTTP date.
func retryAfterHeader(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(min(s, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), 24*time.Hour)
	}
	return 0
}

// protoDuration reads a google.protobuf.Duration in its JSON form ("13s", "0.5s").
func protoDuration(v string) time.Duration {
	num, ok := strings.CutSuffix(strings.TrimSpace(v), "s")
	if !ok || num == "" || strings.HasPrefix(num, "-") || strings.HasPrefix(num, "+") {
		return 0
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f != f || f <= 0 {
		return 0
	}
	if f > 86400 {
		f = 86400
	}
	return time.Duration(f * float64(time.Second))
}
