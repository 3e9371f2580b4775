// Command feed loads GET /api/v1/feed of running `lyo serve` nodes with vegeta
// and measures how soon an event changes the learner's next page. bench/feed.sh
// seeds the data, starts the nodes and calls it; it can also be pointed at any
// node whose learners share one password (`lyo seed --synthetic`).
//
// Mode load signs in -learners learners, asks each for one first page (the cold
// pass: the node loads the learner from the database), then, per concurrency
// level, keeps exactly that many requests in flight for -duration, cycling
// through the learners. Every request starts a new feed session (no cursor),
// so each one ranks the learner's whole candidate set. It prints p50, p99 and
// requests/s of each run, the node's CPU time per request and resident memory
// (from /proc, given -pid), and the load generator's own CPU time per request.
//
// Mode lag measures the time from an event's 2xx to its effect on the
// learner's next page: a learner's first item is hidden or skipped on node
// -url, and the learner's feed is asked again on -read (the same node by
// default) until the item is gone.
//
// Exit status: 0 every judged target met, 3 a target missed, anything else an
// error.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type config struct {
	mode      string
	url       string
	read      string
	pids      []int
	learners  int
	total     int
	password  string
	conc      []int
	duration  time.Duration
	limit     int
	trials    int
	p99Target time.Duration
	rpsTarget float64
	rssTarget float64 // MiB
	lagTarget time.Duration
	label     string
}

var errMissed = errors.New("a target was missed")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errMissed):
		os.Exit(3)
	case err != nil:
		fmt.Fprintln(os.Stderr, "feed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	var pids, conc string
	fs := flag.NewFlagSet("feed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.mode, "mode", "load", "load or lag")
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the node that is loaded, and that receives the events of -mode lag")
	fs.StringVar(&c.read, "read", "", "-mode lag: the node the feed is read from after each event (default: -url)")
	fs.StringVar(&pids, "pid", "", "process ids of the nodes, comma-separated, for their CPU time and resident memory")
	fs.IntVar(&c.learners, "learners", 1000, "learners to sign in and cycle through")
	fs.IntVar(&c.total, "of", 10000, "synthetic learners in the data set: the signed-in ones are spread evenly over them")
	fs.StringVar(&c.password, "password", "lyo-synthetic-password", "the learners' password")
	fs.StringVar(&conc, "c", "1,8", "concurrency levels, comma-separated")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "length of each measured run")
	fs.IntVar(&c.limit, "limit", 20, "page size")
	fs.IntVar(&c.trials, "trials", 100, "-mode lag: events measured")
	fs.DurationVar(&c.p99Target, "p99", 25*time.Millisecond, "target: p99 at the highest concurrency under this (0: not judged)")
	fs.Float64Var(&c.rpsTarget, "rps", 1000, "target: requests/s at the highest concurrency at least this (0: not judged)")
	fs.Float64Var(&c.rssTarget, "rss", 1024, "target: the node's peak resident memory under this many MiB (0: not judged)")
	fs.DurationVar(&c.lagTarget, "lag", time.Second, "-mode lag target: every event's effect visible within this")
	fs.StringVar(&c.label, "label", "", "a name for the data set, printed with the figures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, s := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-c: %q is not a positive concurrency", s)
		}
		c.conc = append(c.conc, n)
	}
	if pids != "" {
		for _, s := range strings.Split(pids, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				return fmt.Errorf("-pid: %q is not a process id", s)
			}
			c.pids = append(c.pids, n)
		}
	}
	if c.read == "" {
		c.read = c.url
	}
	if c.learners < 1 || c.total < 1 || c.limit < 1 || c.limit > 100 || c.trials < 1 {
		return errors.New("want positive -learners, -of and -trials, and 1 <= -limit <= 100")
	}
	c.learners = min(c.learners, c.total)
	t0 := time.Now()
	tokens, err := signIn(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "signed in %d learners (spread over %d) in %.1fs\n", len(tokens), c.total, time.Since(t0).Seconds())
	switch c.mode {
	case "load":
		return load(ctx, c, tokens, stdout)
	case "lag":
		return lag(ctx, c, tokens, stdout)
	}
	return fmt.Errorf("-mode: want load or lag, not %q", c.mode)
}

var client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// signIn logs in the learners whose synthetic numbers are spread evenly over
// the data set, a few at a time (each login verifies a password hash).
func signIn(ctx context.Context, c config) ([]string, error) {
	tokens := make([]string, c.learners)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, runtime.NumCPU()*2)
	for w := range errs {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= c.learners || ctx.Err() != nil {
					return
				}
				n := 1 + i*c.total/c.learners
				email := fmt.Sprintf("learner%d@synthetic.lyolearn.test", n)
				var tk struct {
					AccessToken string `json:"access_token"`
				}
				if err := call(ctx, "POST", c.url+"/api/v1/auth/login", "", map[string]string{"email": email, "password": c.password}, &tk); err != nil {
					errs[w] = fmt.Errorf("sign in %s: %w", email, err)
					return
				}
				tokens[i] = tk.AccessToken
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return tokens, ctx.Err()
}

// call sends one JSON request and decodes a 2xx answer into out.
func call(ctx context.Context, method, url, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, bytes.TrimSpace(b))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

type page struct {
	Items []struct {
		Item struct {
			ID string `json:"id"`
		} `json:"item"`
	} `json:"items"`
}

func (p page) ids() []string {
	out := make([]string, len(p.Items))
	for i, e := range p.Items {
		out[i] = e.Item.ID
	}
	return out
}

// runResult is one measured run.
type runResult struct {
	name      string
	conc      int
	m         vegeta.Metrics
	nodeCPU   time.Duration // the nodes' user + system time over the run
	genCPU    time.Duration // this process's
	peakRSS   float64       // MiB, the largest sample of the nodes' VmRSS summed
	nodeOK    bool
	bodyFails int64
}

func load(ctx context.Context, c config, tokens []string, stdout io.Writer) error {
	feedURL := fmt.Sprintf("%s/api/v1/feed?limit=%d", c.url, c.limit)
	// A look at one answer before timing anything.
	var p page
	if err := call(ctx, "GET", feedURL, tokens[0], nil, &p); err != nil {
		return err
	}
	if len(p.Items) != c.limit {
		return fmt.Errorf("the first learner's page has %d items, want %d", len(p.Items), c.limit)
	}
	fmt.Fprintf(stdout, "vegeta %s, closed loop (rate 0, workers = concurrency), keep-alive; every request a new feed session; %d cores (load generator and node share them)\n",
		"v12.13.0", runtime.NumCPU())
	fmt.Fprintf(stdout, "%-8s %5s %9s %9s %9s %9s %9s %8s %12s %12s %10s\n",
		"run", "conc", "requests", "req/s", "p50", "p99", "max", "ok", "node us/req", "gen us/req", "node RSS")
	var results []runResult
	// Cold: every learner once, so the node loads each from the database.
	cold, err := attack(ctx, c, "cold", 8, 0, once(feedURL, tokens[1:]), len(tokens)-1)
	if err != nil {
		return err
	}
	printRun(stdout, cold)
	for _, n := range c.conc {
		r, err := attack(ctx, c, "warm", n, c.duration, cycle(feedURL, tokens), 0)
		if err != nil {
			return err
		}
		printRun(stdout, r)
		results = append(results, r)
	}
	return judge(c, results, stdout)
}

// once targets each token's feed once, then stops.
func once(url string, tokens []string) vegeta.Targeter {
	var next atomic.Int64
	return func(t *vegeta.Target) error {
		i := int(next.Add(1)) - 1
		if i >= len(tokens) {
			return vegeta.ErrNoTargets
		}
		setTarget(t, url, tokens[i])
		return nil
	}
}

// cycle targets the tokens' feeds round robin.
func cycle(url string, tokens []string) vegeta.Targeter {
	var next atomic.Int64
	return func(t *vegeta.Target) error {
		setTarget(t, url, tokens[int(next.Add(1)-1)%len(tokens)])
		return nil
	}
}

func setTarget(t *vegeta.Target, url, token string) {
	t.Method, t.URL = "GET", url
	t.Header = http.Header{"Authorization": {"Bearer " + token}}
}

// attack keeps conc requests in flight for d (or until the targeter runs out,
// d = 0) and measures the run. Every answer must be a 200 whose body holds
// items; want, when positive, is the number of requests the run must make.
func attack(ctx context.Context, c config, name string, conc int, d time.Duration, tr vegeta.Targeter, want int) (runResult, error) {
	r := runResult{name: name, conc: conc}
	a := vegeta.NewAttacker(vegeta.Workers(uint64(conc)), vegeta.MaxWorkers(uint64(conc)), vegeta.Connections(conc),
		vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	stopRSS := make(chan struct{})
	rssDone := make(chan float64)
	go func() { rssDone <- sampleRSS(c.pids, stopRSS) }()
	cpu0, ok0 := nodeCPU(c.pids)
	gen0 := selfCPU()
	results := a.Attack(tr, vegeta.Rate{}, d, name)
	for res := range results {
		if ctx.Err() != nil {
			a.Stop()
		}
		if res.Error == vegeta.ErrNoTargets.Error() {
			continue // the targeter ran out: not a request
		}
		if res.Code == 200 && !bytes.Contains(res.Body, []byte(`"items":[{`)) {
			r.bodyFails++
		}
		res.Body = nil
		r.m.Add(res)
	}
	r.m.Close()
	r.genCPU = selfCPU() - gen0
	cpu1, ok1 := nodeCPU(c.pids)
	r.nodeCPU, r.nodeOK = cpu1-cpu0, ok0 && ok1
	close(stopRSS)
	r.peakRSS = <-rssDone
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if len(r.m.Errors) > 0 || r.m.Success < 1 || r.bodyFails > 0 {
		return r, fmt.Errorf("%s run at concurrency %d: status codes %v, %d pages without items, errors %v",
			name, conc, r.m.StatusCodes, r.bodyFails, r.m.Errors)
	}
	if want > 0 && int(r.m.Requests) != want {
		return r, fmt.Errorf("%s run made %d requests, want %d", name, r.m.Requests, want)
	}
	return r, nil
}

func printRun(w io.Writer, r runResult) {
	perReq := func(d time.Duration) string {
		return fmt.Sprintf("%.0f", float64(d.Microseconds())/float64(max(r.m.Requests, 1)))
	}
	node, rss := "-", "-"
	if r.nodeOK {
		node = perReq(r.nodeCPU)
	}
	if r.peakRSS > 0 {
		rss = fmt.Sprintf("%.0f MiB", r.peakRSS)
	}
	fmt.Fprintf(w, "%-8s %5d %9d %9.0f %9s %9s %9s %7.1f%% %12s %12s %10s\n", r.name, r.conc, r.m.Requests, r.m.Throughput,
		ms(r.m.Latencies.P50), ms(r.m.Latencies.P99), ms(r.m.Latencies.Max), 100*r.m.Success, node, perReq(r.genCPU), rss)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func judge(c config, results []runResult, w io.Writer) error {
	top := results[0]
	for _, r := range results {
		if r.conc > top.conc {
			top = r
		}
	}
	peak := 0.0
	for _, r := range results {
		peak = max(peak, r.peakRSS)
	}
	missed := false
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		missed = true
		return "FAIL"
	}
	label := c.label
	if label != "" {
		label += ": "
	}
	if c.p99Target > 0 {
		fmt.Fprintf(w, "%sp99 at concurrency %d: %s (target < %s) %s\n", label, top.conc, ms(top.m.Latencies.P99), c.p99Target,
			verdict(top.m.Latencies.P99 < c.p99Target))
	}
	if c.rpsTarget > 0 {
		fmt.Fprintf(w, "%srequests/s at concurrency %d: %.0f (target >= %.0f) %s\n", label, top.conc, top.m.Throughput, c.rpsTarget,
			verdict(top.m.Throughput >= c.rpsTarget))
	}
	if c.rssTarget > 0 && len(c.pids) > 0 {
		fmt.Fprintf(w, "%speak resident memory of the node under load: %.0f MiB (target < %.0f MiB) %s\n", label, peak, c.rssTarget,
			verdict(peak > 0 && peak < c.rssTarget))
	}
	if missed {
		return errMissed
	}
	return nil
}

// lag hides or skips (alternately) each trial learner's first item on -url,
// and reads the learner's first page from -read until the item is gone.
func lag(ctx context.Context, c config, tokens []string, stdout io.Writer) error {
	var lags []time.Duration
	stale := 0 // reads after the event's 2xx that still showed the item
	trials := min(c.trials, len(tokens))
	readURL := fmt.Sprintf("%s/api/v1/feed?limit=%d", c.read, c.limit)
	for i := range trials {
		tok := tokens[i]
		var p page
		if err := call(ctx, "GET", readURL, tok, nil, &p); err != nil {
			return err
		}
		if len(p.Items) == 0 {
			return fmt.Errorf("learner %d has an empty page", i)
		}
		id := p.Items[0].Item.ID
		typ := "hide"
		if i%2 == 1 {
			typ = "skip"
		}
		ev := map[string]any{"events": []map[string]any{{"id": fmt.Sprintf("lag-%d-%d", time.Now().UnixNano(), i),
			"type": typ, "item_id": id, "at": time.Now().UTC().Format(time.RFC3339Nano)}}}
		var res struct {
			Results []struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
			} `json:"results"`
		}
		if err := call(ctx, "POST", c.url+"/api/v1/events", tok, ev, &res); err != nil {
			return err
		}
		t0 := time.Now()
		if len(res.Results) != 1 || res.Results[0].Status != "accepted" {
			return fmt.Errorf("the %s event was not accepted: %+v", typ, res.Results)
		}
		for {
			if err := call(ctx, "GET", readURL, tok, nil, &p); err != nil {
				return err
			}
			if !slices.Contains(p.ids(), id) {
				lags = append(lags, time.Since(t0))
				break
			}
			stale++
			if time.Since(t0) > 10*time.Second {
				return fmt.Errorf("the %s of %s is not reflected after 10 s", typ, id)
			}
		}
	}
	slices.Sort(lags)
	q := func(f float64) time.Duration { return lags[min(len(lags)-1, int(f*float64(len(lags))))] }
	where := "the same node"
	if c.read != c.url {
		where = "another node"
	}
	fmt.Fprintf(stdout, "event to next page, %d events (hide and skip alternately) posted to one node, the page read from %s:\n", trials, where)
	fmt.Fprintf(stdout, "  p50 %s  p99 %s  max %s (each includes the reading request); reads that still showed the item: %d\n",
		ms(q(0.5)), ms(q(0.99)), ms(lags[len(lags)-1]), stale)
	ok := lags[len(lags)-1] < c.lagTarget
	v := "PASS"
	if !ok {
		v = "FAIL"
	}
	fmt.Fprintf(stdout, "%sslowest event to its effect: %s (target < %s) %s\n", labelOf(c), ms(lags[len(lags)-1]), c.lagTarget, v)
	if !ok {
		return errMissed
	}
	return nil
}

func labelOf(c config) string {
	if c.label == "" {
		return ""
	}
	return c.label + ": "
}

// selfCPU is this process's user + system time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// nodeCPU is the processes' user + system time, from /proc/PID/stat (in clock
// ticks of 1/100 s, the Linux default).
func nodeCPU(pids []int) (time.Duration, bool) {
	var total time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, false
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) < 13 {
			return 0, false
		}
		u, err1 := strconv.ParseInt(f[11], 10, 64)
		st, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			return 0, false
		}
		total += time.Duration(u+st) * 10 * time.Millisecond
	}
	return total, len(pids) > 0
}

// rss is the processes' resident memory in MiB, from /proc/PID/status.
func rss(pids []int) float64 {
	total := 0.0
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return 0
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kib, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				total += kib / 1024
			}
		}
	}
	return total
}

// sampleRSS samples rss every 100 ms until stop and returns the largest.
func sampleRSS(pids []int, stop <-chan struct{}) float64 {
	if len(pids) == 0 {
		<-stop
		return 0
	}
	peak := rss(pids)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return max(peak, rss(pids))
		case <-t.C:
			peak = max(peak, rss(pids))
		}
	}
}
