package obs

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Check probes one dependency. Its error is logged, never shown to clients.
type Check struct {
	Name string
	// Optional checks report their state but do not make the node unready
	// (ffmpeg missing degrades media processing; it does not stop the API).
	Optional bool
	Run      func(ctx context.Context) error
}

// Reason is a check error whose text is safe to show to anyone (a missing tool,
// not a connection string).
type Reason string

func (r Reason) Error() string { return string(r) }

// Health answers liveness and readiness.
type Health struct {
	checks   []Check
	timeout  time.Duration
	draining atomic.Bool
	logError func(ctx context.Context, check string, err error)
}

// NewHealth makes a Health whose checks each get timeout to answer.
func NewHealth(timeout time.Duration, logError func(ctx context.Context, check string, err error)) *Health {
	return &Health{timeout: timeout, logError: logError}
}

// Add registers a readiness check.
func (h *Health) Add(c Check) { h.checks = append(h.checks, c) }

// Drain makes readiness false from now on, so load balancers stop sending traffic.
func (h *Health) Drain() { h.draining.Store(true) }

// CheckResult is one line of the readiness report.
type CheckResult struct {
	Name      string  `json:"name"`
	Status    string  `json:"status"` // ok | failing | skipped
	Optional  bool    `json:"optional,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
	Message   string  `json:"message,omitempty"`
}

// Report is the readiness answer.
type Report struct {
	Status string        `json:"status"` // ready | unready | draining
	Checks []CheckResult `json:"checks"`
}

// Ready runs every check at once and reports.
func (h *Health) Ready(ctx context.Context) Report {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	results := make([]CheckResult, len(h.checks))
	var wg sync.WaitGroup
	for i, c := range h.checks {
		wg.Go(func() {
			start := time.Now()
			err := c.Run(ctx)
			res := CheckResult{Name: c.Name, Status: "ok", Optional: c.Optional,
				LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
			if err != nil {
				res.Status, res.Message = "failing", "check failed; see the server log"
				var reason Reason
				switch {
				case errors.As(err, &reason):
					res.Message = string(reason)
				case ctx.Err() != nil:
					res.Message = "no answer within " + h.timeout.String()
				}
				if h.logError != nil {
					h.logError(ctx, c.Name, err)
				}
			}
			results[i] = res
		})
	}
	wg.Wait()
	rep := Report{Status: "ready", Checks: results}
	for _, r := range results {
		if r.Status == "failing" && !r.Optional {
			rep.Status = "unready"
		}
	}
	if h.draining.Load() {
		rep.Status = "draining"
	}
	return rep
}

// LiveHandler answers 200 whenever the process can answer at all.
func (h *Health) LiveHandler(w http.ResponseWriter, r *http.Request) error {
	hdr := w.Header()
	hdr["Content-Type"], hdr["Cache-Control"] = jsonType, noStore
	_, err := w.Write(alive)
	return err
}

// Shared by every liveness answer (full slices: appending copies them).
var (
	jsonType = []string{"application/json"}
	noStore  = []string{"no-store"}
	alive    = []byte(`{"status":"ok"}` + "\n")
)

// ReadyHandler answers 200 when ready, 503 otherwise, with the per-check report.
func (h *Health) ReadyHandler(w http.ResponseWriter, r *http.Request) error {
	rep := h.Ready(r.Context())
	status := http.StatusOK
	if rep.Status != "ready" {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(rep)
}
