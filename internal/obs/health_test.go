package obs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestReadyReusesResultsForTTL(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	h := NewHealth(time.Second, 2*time.Second, nil)
	h.now = clk.Now
	runs := 0
	h.Add(Check{Name: "db", Run: func(context.Context) error { runs++; return nil }})
	for range 5 {
		h.Ready(context.Background())
	}
	clk.Advance(2*time.Second - time.Nanosecond)
	h.Ready(context.Background())
	if runs != 1 {
		t.Errorf("checks ran %d times within one TTL, want 1", runs)
	}
	clk.Advance(time.Nanosecond)
	h.Ready(context.Background())
	if runs != 2 {
		t.Errorf("checks ran %d times after the TTL, want 2", runs)
	}
}

func TestReadyStatuses(t *testing.T) {
	down := errors.New("down")
	for _, tt := range []struct {
		name   string
		checks []Check
		drain  bool
		want   string
	}{
		{"all ok", []Check{{Name: "db", Run: func(context.Context) error { return nil }}}, false, "ready"},
		{"optional failing", []Check{{Name: "redis", Optional: true, Run: func(context.Context) error { return down }}}, false, "degraded"},
		{"required failing", []Check{{Name: "db", Run: func(context.Context) error { return down }},
			{Name: "redis", Optional: true, Run: func(context.Context) error { return down }}}, false, "unready"},
		{"draining", []Check{{Name: "db", Run: func(context.Context) error { return nil }}}, true, "draining"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHealth(time.Second, time.Second, nil)
			for _, c := range tt.checks {
				h.Add(c)
			}
			if tt.drain {
				h.Drain()
			}
			if got := h.Ready(context.Background()).Status; got != tt.want {
				t.Errorf("status %q, want %q", got, tt.want)
			}
		})
	}
}
