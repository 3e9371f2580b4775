package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth/password"
	"github.com/lyolearn/lyo/internal/config"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/obs"
	"github.com/lyolearn/lyo/internal/seed/bulk"
	"github.com/lyolearn/lyo/internal/seed/synth"
)

// SyntheticPassword is every synthetic account's password. It is printed, so
// load tests can sign in as any learner; that is why production refuses it.
const SyntheticPassword = "lyo-synthetic-password"

// syntheticRun is what `lyo seed --synthetic` was asked for.
type syntheticRun struct {
	cfg     synth.Config
	export  string // a file for the CSV rows instead of the database; "-" for stdout
	force   bool   // load into production all the same
	workers int
}

// runSynthetic generates the synthetic data set and loads it into the database
// through the stores' batch paths, or writes its interactions as CSV.
func runSynthetic(ctx context.Context, sy syntheticRun, getenv func(string) string, stdout, stderr io.Writer) error {
	g := synth.New(sy.cfg)
	c := g.Config()
	if sy.export != "" {
		return exportSynthetic(g, sy.export, stdout)
	}
	// The refusal comes first, whatever else the configuration says.
	if env, err := config.Load(getenv); err == nil && env.IsProduction() && !sy.force {
		return errors.New("seed --synthetic creates accounts that share a published password, and LYO_ENV is production: " +
			"refusing (--force loads anyway)")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	hash, err := sharedHash(ctx, cfg)
	if err != nil {
		return err
	}
	// Ingestion's clock stands at the end of the data: nothing generated lies
	// ahead of it, and every event is received then.
	end := c.Now
	s, err := newServer(ctx, cfg, obs.NewLogger(stdout, "warn", cfg.LogFormat), true, func() time.Time { return end })
	if err != nil {
		return err
	}
	defer s.close()
	fmt.Fprintf(stdout, "seeding %s with synthetic data (seed %d): %d creators, %d items, %d learners, %d events from %s to %s\n",
		s.db.Engine(), c.Seed, c.Creators, c.Items, c.Learners, c.Events, g.Start().Format(time.RFC3339), end.Format(time.RFC3339))
	bar := newProgressBar(stderr)
	start := time.Now()
	importer := s.events.WithCatalog(&factsCache{next: catalog{s.db}, m: map[string]events.ItemFacts{}})
	sum, err := bulk.Load(ctx, g, s.db, importer, bulk.Options{PasswordHash: hash, EventBatch: cfg.EventsMaxBatch,
		Workers: sy.workers, Progress: bar.show, Every: bar.every()})
	if errors.Is(err, bulk.ErrAlreadyLoaded) {
		return fmt.Errorf("%w; seed an empty database (or another LYO_DATABASE_URL)", err)
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "done in %s: %d topics, %d creators, %d series, %d items, %d learners, %d follows; %d of %d events accepted (%.0f events/s)\n",
		took.Round(time.Millisecond), sum.Topics, sum.Creators, sum.Series, sum.Items, sum.Learners, sum.Follows,
		sum.Accepted, sum.Events, float64(sum.Events)/took.Seconds())
	reasons := make([]string, 0, len(sum.Refused))
	for r := range sum.Refused {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(stdout, "  not stored: %d %s\n", sum.Refused[r], r)
	}
	fmt.Fprintf(stdout, "accounts learner1…learner%d and creator1…creator%d @%s all sign in with the password %q "+
		"(for load tests; never in production)\n", c.Learners, c.Creators, synth.EmailDomain, SyntheticPassword)
	return nil
}

// sharedHash hashes the synthetic password once, with the parameters sign-in
// checks against, so no login has to rehash it.
func sharedHash(ctx context.Context, cfg *config.Config) (string, error) {
	params, err := passwordParams(cfg)
	if err != nil {
		return "", err
	}
	return password.NewHasher(params, 1).Hash(ctx, SyntheticPassword)
}

func exportSynthetic(g *synth.Generator, path string, stdout io.Writer) error {
	if path == "-" {
		return g.WriteCSV(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := g.WriteCSV(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	c := g.Config()
	fmt.Fprintf(stdout, "wrote %s: the interactions of %d learners with %d items (%d events, seed %d) as user,item,timestamp,weight\n",
		path, c.Learners, c.Items, c.Events, c.Seed)
	return nil
}

// factsCache answers ingestion's item lookups from memory after the first. It
// serves a bulk import only: the imported items do not change while it runs,
// and it keeps only facts of items the asking learner may see, which for a
// learner who created nothing means published items, the same for every
// learner. The API's ingestion always asks the catalogue.
type factsCache struct {
	next events.Catalog
	mu   sync.Mutex
	m    map[string]events.ItemFacts
}

func (c *factsCache) Facts(ctx context.Context, caller access.Caller, itemIDs []string) (map[string]events.ItemFacts, error) {
	out := make(map[string]events.ItemFacts, len(itemIDs))
	var missing []string
	c.mu.Lock()
	for _, id := range itemIDs {
		if f, ok := c.m[id]; ok {
			out[id] = f
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	got, err := c.next.Facts(ctx, caller, missing)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, f := range got {
		out[id] = f
		if f.Visible {
			c.m[id] = f
		}
	}
	return out, nil
}
