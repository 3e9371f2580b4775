package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/feed/eval"
	"github.com/lyolearn/lyo/internal/obs"
	"github.com/lyolearn/lyo/internal/seed/bulk"
)

// seedDataRun is what `lyo seed --data` was asked for.
type seedDataRun struct {
	data, items, format string
	threshold           float64
	shift, force        bool
	workers             int
}

// runSeedData imports an interaction file (the formats `lyo eval` reads) into
// the database through the stores' batch paths: learners, items and every
// row as events at its own time, or shifted so the last one is now.
func runSeedData(ctx context.Context, sd seedDataRun, getenv func(string) string, stdout, stderr io.Writer) error {
	f, err := dataFormat(sd.format, sd.data)
	if err != nil {
		return err
	}
	if math.IsNaN(sd.threshold) || math.IsInf(sd.threshold, 0) {
		return fmt.Errorf("%w: --threshold must be a number", ErrUsage)
	}
	if sd.workers < 0 {
		return fmt.Errorf("%w: --workers must not be negative", ErrUsage)
	}
	// The accounts share the published synthetic password: refused in
	// production first, whatever else the configuration says.
	if env, err := config.Load(getenv); err == nil && env.IsProduction() && !sd.force {
		return errors.New("seed --data creates accounts that share a published password, and LYO_ENV is production: " +
			"refusing (--force loads anyway)")
	}
	var info map[string]eval.ItemInfo
	if sd.items != "" {
		if info, err = readAnyItemFile(sd.items); err != nil {
			return err
		}
	}
	rows, err := readRows(sd.data, f)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s holds no interactions", sd.data)
	}
	now := time.Now().UTC()
	last := rows[0].Time
	for _, r := range rows {
		last = math.Max(last, r.Time)
	}
	var offset float64
	if sd.shift {
		offset = float64(now.UnixNano())/1e9 - last
	}
	in := bulk.Interactions{Rows: make([]bulk.Interaction, len(rows)), Items: map[string]bulk.ItemFacts{}}
	for k, r := range rows {
		in.Rows[k] = bulk.Interaction{User: r.User, Item: r.Item, At: secondsTime(r.Time + offset), Positive: r.Weight >= sd.threshold}
	}
	for id, it := range info {
		in.Items[id] = bulk.ItemFacts{Title: it.Title, Topics: it.Topics}
	}
	// Ingestion's clock stands at the later of now and the last event, so no
	// event lies ahead of it.
	end := now
	if t := secondsTime(last + offset); t.After(end) {
		end = t
	}

	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	hash, err := sharedHash(ctx, cfg)
	if err != nil {
		return err
	}
	s, err := newServer(ctx, cfg, obs.NewLogger(stdout, "warn", cfg.LogFormat), true, func() time.Time { return end })
	if err != nil {
		return err
	}
	defer s.close()
	fmt.Fprintf(stdout, "seeding %s from %s: %d rows, %d with item facts\n", s.db.Engine(), sd.data, len(rows), len(info))
	start := time.Now()
	importer := s.events.WithCatalog(&factsCache{next: catalog{s.db}, m: map[string]events.ItemFacts{}})
	sum, err := bulk.LoadInteractions(ctx, in, s.db, importer, bulk.Options{PasswordHash: hash, EventBatch: cfg.EventsMaxBatch,
		Workers: sd.workers})
	if errors.Is(err, bulk.ErrAlreadyLoaded) {
		return fmt.Errorf("%w; seed an empty database (or another LYO_DATABASE_URL)", err)
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "done in %s: %d topics, %d creators, %d items, %d learners; %d of %d events accepted (%.0f events/s)\n",
		took.Round(time.Millisecond), sum.Topics, sum.Creators, sum.Items, sum.Learners, sum.Accepted, sum.Events,
		float64(sum.Events)/took.Seconds())
	reasons := make([]string, 0, len(sum.Refused))
	for r := range sum.Refused {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(stdout, "  not stored: %d %s\n", sum.Refused[r], r)
	}
	fmt.Fprintf(stdout, "learners data1…data%d (in order of first appearance in the file) @%s sign in with the password %q "+
		"(for load tests; never in production)\n", sum.Learners, bulk.DataEmailDomain, SyntheticPassword)
	return nil
}

// readAnyItemFile reads a RecBole .item file, or a CSV item,title,topics when
// its header names no RecBole columns.
func readAnyItemFile(path string) (map[string]eval.ItemInfo, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 1<<16)
	head, _ := r.Peek(256)
	read := eval.ReadItemsCSV
	if first, _, _ := strings.Cut(string(head), "\n"); strings.Contains(first, "item_id:") {
		read = eval.ReadItems
	}
	info, err := read(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return info, nil
}

// secondsTime is a file's timestamp (seconds since the epoch) as a time.
func secondsTime(t float64) time.Time {
	sec := math.Floor(t)
	return time.Unix(int64(sec), int64((t-sec)*1e9)).UTC()
}
