package feed

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/jobs"
)

// TrainArgs is the periodic job that trains the feed's models. Every schedules
// it unique per period, so one node trains at a time; a run that fails is
// retried, and a retry only trains again (the snapshot is stored at the end,
// in one transaction).
type TrainArgs struct{}

// Kind names the job in the queue.
func (TrainArgs) Kind() string { return "feed.train_model" }

// TrainWorker works TrainArgs.
type TrainWorker struct {
	jobs.WorkerDefaults[TrainArgs]
	svc     *Service
	opts    model.Options
	timeout time.Duration
}

// NewTrainWorker trains with opts and gives a run up to timeout.
func NewTrainWorker(svc *Service, opts model.Options, timeout time.Duration) *TrainWorker {
	return &TrainWorker{svc: svc, opts: opts, timeout: timeout}
}

// Timeout is longer than ordinary jobs': training reads the whole log.
func (w *TrainWorker) Timeout(*jobs.Job[TrainArgs]) time.Duration { return w.timeout }

// Work trains and stores a snapshot, then hands the memory training used back
// to the operating system: training reads the whole log at once, an hourly
// peak far above what serving needs, and the Go runtime would otherwise keep
// most of it resident until long after.
func (w *TrainWorker) Work(ctx context.Context, _ *jobs.Job[TrainArgs]) error {
	defer debug.FreeOSMemory()
	if _, err := w.svc.Train(ctx, w.opts); err != nil {
		return fmt.Errorf("feed.train_model: %w", err)
	}
	return nil
}

// RollUpArgs is the periodic job that rolls trending counters up from the
// event log. The roll-up locks its mark, so a retry, or a run on another node,
// never counts an event twice.
type RollUpArgs struct{}

// Kind names the job in the queue.
func (RollUpArgs) Kind() string { return "feed.rollup_trending" }

// RollUpWorker works RollUpArgs.
type RollUpWorker struct {
	jobs.WorkerDefaults[RollUpArgs]
	svc *Service
}

// NewRollUpWorker rolls up svc's counters.
func NewRollUpWorker(svc *Service) *RollUpWorker { return &RollUpWorker{svc: svc} }

// Work rolls up what was received since the last run.
func (w *RollUpWorker) Work(ctx context.Context, _ *jobs.Job[RollUpArgs]) error {
	if _, err := w.svc.RollUpTrending(ctx); err != nil {
		return fmt.Errorf("feed.rollup_trending: %w", err)
	}
	return nil
}
