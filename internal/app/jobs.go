package app

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/obs"
	"github.com/lyolearn/lyo/internal/store"
)

// sweepTokensEvery is how often expired refresh tokens are deleted.
const sweepTokensEvery = time.Hour

// wireJobs builds the node's job queue on the store's engine and registers every
// worker and schedule. Only serve starts it: a subcommand that builds a server
// (seed) can enqueue but never works jobs.
func (s *server) wireJobs() error {
	q, err := newQueue(s.db, jobs.Config{
		Workers:      s.cfg.JobsWorkers,
		PollInterval: s.cfg.JobsPollInterval,
		StuckAfter:   s.cfg.JobsStuckAfter,
		Logger:       s.log,
	})
	if err != nil {
		return err
	}
	s.jobs = q
	if err := jobs.Register(q, auth.NewSweepTokensWorker(s.auth)); err != nil {
		return err
	}
	if err := q.Every(sweepTokensEvery, auth.SweepTokensArgs{}, nil); err != nil {
		return err
	}
	if err := s.wireFeedJobs(q); err != nil {
		return err
	}
	if err := s.wireMedia(q); err != nil {
		return err
	}
	if err := s.wireTutorJobs(q); err != nil {
		return err
	}
	if err := q.RegisterMetrics(s.metrics.Registry); err != nil {
		return fmt.Errorf("job metrics: %w", err)
	}
	return nil
}

// newQueue picks River's driver for the store's engine.
func newQueue(db store.Store, cfg jobs.Config) (*jobs.Queue, error) {
	switch db := db.(type) {
	case interface{ Pool() *pgxpool.Pool }:
		return jobs.NewPostgres(db.Pool(), cfg)
	case interface {
		Writer() *sql.DB
		Reader() *sql.DB
	}:
		return jobs.NewSQLite(db.Writer(), db.Reader(), cfg)
	}
	return nil, fmt.Errorf("jobs: no queue driver for the %s store", db.Engine())
}

// jobsCheck is the queue's readiness line. It is optional: stuck jobs degrade
// background work, they do not stop the API.
func (s *server) jobsCheck() obs.Check {
	return obs.Check{Name: "jobs", Optional: true, Run: s.jobs.Check}
}

// stopJobs stops the workers within ctx (the shutdown grace), beside the HTTP
// drain; the returned function waits for it. Jobs still running at the deadline
// are put back and retried by the next node to work.
func (s *server) stopJobs(ctx context.Context) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.jobs.Stop(ctx); err != nil {
			s.log.ErrorContext(ctx, "job workers did not stop", "error", err)
		}
	}()
	return func() { <-done }
}

// closeJobs stops workers that serve did not stop (it failed before shutdown).
func (s *server) closeJobs() {
	if s.jobs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.jobs.Stop(ctx); err != nil {
		s.log.Error("job workers did not stop", "error", err)
	}
}
