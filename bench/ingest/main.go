// Command ingest measures event ingestion end to end over HTTP against the same
// events written straight through the store, in the same run.
//
// Each phase gets a fresh database of the same shape (creators made with `lyo
// user create`, published items and learners made through the API of an
// in-process `lyo serve`). The HTTP phase posts pre-encoded batches to POST
// /api/v1/events over loopback with keep-alive; the direct phase stops the node
// and hands the same batches to store.Ingest with events.Fold, which is the store
// work the service does minus validation, the item lookup and HTTP. A short
// second pair at 100 events a batch gives the latency of a typical client batch.
//
// Targets (the issue): HTTP keeps at least 50% of the direct events/s, and
// reaches at least 20,000 events/s. Exit status: 0 all met, 3 a target missed,
// anything else an error.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"
)

// config is the command line.
type config struct {
	engine     string
	pgURL      string
	events     int
	batch      int
	clients    int
	items      int
	learners   int
	creators   int
	p99Events  int
	p99Clients int
	rounds     int
	seed       uint64
	gzip       bool
	cpuprofile string
	timeout    time.Duration
	keep       bool
}

const (
	ratioTarget = 0.5    // HTTP events/s over direct events/s
	rateTarget  = 20_000 // HTTP events/s
	typical     = 100    // events in the batch whose latency is reported on its own
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errMissed):
		os.Exit(3)
	case err != nil:
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

var errMissed = errors.New("a target was missed")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.engine, "engine", "sqlite", "sqlite or postgres")
	fs.StringVar(&c.pgURL, "pg", os.Getenv("LYO_TEST_POSTGRES_URL"), "PostgreSQL admin URL; each phase creates and drops a database of its own (default $LYO_TEST_POSTGRES_URL)")
	fs.IntVar(&c.events, "events", 200_000, "events per phase")
	fs.IntVar(&c.batch, "batch", 500, "events per batch (LYO_EVENTS_MAX_BATCH is 500)")
	fs.IntVar(&c.clients, "clients", 4, "concurrent clients")
	fs.IntVar(&c.items, "items", 2000, "published items (one in ten a quiz)")
	fs.IntVar(&c.learners, "learners", 50, "learners sending events")
	fs.IntVar(&c.creators, "creators", 10, "creators owning the items")
	fs.IntVar(&c.p99Events, "p99-events", 50_000, "events per phase of the 100-event-batch latency run; 0 skips it")
	fs.IntVar(&c.p99Clients, "p99-clients", 0, "concurrent clients of the 100-event-batch run (default: -clients)")
	fs.IntVar(&c.rounds, "rounds", 1, "rounds of the main pair; the best round of each phase is judged")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the generated catalogue and events")
	fs.BoolVar(&c.gzip, "gzip", true, "send Accept-Encoding: gzip, as Go's and browsers' clients do")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the first HTTP phase to this file (and of the first direct phase to FILE.direct); samples carry the label side=server or side=client")
	fs.DurationVar(&c.timeout, "timeout", 15*time.Minute, "give up after this long")
	fs.BoolVar(&c.keep, "keep-logs", false, "keep the nodes' log directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.p99Clients = cmp.Or(c.p99Clients, c.clients)
	switch {
	case c.engine != "sqlite" && c.engine != "postgres":
		return fmt.Errorf("-engine: want sqlite or postgres, not %q", c.engine)
	case c.engine == "postgres" && c.pgURL == "":
		return errors.New("-engine postgres needs -pg or LYO_TEST_POSTGRES_URL")
	case c.batch < 1 || c.batch > 500 || c.clients < 1 || c.p99Clients < 1 || c.events < c.batch || c.rounds < 1 ||
		c.items < 1 || c.learners < 1 || c.creators < 1:
		return errors.New("want 1 <= -batch <= 500 <= ..., -events >= -batch, and positive counts")
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	logDir, err := os.MkdirTemp("", "lyo-ingest-logs-*")
	if err != nil {
		return err
	}
	if !c.keep {
		defer os.RemoveAll(logDir)
	}
	printMachine(stdout, c)
	fmt.Fprintf(stdout, "nodes: in-process `lyo serve` on 127.0.0.1, LYO_LOG_LEVEL=warn (no access log: at info one line per request would dominate), "+
		"LYO_RATE_LIMIT=false, LYO_PASSWORD_MEMORY_KIB=64 and ITERATIONS=1 (setup speed only: no timed request hashes a password), "+
		"LYO_ACCESS_TOKEN_TTL=1h; logs in %s\n", logDir)
	fmt.Fprintf(stdout, "data: %d creators, %d published items (1 in 10 a quiz), %d learners; events generated with PCG seed %d, times within the last day\n",
		c.creators, c.items, c.learners, c.seed)
	fmt.Fprintf(stdout, "client: Go net/http, keep-alive, gzip responses %v, bodies encoded before timing, results checked by counting \"accepted\"; "+
		"client and server share this process and its cores\n", c.gzip)

	shape := newCatalogueShape(c.items, c.seed)
	now := time.Now()
	full := generate(shape, c.learners, c.events, c.batch, c.seed, "ev", now)
	fmt.Fprintf(stdout, "events: %s\n\n", full.describe())
	m := measurer{c: c, shape: shape, logDir: logDir, stdout: stdout}
	var all []result
	for r := range c.rounds {
		order := []string{"http", "direct"}
		if r%2 == 1 {
			order = []string{"direct", "http"} // drift on a shared machine hits both alike
		}
		for _, phase := range order {
			profile := ""
			if r == 0 && c.cpuprofile != "" {
				profile = c.cpuprofile
				if phase == "direct" {
					profile += ".direct"
				}
			}
			res, err := m.measure(ctx, phase, full, c.clients, profile)
			if err != nil {
				return fmt.Errorf("%s phase, round %d: %w", phase, r+1, err)
			}
			all = append(all, res)
		}
	}
	if c.p99Events > 0 {
		small := generate(shape, c.learners, c.p99Events, typical, c.seed+1, "ev100", now)
		for _, phase := range []string{"http", "direct"} {
			res, err := m.measure(ctx, phase, small, c.p99Clients, "")
			if err != nil {
				return fmt.Errorf("%s phase, %d-event batches: %w", phase, typical, err)
			}
			all = append(all, res)
		}
	}
	return report(stdout, c, all)
}

// measurer runs one phase on a fresh database.
type measurer struct {
	c      config
	shape  catalogueShape
	logDir string
	stdout io.Writer
	n      int
}

func (m *measurer) measure(ctx context.Context, phase string, p plan, clients int, profile string) (res result, err error) {
	m.n++
	db, err := freshDatabase(ctx, m.c.engine, m.c.pgURL)
	if err != nil {
		return result{}, err
	}
	defer func() { err = errors.Join(err, db.drop()) }()
	logs, err := os.Create(logPath(m.logDir, fmt.Sprintf("%02d-%s-%d", m.n, phase, len(p.batches[0]))))
	if err != nil {
		return result{}, err
	}
	defer logs.Close()
	t0 := time.Now()
	node, ids, err := setUp(ctx, db, m.shape, m.c.creators, m.c.learners, m.c.clients, logs)
	if err != nil {
		return result{}, err
	}
	setup := time.Since(t0)
	var probes []probe
	if db.name != "" {
		var stop func() waits
		var cpu0 time.Duration
		probes = append(probes, probe{
			start: func() (err error) {
				cpu0 = postgresCPU(db.name)
				stop, err = sampleWaits(ctx, m.c.pgURL, db.name)
				return err
			},
			stop: func(r *result) error {
				w := stop()
				r.pgWaits, r.dbCPU = &w, postgresCPU(db.name)-cpu0
				return nil
			},
		})
	}
	if phase == "http" {
		res, err = runHTTP(ctx, node, p, ids, clients, m.c.gzip, profile, probes...)
		err = errors.Join(err, node.stop())
	} else {
		if err := node.stop(); err != nil {
			return result{}, err
		}
		res, err = runDirect(ctx, db, p, ids, clients, profile, probes...)
	}
	if err != nil {
		return result{}, err
	}
	res.engine, res.batch, res.clients = m.c.engine, len(p.batches[0]), clients
	fmt.Fprintf(m.stdout, "  %-8s %-6s batch %3d: %8.0f events/s in %5.1fs (setup %.1fs)\n", res.engine, res.phase, res.batch,
		res.perSecond(), res.elapsed.Seconds(), setup.Seconds())
	return res, nil
}

// revision is the commit the binary was built from, as go build recorded it.
func revision() string {
	rev, modified := "an unknown commit (see git)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(12, len(s.Value))]
			case "vcs.modified":
				if s.Value == "true" {
					modified = " + uncommitted changes"
				}
			}
		}
	}
	return rev + modified
}

func printMachine(w io.Writer, c config) {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		model = cpuModel(string(b))
	}
	load := "?"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil && len(b) > 14 {
		load = string(b[:14])
	}
	fmt.Fprintf(w, "lyo ingestion benchmark at %s, %s, GOMAXPROCS %d, %d cores (%s)\n", revision(), runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), model)
	fmt.Fprintf(w, "the machine is shared and noisy: load average %s before the run, cores busy with other work in the last second: %s\n", load, busyShare())
	fmt.Fprintf(w, "engine %s, %d events per phase in batches of %d, %d clients, %d round(s); then %d events in batches of %d, %d clients\n",
		c.engine, c.events/c.batch*c.batch, c.batch, c.clients, c.rounds, c.p99Events/typical*typical, typical, c.p99Clients)
}
