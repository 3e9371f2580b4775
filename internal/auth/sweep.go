package auth

import (
	"context"
	"fmt"

	"github.com/lyolearn/lyo/internal/jobs"
)

// SweepTokensArgs is the periodic job that deletes refresh tokens past their
// expiry, and the sign-ins left without any token. An expired token is refused
// whether or not its row exists, so the sweep changes no answer; it keeps the
// table and its indexes from growing with every sign-in ever made. Deleting what
// is already gone does nothing, so a retry is harmless.
type SweepTokensArgs struct{}

// Kind names the job in the queue.
func (SweepTokensArgs) Kind() string { return "auth.sweep_refresh_tokens" }

// SweepTokensWorker works SweepTokensArgs.
type SweepTokensWorker struct {
	jobs.WorkerDefaults[SweepTokensArgs]
	svc *Service
}

// NewSweepTokensWorker sweeps svc's store with svc's clock.
func NewSweepTokensWorker(svc *Service) *SweepTokensWorker { return &SweepTokensWorker{svc: svc} }

// Work deletes the tokens that expired before now.
func (w *SweepTokensWorker) Work(ctx context.Context, _ *jobs.Job[SweepTokensArgs]) error {
	n, err := w.svc.store.DeleteExpiredRefreshTokens(ctx, w.svc.now())
	if err != nil {
		return fmt.Errorf("sweep refresh tokens: %w", err)
	}
	if n > 0 {
		w.svc.log.InfoContext(ctx, "expired refresh tokens deleted", "tokens", n)
	}
	return nil
}
