package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
)

// client is the part of a River client the Queue uses, the same for both engines:
// River's client is generic over the engine's transaction type, the Queue is not.
type client interface {
	insert(ctx context.Context, args Args, opts *InsertOpts) (*rivertype.JobInsertResult, error)
	insertTx(ctx context.Context, tx Tx, args Args, opts *InsertOpts) (*rivertype.JobInsertResult, error)
	start(ctx context.Context) error
	stop(ctx context.Context) error
	stopAndCancel(ctx context.Context) error
	periodicJobs() *river.PeriodicJobBundle
	jobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

type riverClient[TTx any] struct {
	c      *river.Client[TTx]
	unwrap func(Tx) (TTx, error)
}

func (r riverClient[TTx]) insert(ctx context.Context, args Args, opts *InsertOpts) (*rivertype.JobInsertResult, error) {
	return r.c.Insert(ctx, args, opts)
}

func (r riverClient[TTx]) insertTx(ctx context.Context, tx Tx, args Args, opts *InsertOpts) (*rivertype.JobInsertResult, error) {
	t, err := r.unwrap(tx)
	if err != nil {
		return nil, err
	}
	return r.c.InsertTx(ctx, t, args, opts)
}

func (r riverClient[TTx]) start(ctx context.Context) error         { return r.c.Start(ctx) }
func (r riverClient[TTx]) stop(ctx context.Context) error          { return r.c.Stop(ctx) }
func (r riverClient[TTx]) stopAndCancel(ctx context.Context) error { return r.c.StopAndCancel(ctx) }
func (r riverClient[TTx]) periodicJobs() *river.PeriodicJobBundle  { return r.c.PeriodicJobs() }
func (r riverClient[TTx]) jobList(ctx context.Context, p *river.JobListParams) (*river.JobListResult, error) {
	return r.c.JobList(ctx, p)
}

// NewPostgres builds the queue of a PostgreSQL deployment on the store's pool.
// Workers are woken by LISTEN/NOTIFY, which holds one of the pool's connections
// while the queue runs.
func NewPostgres(pool *pgxpool.Pool, cfg Config) (*Queue, error) {
	q := newQueue(cfg)
	rc, err := river.NewClient(riverpgxv5.New(pool), q.riverConfig(false))
	if err != nil {
		return nil, fmt.Errorf("jobs: postgres client: %w", err)
	}
	q.client = riverClient[pgx.Tx]{c: rc, unwrap: Tx.pgxTx}
	q.state = pgState{pool: pool}
	return q, nil
}

// NewSQLite builds the queue of a single-node deployment. writer must be the
// store's one-connection writer pool, so River's writes queue with the store's
// instead of contending for SQLite's write lock; reader serves the read-only
// queue state for metrics, readiness and the admin route.
//
// SQLite has no notifications: workers poll every PollInterval rather than River's
// SQLite notification outbox, which would poll the writer twenty times a second.
func NewSQLite(writer, reader *sql.DB, cfg Config) (*Queue, error) {
	if writer.Stats().MaxOpenConnections != 1 {
		return nil, fmt.Errorf("jobs: sqlite writer pool allows %d connections; want the store's single writer", writer.Stats().MaxOpenConnections)
	}
	q := newQueue(cfg)
	rc, err := river.NewClient(riversqlite.New(writer), q.riverConfig(true))
	if err != nil {
		return nil, fmt.Errorf("jobs: sqlite client: %w", err)
	}
	q.client = riverClient[*sql.Tx]{c: rc, unwrap: Tx.sqlTx}
	q.state = sqliteState{db: reader}
	return q, nil
}

// riverConfig is the River configuration shared by both engines.
func (q *Queue) riverConfig(pollOnly bool) *river.Config {
	cfg := q.cfg
	rc := &river.Config{
		Workers:              q.workers,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, river.FetchCooldownDefault),
		MaxAttempts:          cfg.MaxAttempts,
		Logger:               cfg.Logger.With("component", "jobs"),
		Middleware:           []rivertype.Middleware{&observer{m: q.metrics}},
		PollOnly:             pollOnly,
		ID:                   cfg.ID,
		TestOnly:             cfg.testOnly,
	}
	if cfg.RetryPolicy != nil {
		rc.RetryPolicy = cfg.RetryPolicy
	}
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	}
	return rc
}

// stateReader reads the queue's state straight from River's table, for the
// metrics, readiness and admin views. It never writes.
type stateReader interface {
	counts(ctx context.Context) ([]Count, error)
	// stuck counts jobs running since before horizon, or available since before
	// it and not picked up.
	stuck(ctx context.Context, horizon time.Time) (int, error)
}

const countsSQL = `SELECT queue, state, count(*) FROM river_job GROUP BY queue, state ORDER BY queue, state`

type pgState struct{ pool *pgxpool.Pool }

func (s pgState) counts(ctx context.Context) ([]Count, error) {
	rows, err := s.pool.Query(ctx, countsSQL)
	if err != nil {
		return nil, fmt.Errorf("job counts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Count, error) {
		var c Count
		err := r.Scan(&c.Queue, &c.State, &c.Jobs)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("job counts: %w", err)
	}
	return out, nil
}

func (s pgState) stuck(ctx context.Context, horizon time.Time) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM river_job
		WHERE (state = 'running' AND attempted_at < $1) OR (state = 'available' AND scheduled_at < $1)`, horizon).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("stuck jobs: %w", err)
	}
	return n, nil
}

type sqliteState struct{ db *sql.DB }

func (s sqliteState) counts(ctx context.Context) ([]Count, error) {
	rows, err := s.db.QueryContext(ctx, countsSQL)
	if err != nil {
		return nil, fmt.Errorf("job counts: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Queue, &c.State, &c.Jobs); err != nil {
			return nil, fmt.Errorf("job counts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("job counts: %w", err)
	}
	return out, nil
}

// sqliteTime is how River's SQLite driver stores times: text that compares in
// time order only in exactly this layout.
const sqliteTime = "2006-01-02 15:04:05.000"

func (s sqliteState) stuck(ctx context.Context, horizon time.Time) (int, error) {
	h := horizon.UTC().Format(sqliteTime)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM river_job
		WHERE (state = 'running' AND attempted_at < ?) OR (state = 'available' AND scheduled_at < ?)`, h, h).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("stuck jobs: %w", err)
	}
	return n, nil
}
