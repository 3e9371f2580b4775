package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/jobs"
)

type noteArgs struct {
	Name string `json:"name"`
}

func (noteArgs) Kind() string { return "test.note" }

// noteWorker counts the runs of each note.
type noteWorker struct {
	jobs.WorkerDefaults[noteArgs]
	mu   sync.Mutex
	runs map[string]int
}

func newNoteWorker() *noteWorker { return &noteWorker{runs: map[string]int{}} }

func (w *noteWorker) Work(ctx context.Context, j *jobs.Job[noteArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs[j.Args.Name]++
	return nil
}

func (w *noteWorker) count(name string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runs[name]
}

func (w *noteWorker) snapshot() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]int{}
	for k, v := range w.runs {
		out[k] = v
	}
	return out
}

func TestEnqueueTxCommitsWithTheRows(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		q := b.newQueue(t, jobs.Config{Workers: 1})
		w := newNoteWorker()
		if err := jobs.Register(q, w); err != nil {
			t.Fatal(err)
		}

		// A raw transaction that rolls back, and one that commits.
		for _, c := range []struct {
			name   string
			commit bool
		}{{"rolled-back", false}, {"committed", true}} {
			tx, exec, end := b.begin(t)
			exec(`INSERT INTO test_rows (id) VALUES (?)`, c.name)
			if _, err := q.EnqueueTx(ctx, tx, noteArgs{c.name}, nil); err != nil {
				t.Fatal(err)
			}
			end(c.commit)
		}
		// The store's seam: fn failing rolls back, fn succeeding commits.
		boom := errors.New("boom")
		err := b.store.InTx(ctx, func(ctx context.Context, tx jobs.Tx) error {
			if _, err := q.EnqueueTx(ctx, tx, noteArgs{"intx-failed"}, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v; want the function's error", err)
		}
		var kept int64
		err = b.store.InTx(ctx, func(ctx context.Context, tx jobs.Tx) error {
			res, err := q.EnqueueTx(ctx, tx, noteArgs{"intx-kept"}, nil)
			kept = res.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		start(t, q)
		// One worker takes jobs in insertion order: once the last one ran, every
		// job that existed before it has had its turn.
		last, err := q.Enqueue(ctx, noteArgs{"last"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the last job to complete", func() bool { return b.jobState(t, last.ID) == "completed" })

		want := map[string]int{"committed": 1, "intx-kept": 1, "last": 1}
		got := w.snapshot()
		if len(got) != len(want) {
			t.Errorf("runs = %v; want %v", got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("runs[%q] = %d; want %d (all: %v)", k, got[k], n, got)
			}
		}
		if n := b.queryInt(t, `SELECT count(*) FROM test_rows WHERE id = ?`, "rolled-back"); n != 0 {
			t.Errorf("row of the rolled-back transaction exists")
		}
		if n := b.queryInt(t, `SELECT count(*) FROM river_job`); n != 3 {
			t.Errorf("river_job holds %d jobs; want the 3 committed ones", n)
		}
		if s := b.jobState(t, kept); s != "completed" {
			t.Errorf("job enqueued through InTx is %s; want completed", s)
		}
		if n := b.queryInt(t, `SELECT attempt FROM river_job WHERE id = ?`, kept); n != 1 {
			t.Errorf("job took %d attempts; want 1", n)
		}
	})
}

func TestEnqueueTxRefusesTheOtherEnginesTx(t *testing.T) {
	b := sqliteBackend(t)
	q := b.newQueue(t, jobs.Config{})
	if err := jobs.Register(q, newNoteWorker()); err != nil {
		t.Fatal(err)
	}
	if _, err := q.EnqueueTx(context.Background(), jobs.PgxTx(nil), noteArgs{"x"}, nil); !errors.Is(err, jobs.ErrWrongTx) {
		t.Fatalf("EnqueueTx with a foreign transaction = %v; want ErrWrongTx", err)
	}
}

type failArgs struct{}

func (failArgs) Kind() string { return "test.fail" }

// failWorker always fails, with an error text that must not reach an admin raw,
// and records when each attempt started.
type failWorker struct {
	jobs.WorkerDefaults[failArgs]
	mu       sync.Mutex
	attempts []time.Time
}

func (w *failWorker) Work(ctx context.Context, j *jobs.Job[failArgs]) error {
	w.mu.Lock()
	w.attempts = append(w.attempts, *j.AttemptedAt)
	w.mu.Unlock()
	return errors.New("upstream said \x1b[31mno\x1b[0m\nagain " + strings.Repeat("é", 400))
}

func TestFailingJobRetriesWithBackoffThenIsDiscarded(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		q := b.newQueue(t, jobs.Config{Workers: 2, RetryPolicy: shortBackoff{}})
		w := &failWorker{}
		if err := jobs.Register(q, w); err != nil {
			t.Fatal(err)
		}
		start(t, q)
		res, err := q.Enqueue(ctx, failArgs{}, &jobs.InsertOpts{MaxAttempts: 3})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the job to be discarded", func() bool { return b.jobState(t, res.ID) == "discarded" })

		w.mu.Lock()
		attempts := append([]time.Time(nil), w.attempts...)
		w.mu.Unlock()
		if len(attempts) != 3 {
			t.Fatalf("worked %d times; want 3 (max attempts)", len(attempts))
		}
		for i := 1; i < len(attempts); i++ {
			// A lower bound only: a retry never comes before its backoff.
			if gap := attempts[i].Sub(attempts[i-1]); gap < backoff(i) {
				t.Errorf("attempt %d came %s after the previous one; backoff is %s", i+1, gap, backoff(i))
			}
		}

		fails, next, err := q.Failures(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(fails) != 1 || next != 0 {
			t.Fatalf("Failures = %+v, next %d; want the one job", fails, next)
		}
		f := fails[0]
		if f.ID != res.ID || f.Kind != "test.fail" || f.State != "discarded" || f.Attempt != 3 || f.MaxAttempts != 3 || f.NextAttemptAt != nil {
			t.Errorf("failure = %+v", f)
		}
		if !strings.HasPrefix(f.Error, "upstream said  [31mno [0m again é") || len(f.Error) > jobs.MaxErrorLen || !strings.HasSuffix(f.Error, "…") {
			t.Errorf("error text = %q (%d bytes); want control characters blanked and cut to %d bytes", f.Error, len(f.Error), jobs.MaxErrorLen)
		}
		if f.FailedAt.IsZero() {
			t.Error("failure has no time")
		}
	})
}

func TestFailuresPageNewestFirst(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		q := b.newQueue(t, jobs.Config{Workers: 2, RetryPolicy: shortBackoff{}})
		if err := jobs.Register(q, &failWorker{}); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Register(q, newNoteWorker()); err != nil {
			t.Fatal(err)
		}
		start(t, q)
		var ids []int64
		for range 5 {
			res, err := q.Enqueue(ctx, failArgs{}, &jobs.InsertOpts{MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.ID)
		}
		ok, err := q.Enqueue(ctx, noteArgs{"fine"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "all jobs to finish", func() bool {
			return b.queryInt(t, `SELECT count(*) FROM river_job WHERE state IN ('discarded', 'completed')`) == 6
		})
		var got []int64
		var before int64
		for page := 0; ; page++ {
			fails, next, err := q.Failures(ctx, before, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fails {
				got = append(got, f.ID)
			}
			if next == 0 {
				break
			}
			if page > 5 {
				t.Fatal("pagination does not end")
			}
			before = next
		}
		want := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
		if len(got) != len(want) {
			t.Fatalf("failures = %v; want %v (the completed job %d is no failure)", got, want, ok.ID)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("failures = %v; want %v", got, want)
			}
		}
		counts, err := q.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byState := map[string]int64{}
		for _, c := range counts {
			if c.Queue != "default" {
				t.Errorf("count for queue %q", c.Queue)
			}
			byState[c.State] = c.Jobs
		}
		if byState["discarded"] != 5 || byState["completed"] != 1 {
			t.Errorf("counts = %+v; want 5 discarded, 1 completed", counts)
		}
	})
}
