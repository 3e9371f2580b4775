package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/obs"
)

// Check reports the queue's health for readiness: an error when this node should
// work jobs and does not, or when jobs have waited or run for longer than
// StuckAfter (no node is working them, or one hangs). The error text names
// counts and durations only, never job contents.
func (q *Queue) Check(ctx context.Context) error {
	q.mu.Lock()
	shouldRun, running := q.cfg.Workers > 0 && q.started, q.running
	q.mu.Unlock()
	if shouldRun && !running {
		return obs.Reason("job workers are stopped on this node")
	}
	n, err := q.state.stuck(ctx, time.Now().Add(-q.cfg.StuckAfter))
	if err != nil {
		return err
	}
	if n > 0 {
		return obs.Reason(fmt.Sprintf("%d jobs waiting or running for over %s", n, q.cfg.StuckAfter))
	}
	return nil
}
