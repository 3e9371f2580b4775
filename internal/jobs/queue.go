package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// River's own types, under names that read well from a domain: a domain imports
// this package, never River's driver packages.
type (
	// Args are a job's typed arguments, stored as JSON. Kind names the job
	// ("auth.sweep_tokens"); it must stay stable once jobs of that kind exist.
	Args = river.JobArgs
	// Job is one attempt at a job: its Args and the stored row (ID, Attempt…).
	Job[T Args] = river.Job[T]
	// Worker works jobs of one kind. Embed WorkerDefaults and write Work.
	Worker[T Args]         = river.Worker[T]
	WorkerDefaults[T Args] = river.WorkerDefaults[T]
	// InsertOpts tune one insert: queue, priority, delay, max attempts, uniqueness.
	InsertOpts = river.InsertOpts
	UniqueOpts = river.UniqueOpts
	// RetryPolicy decides when a failed attempt is tried again.
	RetryPolicy = river.ClientRetryPolicy
	// Row is a job as stored, whatever its kind.
	Row = rivertype.JobRow
)

// Defaults of Config.
const (
	DefaultJobTimeout   = time.Minute
	DefaultPollInterval = time.Second
	DefaultStuckAfter   = 10 * time.Minute
)

// Config is one node's queue.
type Config struct {
	// Workers is how many jobs this node works at once. 0 makes the node
	// insert-only: it enqueues, but never works or schedules jobs.
	Workers int
	// JobTimeout bounds one attempt; its context is cancelled after it.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before the leader takes it
	// for abandoned (its node died) and retries it; 0 means JobTimeout plus an hour.
	RescueAfter time.Duration
	// PollInterval is how often workers look for jobs they were not told about.
	PollInterval time.Duration
	// StuckAfter: readiness reports jobs running, or available and not picked up,
	// for longer than this.
	StuckAfter time.Duration
	// MaxAttempts is the default number of attempts before a job is discarded;
	// 0 means River's 25 (exponential backoff spreads them over about three weeks).
	MaxAttempts int
	// RetryPolicy replaces River's backoff when set.
	RetryPolicy RetryPolicy
	// ID names this node among the queue's clients; empty picks a random one.
	ID     string
	Logger *slog.Logger

	// testOnly starts River's maintenance services without their random delays.
	testOnly bool
}

func (c Config) withDefaults() Config {
	if c.JobTimeout <= 0 {
		c.JobTimeout = DefaultJobTimeout
	}
	if c.RescueAfter <= c.JobTimeout {
		c.RescueAfter = c.JobTimeout + time.Hour
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.StuckAfter <= 0 {
		c.StuckAfter = DefaultStuckAfter
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Count is how many jobs of one queue are in one state (available, scheduled,
// running, retryable, completed, discarded, cancelled, pending).
type Count struct {
	Queue string `json:"queue"`
	State string `json:"state"`
	Jobs  int64  `json:"count"`
}

// Inserted is the result of an enqueue.
type Inserted struct {
	ID int64
	// Duplicate is true when a unique job was already queued: nothing was added.
	Duplicate bool
}

// ErrStarted is returned when a worker or periodic job is registered after the
// queue started: registrations belong to wiring, before Start.
var ErrStarted = errors.New("jobs: queue already started")

// Queue is the node's job queue. Build it with NewPostgres or NewSQLite, register
// workers and periodic jobs, then Start; Stop before closing the store.
type Queue struct {
	cfg     Config
	workers *river.Workers
	client  client
	state   stateReader
	metrics *metrics

	mu       sync.Mutex
	started  bool
	running  bool
	periodic map[string]bool
}

func newQueue(cfg Config) *Queue {
	return &Queue{cfg: cfg.withDefaults(), workers: river.NewWorkers(), metrics: newMetrics(), periodic: map[string]bool{}}
}

// Register adds the worker for jobs of kind T. Every node registers every worker,
// also nodes without workers: an insert checks that its kind has one.
func Register[T Args](q *Queue, w Worker[T]) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return ErrStarted
	}
	if err := river.AddWorkerSafely(q.workers, w); err != nil {
		return fmt.Errorf("jobs: register worker: %w", err)
	}
	return nil
}

// Every schedules args every interval, first when a node becomes the leader. The
// job is unique per args and interval: however many nodes run and whatever their
// leader changes, one such job is queued or run per interval. One schedule per
// kind. On a node without workers it does nothing: that node never schedules.
func (q *Queue) Every(interval time.Duration, args Args, opts *InsertOpts) error {
	if interval <= 0 {
		return fmt.Errorf("jobs: every %s: interval must be positive", interval)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return ErrStarted
	}
	kind := args.Kind()
	if q.periodic[kind] {
		return fmt.Errorf("jobs: %s is already scheduled", kind)
	}
	q.periodic[kind] = true
	if q.cfg.Workers <= 0 {
		return nil
	}
	o := InsertOpts{}
	if opts != nil {
		o = *opts
	}
	o.UniqueOpts = UniqueOpts{ByArgs: true, ByPeriod: interval}
	q.client.periodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { o := o; return args, &o },
		&river.PeriodicJobOpts{ID: kind, RunOnStart: true}))
	return nil
}

// Enqueue inserts a job on its own. Not inside Transactor.InTx: use EnqueueTx there.
func (q *Queue) Enqueue(ctx context.Context, args Args, opts *InsertOpts) (Inserted, error) {
	res, err := q.client.insert(ctx, args, opts)
	return inserted(args, res, err)
}

// EnqueueTx inserts a job in the store transaction tx: the job exists if and only
// if tx commits, and no worker sees it before then.
func (q *Queue) EnqueueTx(ctx context.Context, tx Tx, args Args, opts *InsertOpts) (Inserted, error) {
	res, err := q.client.insertTx(ctx, tx, args, opts)
	return inserted(args, res, err)
}

func inserted(args Args, res *rivertype.JobInsertResult, err error) (Inserted, error) {
	if err != nil {
		return Inserted{}, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return Inserted{ID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate}, nil
}

// Start starts working jobs, when the node has workers. No registration is
// accepted after it. The queue keeps running until Stop, whatever ctx does.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return ErrStarted
	}
	q.started = true
	if q.cfg.Workers <= 0 {
		q.cfg.Logger.InfoContext(ctx, "job workers are off on this node; it only enqueues")
		return nil
	}
	if err := q.client.start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	q.running = true
	q.cfg.Logger.InfoContext(ctx, "job workers started", "workers", q.cfg.Workers)
	return nil
}

// Running reports whether this node is working jobs.
func (q *Queue) Running() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.running
}

// cancelWait is how long Stop waits, after cancelling the jobs still running at
// the deadline, for them to return so River can put them back for a retry.
const cancelWait = 5 * time.Second

// Stop stops fetching and waits for running jobs until ctx ends; jobs still
// running then are cancelled and River puts them back to be retried. It returns
// an error only when cancelled jobs did not return either: they stay running
// until the leader rescues them after RescueAfter.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	running := q.running
	q.running = false
	q.mu.Unlock()
	if !running {
		return nil
	}
	err := q.client.stop(ctx)
	if err == nil {
		q.cfg.Logger.InfoContext(ctx, "job workers stopped")
		return nil
	}
	q.cfg.Logger.WarnContext(ctx, "jobs still running at the shutdown deadline were cancelled; they will be retried")
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelWait)
	defer cancel()
	if err := q.client.stopAndCancel(cctx); err != nil {
		return fmt.Errorf("stop jobs: cancelled jobs did not return within %s: %w", cancelWait, err)
	}
	return nil
}

// Counts lists the number of jobs per queue and state.
func (q *Queue) Counts(ctx context.Context) ([]Count, error) {
	counts, err := q.state.counts(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return counts, nil
}
