package jobs_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/store/sqlite"
)

type tickArgs struct{}

func (tickArgs) Kind() string { return "test.tick" }

type tickWorker struct {
	jobs.WorkerDefaults[tickArgs]
	mu   sync.Mutex
	runs int
}

func (w *tickWorker) Work(ctx context.Context, j *jobs.Job[tickArgs]) error {
	w.mu.Lock()
	w.runs++
	w.mu.Unlock()
	return nil
}

func (w *tickWorker) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runs
}

// Two nodes schedule the same hourly job. The first leader runs it; when it stops
// the other node becomes leader and, as every new leader does, schedules at once:
// uniqueness per period must turn that into a no-op.
func TestPeriodicJobRunsOnceAcrossNodes(t *testing.T) {
	b := postgresBackend(t)
	w := &tickWorker{} // shared: runs on either node count together
	nodes := map[string]*jobs.Queue{}
	for _, id := range []string{"node-a", "node-b"} {
		q := b.newQueue(t, jobs.Config{Workers: 2, ID: id})
		if err := jobs.Register(q, w); err != nil {
			t.Fatal(err)
		}
		if err := q.Every(time.Hour, tickArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		nodes[id] = q
	}
	ctx := context.Background()
	if err := nodes["node-a"].Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "node-a to lead", func() bool {
		return b.queryInt(t, `SELECT count(*) FROM river_leader WHERE leader_id = ?`, "node-a") == 1
	})
	waitFor(t, "the periodic job to complete", func() bool {
		return b.queryInt(t, `SELECT count(*) FROM river_job WHERE kind = ? AND state = 'completed'`, "test.tick") == 1
	})
	start(t, nodes["node-b"])
	stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := nodes["node-a"].Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "node-b to lead", func() bool {
		return b.queryInt(t, `SELECT count(*) FROM river_leader WHERE leader_id = ?`, "node-b") == 1
	})
	// node-b schedules as soon as it leads; a job it would add is seen within the
	// fetch poll. Give it a few polls, then count.
	time.Sleep(3 * time.Second)
	if n := b.queryInt(t, `SELECT count(*) FROM river_job WHERE kind = ?`, "test.tick"); n != 1 {
		t.Errorf("%d periodic jobs stored; want 1 for the hour", n)
	}
	if n := w.count(); n != 1 {
		t.Errorf("periodic job ran %d times; want 1", n)
	}
}

func TestUniqueEnqueueAcrossNodes(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		opts := &jobs.InsertOpts{UniqueOpts: jobs.UniqueOpts{ByArgs: true, ByPeriod: time.Hour}}
		var results []jobs.Inserted
		for range 2 {
			q := b.newQueue(t, jobs.Config{})
			if err := jobs.Register(q, &tickWorker{}); err != nil {
				t.Fatal(err)
			}
			res, err := q.Enqueue(ctx, tickArgs{}, opts)
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, res)
		}
		if results[0].Duplicate || !results[1].Duplicate || results[0].ID != results[1].ID {
			t.Errorf("inserts = %+v; want the second to be a duplicate of the first", results)
		}
	})
}

type blockArgs struct{}

func (blockArgs) Kind() string { return "test.block" }

// blockWorker holds its job until released, or until its context ends.
type blockWorker struct {
	jobs.WorkerDefaults[blockArgs]
	started chan struct{}
	release chan struct{}
}

func (w *blockWorker) Work(ctx context.Context, j *jobs.Job[blockArgs]) error {
	w.started <- struct{}{}
	select {
	case <-w.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestStopWaitsForRunningJobs(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		q := b.newQueue(t, jobs.Config{Workers: 1})
		w := &blockWorker{started: make(chan struct{}, 1), release: make(chan struct{})}
		if err := jobs.Register(q, w); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := q.Enqueue(ctx, blockArgs{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		<-w.started
		stopped := make(chan error, 1)
		go func() {
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			stopped <- q.Stop(sctx)
		}()
		select {
		case err := <-stopped:
			t.Fatalf("Stop returned (%v) while a job was running", err)
		case <-time.After(300 * time.Millisecond):
		}
		close(w.release)
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		if s := b.jobState(t, res.ID); s != "completed" {
			t.Errorf("job is %s after a graceful stop; want completed", s)
		}
		if q.Running() {
			t.Error("queue still running after Stop")
		}
	})
}

// A job still running when the shutdown grace ends is cancelled and put back;
// the next node to start works it. Nothing is lost.
func TestStopPastTheGraceRetriesTheJobLater(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		q := b.newQueue(t, jobs.Config{Workers: 1, RetryPolicy: shortBackoff{}})
		w := &blockWorker{started: make(chan struct{}, 2), release: make(chan struct{})}
		if err := jobs.Register(q, w); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := q.Enqueue(ctx, blockArgs{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		<-w.started
		sctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if err := q.Stop(sctx); err != nil {
			t.Fatalf("Stop = %v; want the job cancelled and released", err)
		}
		if s := b.jobState(t, res.ID); s != "retryable" && s != "available" {
			t.Fatalf("interrupted job is %s; want it waiting for a retry", s)
		}

		// The next start (another node, or this one restarted) finishes it.
		q2 := b.newQueue(t, jobs.Config{Workers: 1, RetryPolicy: shortBackoff{}})
		if err := jobs.Register(q2, w); err != nil {
			t.Fatal(err)
		}
		close(w.release)
		start(t, q2)
		waitFor(t, "the interrupted job to complete", func() bool { return b.jobState(t, res.ID) == "completed" })
		select {
		case <-w.started: // the second run; River does not count the interrupted one as a failed attempt
		default:
			t.Error("the interrupted job completed without running again")
		}
	})
}

type writeArgs struct {
	N int `json:"n"`
}

func (writeArgs) Kind() string { return "test.write" }

// writeWorker writes a row through the store's writer pool, as a domain job does.
type writeWorker struct {
	jobs.WorkerDefaults[writeArgs]
	db *sqlite.DB
}

func (w *writeWorker) Work(ctx context.Context, j *jobs.Job[writeArgs]) error {
	_, err := w.db.Writer().ExecContext(ctx, `INSERT INTO test_rows (id) VALUES (?)`, "job-"+itoa(j.Args.N))
	return err
}

// While jobs run and write on SQLite, the API's writes in the same process and a
// second process's writes on the same file (a CLI command beside the server) all
// succeed: River queues on the store's writer instead of starving it.
func TestSQLiteWritesBesideRunningJobs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lyo.db")
	db, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().ExecContext(ctx, `CREATE TABLE test_rows (id TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.NewSQLite(db.Writer(), db.Reader(), jobs.ForTests(jobs.Config{Workers: 4, PollInterval: 50 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Register(q, &writeWorker{db: db}); err != nil {
		t.Fatal(err)
	}
	start(t, q)

	other, err := sqlite.Open(ctx, path, nil) // another process's pools on the same file
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	const jobsN, writes = 200, 50
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var g errgroup.Group
	g.Go(func() error {
		for i := range jobsN {
			if _, err := q.Enqueue(wctx, writeArgs{N: i}, nil); err != nil {
				return err
			}
		}
		return nil
	})
	for _, w := range []struct {
		name string
		db   *sqlite.DB
	}{{"api", db}, {"cli", other}} {
		for g2 := range 2 {
			g.Go(func() error {
				for i := range writes {
					key := w.name + "-" + itoa(g2) + "-" + itoa(i)
					if _, err := w.db.PutSettingIfAbsent(wctx, key, []byte("v")); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("a write beside running jobs failed: %v", err)
	}
	var n int
	waitFor(t, "every job to write its row", func() bool {
		if err := db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM test_rows`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == jobsN
	})
	var settings int
	if err := db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key LIKE 'api-%' OR key LIKE 'cli-%'`).Scan(&settings); err != nil {
		t.Fatal(err)
	}
	if settings != 4*writes {
		t.Errorf("%d settings written; want %d", settings, 4*writes)
	}
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}
