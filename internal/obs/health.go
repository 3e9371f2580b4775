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
//
// Readiness is asked often, by every load balancer and orchestrator, and by
// anyone on the internet, so the checks do not run per request: one run at a
// time refreshes a cached report at most once per TTL, and every caller in
// between is answered from memory. Draining is not cached: it shows at once.
type Health struct {
	checks   []Check
	timeout  time.Duration
	ttl      time.Duration
	draining atomic.Bool
	logError func(ctx context.Context, check string, err error)
	now      func() time.Time

	mu       sync.Mutex
	results  []CheckResult // the last run's
	ranAt    time.Time
	inflight chan struct{} // closed when the running refresh ends
}

// NewHealth makes a Health whose checks each get timeout to answer, and whose
// report is reused for ttl.
func NewHealth(timeout, ttl time.Duration, logError func(ctx context.Context, check string, err error)) *Health {
	return &Health{timeout: timeout, ttl: ttl, logError: logError, now: time.Now}
}

// Add registers a readiness check.
func (h *Health) Add(c Check) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checks = append(h.checks, c)
	h.results = nil // the next report includes it
}

// Drain makes readiness false from now on, so load balancers stop sending traffic.
func (h *Health) Drain() { h.draining.Store(true) }

// CheckResult is one line of the readiness report.
type CheckResult struct {
	Name      string  `json:"name"`
	Status    string  `json:"status"` // ok | failing
	Optional  bool    `json:"optional,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
	Message   string  `json:"message,omitempty"`
}

// Report is the readiness answer.
type Report struct {
	// ready: all checks pass; degraded: an optional one fails, the node serves
	// with less (still ready); unready: a required one fails; draining: the
	// node is shutting down.
	Status string        `json:"status"`
	Checks []CheckResult `json:"checks"`
	// CheckedAt is when the checks last ran; answers in between reuse them.
	CheckedAt time.Time `json:"checked_at"`
}

// Ready reports readiness from checks at most TTL old, running them when older.
func (h *Health) Ready(ctx context.Context) Report {
	if h.draining.Load() {
		// At once, whatever the checks would say.
		h.mu.Lock()
		rep := Report{Status: "draining", Checks: h.results, CheckedAt: h.ranAt}
		h.mu.Unlock()
		if rep.Checks == nil {
			rep.Checks = []CheckResult{}
		}
		return rep
	}
	results, at := h.fresh(ctx)
	rep := Report{Status: "ready", Checks: results, CheckedAt: at}
	for _, r := range results {
		switch {
		case r.Status != "failing":
		case !r.Optional:
			rep.Status = "unready"
		case rep.Status == "ready":
			rep.Status = "degraded"
		}
	}
	if h.draining.Load() {
		rep.Status = "draining"
	}
	return rep
}

// fresh returns results at most TTL old: the cached ones, those of a run
// already under way, or those of a run it starts.
func (h *Health) fresh(ctx context.Context) ([]CheckResult, time.Time) {
	for {
		h.mu.Lock()
		if h.results != nil && h.now().Sub(h.ranAt) < h.ttl {
			results, at := h.results, h.ranAt
			h.mu.Unlock()
			return results, at
		}
		if wait := h.inflight; wait != nil {
			h.mu.Unlock()
			<-wait // bounded: every check has h.timeout
			continue
		}
		done := make(chan struct{})
		h.inflight = done
		checks := h.checks
		h.mu.Unlock()

		// The run serves every waiting caller: one caller going away must not
		// cut it short for the others.
		results := h.run(context.WithoutCancel(ctx), checks)
		at := h.now()
		h.mu.Lock()
		h.results, h.ranAt, h.inflight = results, at, nil
		h.mu.Unlock()
		close(done)
		return results, at
	}
}

// run runs every check at once.
func (h *Health) run(ctx context.Context, checks []Check) []CheckResult {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	results := make([]CheckResult, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
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
	return results
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

// ReadyHandler answers 200 when ready or degraded (the node serves, with less),
// 503 when unready or draining, with the per-check report.
func (h *Health) ReadyHandler(w http.ResponseWriter, r *http.Request) error {
	rep := h.Ready(r.Context())
	status := http.StatusOK
	if rep.Status != "ready" && rep.Status != "degraded" {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(rep)
}
