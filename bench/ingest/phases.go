package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/store"
)

// result is one timed phase.
type result struct {
	engine, phase string
	batch         int
	clients       int
	events        int
	elapsed       time.Duration
	latencies     []time.Duration // one per batch, sorted
	cpu           time.Duration   // this process's CPU time (user+system) during the phase
	dbCPU         time.Duration   // PostgreSQL's processes' CPU time during the phase
	connWait      time.Duration   // time callers spent queued for a database connection
	pgWaits       *waits          // what PostgreSQL's backends were doing
}

func (r result) perSecond() float64 { return float64(r.events) / r.elapsed.Seconds() }

func (r result) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	// Nearest rank: the smallest latency with at least q of them at or below it.
	i := int(float64(len(r.latencies))*q+0.999999) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// probe watches a timed phase: start runs just before the first batch, stop
// just after the last, and adds what it saw to the result.
type probe struct {
	start func() error
	stop  func(*result) error
}

// drive runs do(k) for every batch k on clients goroutines taking batches in
// order, and times the whole and each call. Client goroutines carry the pprof
// label side=client.
func drive(ctx context.Context, batches, clients int, profile string, do func(ctx context.Context, k int) error, probes ...probe) (result, error) {
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return result{}, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return result{}, err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lat := make([]time.Duration, batches)
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, p := range probes {
		if err := p.start(); err != nil {
			return result{}, err
		}
	}
	cpu0 := cpuTime()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			pprof.Do(ctx, pprof.Labels("side", "client"), func(ctx context.Context) {
				for {
					k := int(next.Add(1) - 1)
					if k >= batches || ctx.Err() != nil {
						return
					}
					t := time.Now()
					if err := do(ctx, k); err != nil {
						cancel(fmt.Errorf("batch %d: %w", k, err))
						return
					}
					lat[k] = time.Since(t)
				}
			})
		})
	}
	wg.Wait()
	res := result{elapsed: time.Since(start), cpu: cpuTime() - cpu0, latencies: lat}
	for _, p := range probes {
		if err := p.stop(&res); err != nil {
			return result{}, err
		}
	}
	if err := context.Cause(ctx); err != nil {
		return result{}, err
	}
	slices.Sort(lat)
	return res, nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runHTTP posts every batch to the node as its learner, with keep-alive, and
// checks that every event of every batch was accepted.
func runHTTP(ctx context.Context, n *node, p plan, ids phaseIDs, clients int, gzip bool, profile string, probes ...probe) (result, error) {
	bodies, err := p.bodies(ids)
	if err != nil {
		return result{}, err
	}
	tr := &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients, IdleConnTimeout: time.Minute, DisableCompression: !gzip}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	url := n.base + "/api/v1/events"
	accepted := []byte(`"status":"accepted"`)
	var total atomic.Int64
	do := func(ctx context.Context, k int) error {
		req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(bodies[k]))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+ids.learnerTokens[p.learner[k]])
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d: %.500s", resp.StatusCode, body)
		}
		// Exactly one status per event, and no reason or ID can hold this text:
		// counting it checks every result without decoding them all.
		if got := bytes.Count(body, accepted); got != len(p.batches[k]) {
			return fmt.Errorf("%d of %d events accepted: %s", got, len(p.batches[k]), firstNotAccepted(body))
		}
		total.Add(int64(len(p.batches[k])))
		return nil
	}
	var wait0 float64
	connWait := probe{
		start: func() (err error) { wait0, err = connWaitSeconds(ctx, n.base); return err },
		stop: func(r *result) error {
			wait1, err := connWaitSeconds(ctx, n.base)
			r.connWait = time.Duration((wait1 - wait0) * float64(time.Second))
			return err
		},
	}
	res, err := drive(ctx, len(p.batches), clients, profile, do, append(probes, connWait)...)
	if err != nil {
		return result{}, err
	}
	if int(total.Load()) != p.events {
		return result{}, fmt.Errorf("%d events accepted, %d sent", total.Load(), p.events)
	}
	res.phase, res.events = "http", p.events
	return res, nil
}

func firstNotAccepted(body []byte) string {
	var out struct {
		Results []events.Result `json:"results"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return fmt.Sprintf("%.300s", body)
	}
	for _, r := range out.Results {
		if r.Status != "accepted" {
			return fmt.Sprintf("event %s %s: %s", r.ID, r.Status, r.Reason)
		}
	}
	return "?"
}

// runDirect hands the same batches to the store's Ingest with events.Fold, as
// the service does after validation: no HTTP, no JSON, no token check, no item
// lookup (the facts are read once, before timing).
func runDirect(ctx context.Context, db *database, p plan, ids phaseIDs, clients int, profile string, probes ...probe) (result, error) {
	st, err := store.Open(ctx, store.Options{URL: db.url, DataDir: db.dataDir})
	if err != nil {
		return result{}, err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return result{}, err
	}
	items, err := st.ItemsByIDs(ctx, ids.itemIDs)
	if err != nil {
		return result{}, err
	}
	if len(items) != len(ids.itemIDs) {
		return result{}, fmt.Errorf("%d of %d items found", len(items), len(ids.itemIDs))
	}
	facts := make(map[string]events.ItemFacts, len(items))
	for _, it := range items {
		// What the app's catalogue adapter answers for a learner.
		f := events.ItemFacts{ID: it.ID, CreatorID: it.CreatorID, Topics: it.Topics, SeriesID: it.SeriesID, Episode: it.Episode,
			DurationMS: it.DurationMS, Visible: content.Visible(httpx.Caller{UserID: ids.learnerIDs[0], Role: "learner"}, it)}
		if q := it.Quiz; q != nil {
			f.Grade = q.Grade
		}
		facts[it.ID] = f
	}
	batches, err := p.storeEvents(ids, facts)
	if err != nil {
		return result{}, err
	}
	fold := func(prior events.Tallies, fresh []events.Event) events.Deltas {
		return events.Fold(prior, fresh, facts)
	}
	do := func(ctx context.Context, k int) error {
		evs := batches[k]
		now := time.Now().UTC()
		for i := range evs {
			evs[i].ReceivedAt = now
		}
		fresh, err := st.Ingest(ctx, ids.learnerIDs[p.learner[k]], evs, fold)
		if err != nil {
			return err
		}
		for i, isNew := range fresh {
			if !isNew {
				return fmt.Errorf("event %s was not new", evs[i].ClientID)
			}
		}
		return nil
	}
	var wait0 time.Duration
	connWait := probe{
		start: func() error { wait0 = st.PoolStats().WaitDuration; return nil },
		stop:  func(r *result) error { r.connWait = st.PoolStats().WaitDuration - wait0; return nil },
	}
	res, err := drive(ctx, len(p.batches), clients, profile, do, append(probes, connWait)...)
	if err != nil {
		return result{}, err
	}
	res.phase, res.events = "direct", p.events
	return res, nil
}
