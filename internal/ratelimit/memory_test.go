package ratelimit

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

// TestMemoryBoundaries checks the instants the table keeps clear of: a request
// is allowed exactly when its turn comes, not a nanosecond before.
func TestMemoryBoundaries(t *testing.T) {
	clk := newClock()
	m := NewMemory(clk.Now)
	for range 3 {
		mustAllow(t, m, "a", quarter)
	}
	clk.Advance(250*ms - 1)
	if got, _ := m.Allow(context.Background(), "a", quarter); got != denied(1, 500*ms+1) {
		t.Errorf("a nanosecond early: %+v", got)
	}
	clk.Advance(1)
	if got, _ := m.Allow(context.Background(), "a", quarter); got != allowed(0, 750*ms) {
		t.Errorf("on time: %+v", got)
	}
	clk.Advance(time.Second) // TAT now in the past: a fresh key
	if got, _ := m.Allow(context.Background(), "a", quarter); got != allowed(2, 250*ms) {
		t.Errorf("after the reset: %+v", got)
	}
}

func TestMemoryForgetsExpiredKeys(t *testing.T) {
	clk := newClock()
	m := NewMemory(clk.Now)
	p := Policy{Name: "s", Limit: 1, Period: time.Second}
	for i := range 5000 {
		mustAllow(t, m, "old"+strconv.Itoa(i), p)
	}
	clk.Advance(2 * sweepEvery)
	for i := range 5000 {
		mustAllow(t, m, "new"+strconv.Itoa(i), p)
	}
	if n := m.Len(); n != 5000 {
		t.Errorf("Len = %d after the old keys expired, want the 5000 live ones", n)
	}
}

func TestMemoryGrowthSweeps(t *testing.T) {
	// Keys that expire fast, arriving faster than sweepEvery: growth alone must
	// trigger the sweeps that keep the map near the live set.
	clk := newClock()
	m := newMemory(clk.Now, 1, 1<<20)
	p := Policy{Name: "s", Limit: 1, Period: ms}
	for i := range 100_000 {
		mustAllow(t, m, "k"+strconv.Itoa(i), p)
		clk.Advance(ms)
	}
	if n := m.Len(); n > 2*minSweepLen {
		t.Errorf("Len = %d with one live key, want at most %d", n, 2*minSweepLen)
	}
}

func TestMemoryCapEvicts(t *testing.T) {
	clk := newClock()
	m := newMemory(clk.Now, 1, 4096)
	p := Policy{Name: "s", Limit: 1, Period: time.Hour}
	for i := range 20_000 {
		mustAllow(t, m, "k"+strconv.Itoa(i), p)
	}
	if n := m.Len(); n > 4096 {
		t.Errorf("Len = %d, want at most the cap of 4096", n)
	}
}

func TestInvalidPolicy(t *testing.T) {
	m := NewMemory(nil)
	for _, p := range []Policy{
		{Name: "no limit", Period: time.Second},
		{Name: "negative limit", Limit: -1, Period: time.Second},
		{Name: "no period", Limit: 1},
		{Name: "negative burst", Limit: 1, Period: time.Second, Burst: -1},
		{Name: "faster than a nanosecond", Limit: 10, Period: 5},
		{Name: "burst overflows", Limit: 1, Period: time.Hour, Burst: 1 << 40},
	} {
		if _, err := m.Allow(context.Background(), "k", p); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("%s: err = %v, want ErrInvalidPolicy", p.Name, err)
		}
	}
}
