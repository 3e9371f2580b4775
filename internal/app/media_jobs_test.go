package app

import (
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media"
)

// TestProcessingSurvivesACrashAndRunsAgainHarmlessly: a run left in
// processing by a worker that died is finished by the retried job; a job that
// runs again after the run is done, or a job of an older run, changes nothing.
func TestProcessingSurvivesACrashAndRunsAgainHarmlessly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		s := newTestServer(t, testEnv(t, dbURL, map[string]string{"LYO_JOBS_POLL_INTERVAL": "50ms"}))
		c := newClient(t, s, loadSpec(t))
		ada := c.as(c.register("ada@example.com", "correct horse battery staple").AccessToken)
		var m mediaView
		want(t, ada.upload("/api/v1/storage/upload", photoPart("a.jpg", jpegOf(1200, 900))), 201, &m)
		ctx := t.Context()
		// A worker took the job and died half-way: the record says processing.
		if err := s.db.SetProcessing(ctx, m.ID, 1, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.jobs.Start(ctx); err != nil {
			t.Fatal(err)
		}
		done := waitProcessed(t, ada, m.ID)
		checkVariants(t, done)
		files := storedFiles(t, s)

		for _, args := range []media.ProcessArgs{{MediaID: m.ID, Run: 1}, {MediaID: m.ID, Run: 0}} {
			ins, err := s.jobs.Enqueue(ctx, args, &jobs.InsertOpts{MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the extra job to finish", func() bool { return jobFinalized(t, s, ins.ID) })
		}
		var again mediaView
		want(t, ada.do("GET", "/api/v1/media/"+m.ID, nil), 200, &again)
		if again.Status != "ready" || len(again.Variants) != len(done.Variants) || pathOf(again.Variants[0].URL) != pathOf(done.Variants[0].URL) {
			t.Errorf("after the job ran again: %+v", again)
		}
		if after := storedFiles(t, s); !slices.Equal(after, files) {
			t.Errorf("stored files changed: %v, were %v", after, files)
		}
	})
}

// jobFinalized reads River's own table: whether the job has finished.
func jobFinalized(t *testing.T, s *server, id int64) bool {
	t.Helper()
	var done bool
	var err error
	switch db := s.db.(type) {
	case interface{ Pool() *pgxpool.Pool }:
		err = db.Pool().QueryRow(t.Context(), `SELECT finalized_at IS NOT NULL FROM river_job WHERE id = $1`, id).Scan(&done)
	case interface{ Reader() *sql.DB }:
		err = db.Reader().QueryRowContext(t.Context(), `SELECT finalized_at IS NOT NULL FROM river_job WHERE id = ?`, id).Scan(&done)
	}
	if err != nil {
		t.Fatal(err)
	}
	return done
}

// pathOf is a URL without its query (a signed URL's signature changes with time).
func pathOf(u string) string { p, _, _ := strings.Cut(u, "?"); return p }
