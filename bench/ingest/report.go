package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// report prints every phase and judges the best round of each main phase.
func report(w io.Writer, c config, all []result) error {
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-8s %-6s %5s %7s %7s %7s %10s %9s %9s %9s %7s %11s\n",
		"engine", "phase", "batch", "clients", "events", "seconds", "events/s", "p50", "p99", "max", "queued", "CPU us/ev")
	for _, r := range all {
		cpu := fmt.Sprintf("%.1f", float64(r.cpu.Microseconds())/float64(r.events))
		if c.engine == "postgres" {
			cpu += fmt.Sprintf(" +%.1f pg", float64(r.dbCPU.Microseconds())/float64(r.events))
		}
		fmt.Fprintf(w, "%-8s %-6s %5d %7d %7d %7.2f %10.0f %9s %9s %9s %7.2f %11s\n", r.engine, r.phase, r.batch, r.clients, r.events,
			r.elapsed.Seconds(), r.perSecond(), ms(r.quantile(0.50)), ms(r.quantile(0.99)), ms(r.quantile(1)),
			r.connWait.Seconds()/r.elapsed.Seconds(), cpu)
	}
	fmt.Fprintln(w, "latencies are per batch: one HTTP request (sent to body read) or one store Ingest call. queued: callers waiting")
	fmt.Fprintln(w, "for a database connection, on average (SQLite: for its one writer). CPU us/ev: this process's user+system time")
	fmt.Fprintln(w, "per event (server, client and, on SQLite, the database)"+
		map[bool]string{true: "; +pg: the PostgreSQL backends serving the phase's database (WAL writer and checkpointer not counted)", false: ""}[c.engine == "postgres"])
	for _, r := range all {
		if r.pgWaits != nil {
			fmt.Fprintf(w, "  postgres backends, %s batch %d: %s\n", r.phase, r.batch, r.pgWaits)
		}
	}
	fmt.Fprintln(w)

	best := func(phase string, batch int) (result, bool) {
		var b result
		found := false
		for _, r := range all {
			if r.phase == phase && r.batch == batch && (!found || r.perSecond() > b.perSecond()) {
				b, found = r, true
			}
		}
		return b, found
	}
	h, _ := best("http", c.batch)
	d, _ := best("direct", c.batch)
	ratio := h.perSecond() / d.perSecond()
	missed := false
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		missed = true
		return "FAIL"
	}
	fmt.Fprintf(w, "%s, batches of %d, %d clients (best of %d round(s)):\n", c.engine, c.batch, c.clients, c.rounds)
	fmt.Fprintf(w, "  HTTP/direct events/s: %.0f / %.0f = %.1f%%  (target >= %.0f%%)  %s\n", h.perSecond(), d.perSecond(), 100*ratio,
		100*ratioTarget, verdict(ratio >= ratioTarget))
	fmt.Fprintf(w, "  HTTP events/s: %.0f  (target >= %d)  %s\n", h.perSecond(), rateTarget, verdict(h.perSecond() >= rateTarget))
	if h100, ok := best("http", typical); ok {
		d100, _ := best("direct", typical)
		fmt.Fprintf(w, "  p99 of a %d-event batch over HTTP at %d clients: %s (p50 %s; direct through the store: p99 %s)\n",
			typical, h100.clients, ms(h100.quantile(0.99)), ms(h100.quantile(0.5)), ms(d100.quantile(0.99)))
	}
	if missed {
		return errMissed
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func cpuModel(cpuinfo string) string {
	for line := range strings.Lines(cpuinfo) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// busyShare is the share of all cores busy during one second, before anything
// of ours runs: the load the benchmark competes with.
func busyShare() string {
	read := func() (busy, idle int64, ok bool) {
		f, err := os.Open("/proc/stat")
		if err != nil {
			return 0, 0, false
		}
		defer f.Close()
		s := bufio.NewScanner(f)
		if !s.Scan() {
			return 0, 0, false
		}
		fields := strings.Fields(s.Text()) // cpu user nice system idle iowait irq softirq steal
		if len(fields) < 9 || fields[0] != "cpu" {
			return 0, 0, false
		}
		var v [8]int64
		for i := range v {
			v[i], _ = strconv.ParseInt(fields[i+1], 10, 64)
		}
		return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[3] + v[4], true
	}
	b0, i0, ok0 := read()
	time.Sleep(time.Second)
	b1, i1, ok1 := read()
	if !ok0 || !ok1 || b1+i1 == b0+i0 {
		return "?"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(b1-b0)/float64(b1-b0+i1-i0))
}

// postgresCPU sums the user and system time of the PostgreSQL backends serving
// database dbName (the server is local: loopback only), read from /proc. The
// WAL writer, checkpointer and other databases' backends are not counted.
func postgresCPU(dbName string) time.Duration {
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var ticks int64
	for _, p := range cmdlines {
		b, err := os.ReadFile(p)
		if err != nil || !strings.HasPrefix(string(b), "postgres: ") || !strings.Contains(string(b), " "+dbName+" ") {
			continue
		}
		stat, err := os.ReadFile(strings.TrimSuffix(p, "cmdline") + "stat")
		if err != nil {
			continue
		}
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // f[0] is field 3 (state); utime and stime are fields 14 and 15
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
}
