package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/jobs"
)

// waitFor polls cond until it holds. The limit only keeps a broken test from
// hanging; it is no claim about speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// signIn stores a sign-in whose one refresh token expires at expires.
func signIn(t *testing.T, s *server, userID, name string, expires time.Time) []byte {
	t.Helper()
	hash := sha256.Sum256([]byte(name))
	now := time.Now()
	f := auth.Family{ID: "fam-" + name, UserID: userID, CreatedAt: now.Add(-time.Hour), LastUsedAt: now.Add(-time.Hour)}
	tok := auth.RefreshToken{ID: "tok-" + name, Hash: hash[:], CreatedAt: now.Add(-time.Hour), ExpiresAt: expires}
	if err := s.db.CreateFamily(t.Context(), f, tok); err != nil {
		t.Fatal(err)
	}
	return hash[:]
}

// A node serving on SQLite works its periodic job (the refresh-token sweep) while
// command-line writes land on the same file, then stops cleanly.
func TestServeWorksJobsBesideTheCLI(t *testing.T) {
	getenv := testEnv(t, "", map[string]string{"LYO_JOBS_POLL_INTERVAL": "50ms"})
	cfg, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServerFromConfig(t, cfg, io.Discard)
	ctx := t.Context()
	u, err := s.auth.CreateUser(ctx, "old@example.com", "a long password", "", access.Learner)
	if err != nil {
		t.Fatal(err)
	}
	expired := signIn(t, s, u.ID, "expired", time.Now().Add(-time.Minute))
	live := signIn(t, s, u.ID, "live", time.Now().Add(time.Hour))

	sctx, stop := context.WithCancel(context.Background())
	defer stop()
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- s.serve(sctx, func(api, _ string) { addrc <- api }) }()
	base := "http://" + <-addrc

	for i := range 5 {
		out, err := runCLIStdin(t, getenv, "a long password\n", "user", "create", "--email", fmt.Sprintf("cli%d@example.com", i), "--password-stdin")
		if err != nil {
			t.Fatalf("lyo user create beside a running server: %v\n%s", err, out)
		}
	}
	if out, err := runCLI(t, getenv, "migrate", "up"); err != nil {
		t.Fatalf("lyo migrate up beside a running server: %v\n%s", err, out)
	}

	waitFor(t, "the sweep to delete the expired token", func() bool {
		_, _, err := s.db.RefreshTokenByHash(ctx, expired)
		return errors.Is(err, auth.ErrNotFound)
	})
	if _, _, err := s.db.RefreshTokenByHash(ctx, live); err != nil {
		t.Errorf("the sweep took a live token: %v", err)
	}
	// Other periodic jobs (the feed's) complete beside the sweep: count the sweep's own.
	waitFor(t, "the sweep to be recorded as completed", func() bool {
		return strings.Contains(get(t, base+"/metrics"), `lyo_jobs_attempts_total{kind="auth.sweep_refresh_tokens",outcome="ok"} 1`)
	})
	metrics := get(t, base+"/metrics")
	for _, line := range []string{
		`lyo_jobs_attempts_total{kind="auth.sweep_refresh_tokens",outcome="ok"} 1`,
		`lyo_jobs_state_up 1`,
	} {
		if !strings.Contains(metrics, line) {
			t.Errorf("/metrics lacks %s", line)
		}
	}
	if ready := get(t, base+"/readyz"); !strings.Contains(ready, `"name":"jobs","status":"ok"`) {
		t.Errorf("readiness does not report the queue healthy: %s", ready)
	}

	stop()
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if s.jobs.Running() {
		t.Error("workers still running after shutdown")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A node with LYO_JOBS_WORKERS=0 serves and enqueues but never works a job.
func TestAPIOnlyNodeWorksNoJobs(t *testing.T) {
	s := newTestServer(t, testEnv(t, "", map[string]string{"LYO_JOBS_WORKERS": "0"}))
	sctx, stop := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- s.serve(sctx, func(api, _ string) { addrc <- api }) }()
	base := "http://" + <-addrc
	if _, err := s.jobs.Enqueue(t.Context(), auth.SweepTokensArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	if s.jobs.Running() {
		t.Error("workers run on a node configured without them")
	}
	if ready := get(t, base+"/readyz"); !strings.Contains(ready, `"name":"jobs","status":"ok"`) {
		t.Errorf("an API-only node reports its queue unhealthy: %s", ready)
	}
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	counts, err := s.jobs.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0].State != "available" || counts[0].Jobs != 1 {
		t.Errorf("counts = %+v; want the one job still available", counts)
	}
}

type brokenArgs struct{}

func (brokenArgs) Kind() string { return "test.broken" }

type brokenWorker struct {
	jobs.WorkerDefaults[brokenArgs]
}

func (brokenWorker) Work(context.Context, *jobs.Job[brokenArgs]) error {
	return errors.New("cannot reach \x1b[2Jthe thing")
}

type jobsPage struct {
	Node struct {
		Workers int  `json:"workers"`
		Running bool `json:"running"`
	} `json:"node"`
	Counts []jobs.Count `json:"counts"`
	Items  []struct {
		ID    int64  `json:"id"`
		Kind  string `json:"kind"`
		State string `json:"state"`
		Error string `json:"error"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func TestAdminJobs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := newTestServer(t, testEnv(t, dbURL, map[string]string{"LYO_JOBS_POLL_INTERVAL": "50ms"}))
		if err := jobs.Register(s.jobs, brokenWorker{}); err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		if err := s.jobs.Start(ctx); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := s.jobs.Enqueue(ctx, brokenArgs{}, &jobs.InsertOpts{MaxAttempts: 1}); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, "the broken jobs to be discarded", func() bool {
			counts, err := s.jobs.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range counts {
				if c.State == "discarded" && c.Jobs == 3 {
					return true
				}
			}
			return false
		})

		c := newClient(t, s, loadSpec(t))
		admin := c.as(c.createUser("root@example.com", "admin password", "admin").AccessToken)
		learner := c.as(c.register("learner@example.com", "learner password").AccessToken)
		var p problem
		want(t, c.do("GET", "/api/v1/admin/jobs", nil), 401, &p)
		want(t, learner.do("GET", "/api/v1/admin/jobs", nil), 403, &p)
		want(t, admin.do("GET", "/api/v1/admin/jobs?limit=0", nil), 400, &p)
		want(t, admin.do("GET", "/api/v1/admin/jobs?cursor=forged", nil), 400, &p)
		if p.Code != "invalid_cursor" {
			t.Errorf("forged cursor: code %q", p.Code)
		}

		var seen []int64
		var page jobsPage
		want(t, admin.do("GET", "/api/v1/admin/jobs?limit=2", nil), 200, &page)
		if !page.Node.Running || page.Node.Workers != 4 {
			t.Errorf("node = %+v; want 4 workers running", page.Node)
		}
		var discarded int64
		for _, n := range page.Counts {
			if n.State == "discarded" {
				discarded = n.Jobs
			}
		}
		if discarded != 3 {
			t.Errorf("counts = %+v; want 3 discarded", page.Counts)
		}
		for {
			for _, it := range page.Items {
				seen = append(seen, it.ID)
				if it.Kind != "test.broken" || it.State != "discarded" || it.Error != "cannot reach  [2Jthe thing" {
					t.Errorf("failure = %+v", it)
				}
			}
			if page.NextCursor == "" {
				break
			}
			if len(seen) > 3 {
				t.Fatal("pagination does not end")
			}
			next := page.NextCursor
			page = jobsPage{}
			want(t, admin.do("GET", "/api/v1/admin/jobs?limit=2&cursor="+next, nil), 200, &page)
		}
		if len(seen) != 3 || seen[0] < seen[1] || seen[1] < seen[2] {
			t.Errorf("failures by id = %v; want 3, newest first", seen)
		}
	})
}
