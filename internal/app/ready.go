package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/lyolearn/lyo/internal/obs"
)

// readyTTL is how long a readiness report is reused. Probes come every few
// seconds; anything more often is answered from memory, so /readyz cannot be
// used to hammer the database.
const readyTTL = time.Second

func (s *server) addChecks() {
	s.health.Add(obs.Check{Name: "database", Run: s.db.Ping})
	if dir := s.writableDir(); dir != "" {
		s.health.Add(obs.Check{Name: "data_dir", Run: func(context.Context) error { return writeProbe(dir) }})
	}
	if s.redis != nil {
		// Optional: without Redis every request is still served, with rate
		// limits per node; a load balancer must not drop the node for it. The
		// state is the limiter's probe's, so this costs no round trip.
		s.health.Add(obs.Check{Name: "redis", Optional: true, Run: func(context.Context) error {
			if s.limits.Healthy() != nil {
				return obs.Reason("redis does not answer; rate limits are kept per node until it does")
			}
			return nil
		}})
	}
	for _, c := range s.storage.checks() {
		s.health.Add(c)
	}
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		s.health.Add(obs.Check{Name: tool, Optional: true, Run: func(context.Context) error {
			if _, err := exec.LookPath(tool); err != nil {
				return obs.Reason(tool + " is not installed; video processing is unavailable")
			}
			return nil
		}})
	}
}

// writableDir is the directory this node must be able to write for its
// database: the SQLite file's. PostgreSQL nodes keep nothing on local disk.
func (s *server) writableDir() string {
	if s.db.Engine() != "sqlite" {
		return ""
	}
	if s.cfg.DatabaseURL == "" {
		return s.cfg.DataDir
	}
	if p, ok := s.db.(interface{ Path() string }); ok {
		return filepath.Dir(p.Path())
	}
	return ""
}

// writeProbe writes and removes a small file in dir: a full disk, a read-only
// mount or a directory gone all fail it, where a database ping still succeeds.
func writeProbe(dir string) error {
	f, err := os.CreateTemp(dir, ".lyo-write-probe-*")
	if err != nil {
		return obs.Reason("the data directory cannot be written: " + errorKind(err))
	}
	_, werr := f.Write(make([]byte, 4096))
	serr := f.Sync()
	cerr := f.Close()
	rerr := os.Remove(f.Name())
	if err := errors.Join(werr, serr, cerr); err != nil {
		return obs.Reason("the data directory cannot be written: " + errorKind(err))
	}
	if rerr != nil {
		return fmt.Errorf("remove write probe: %w", rerr)
	}
	return nil
}

// errorKind names a file-system failure without its path, safe for /readyz.
func errorKind(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return "see the server log"
}
