package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// waits is what PostgreSQL's backends serving one database were doing, sampled
// from pg_stat_activity: on CPU, waiting (lock, WAL flush, I/O) or, inside a
// transaction, waiting for Lyo to send the next statement.
type waits struct {
	samples int            // sampling rounds
	counts  map[string]int // backend samples per state, idle backends excluded
}

// sampleWaits polls pg_stat_activity every 10 ms until stop is called. The
// sampler's own connection goes to the admin database, not the one measured.
func sampleWaits(ctx context.Context, adminURL, dbName string) (stop func() waits, err error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("wait sampler: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := waits{counts: map[string]int{}}
	var wg sync.WaitGroup
	wg.Go(func() {
		defer conn.Close(context.WithoutCancel(ctx))
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			rows, err := conn.Query(ctx, `SELECT CASE
					WHEN state = 'idle in transaction' THEN 'in transaction, waiting for lyo'
					WHEN wait_event IS NULL THEN 'on CPU'
					ELSE wait_event_type || ':' || wait_event END
				FROM pg_stat_activity WHERE datname = $1 AND state IN ('active', 'idle in transaction')`, dbName)
			if err != nil {
				return
			}
			states, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return
			}
			w.samples++
			for _, s := range states {
				w.counts[s]++
			}
		}
	})
	return func() waits { cancel(); wg.Wait(); return w }, nil
}

func (w waits) String() string {
	total := 0
	for _, n := range w.counts {
		total += n
	}
	if w.samples == 0 || total == 0 {
		return "no samples"
	}
	keys := slices.SortedFunc(maps.Keys(w.counts), func(a, b string) int { return cmp.Compare(w.counts[b], w.counts[a]) })
	var parts []string
	for _, k := range keys[:min(len(keys), 6)] {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", k, 100*float64(w.counts[k])/float64(total)))
	}
	return fmt.Sprintf("%.2f busy backends on average: %s", float64(total)/float64(w.samples), strings.Join(parts, ", "))
}

// connWaitSeconds reads lyo_db_connection_wait_seconds_total from a node's
// /metrics: time callers spent queued for a database connection (on SQLite,
// for the one writer connection, as the reader pool has a connection per client).
func connWaitSeconds(ctx context.Context, base string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var sum float64
	s := bufio.NewScanner(resp.Body)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		line := s.Text()
		if !strings.HasPrefix(line, "lyo_db_connection_wait_seconds_total") {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("/metrics: %q: %w", line, err)
		}
		sum += v
	}
	io.Copy(io.Discard, resp.Body)
	return sum, s.Err()
}
