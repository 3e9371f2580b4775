package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/httpx"
	"github.com/lyolearn/lyo/internal/obs"
	"github.com/lyolearn/lyo/internal/seed"
	"github.com/lyolearn/lyo/internal/seed/synth"
)

// runSeed loads demo data through the real services, each record at its own
// time, or a synthetic data set at scale through the stores' batch paths.
func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stdout)
	demo := fs.Bool("demo", false, "load the demo catalogue, learners and their events")
	synthetic := fs.Bool("synthetic", false, "generate a synthetic data set at scale and load it through the batch paths")
	n := fs.Uint64("seed", 42, "random seed: the same seed gives the same data")
	creators := fs.Int("creators", 0, "creators (default 40; synthetic: one per 50 items)")
	var itemsArg string
	fs.StringVar(&itemsArg, "items", "", "items (default 3000; synthetic: 10000); with --data, an item file: RecBole .item (titles, genres as topics) or CSV item,title,topics")
	learners := fs.Int("learners", 0, "learners (default 200; synthetic: 1000)")
	evs := fs.Int("events", 0, "synthetic: exactly this many events (default 100000)")
	days := fs.Int("days", 0, "days of history (default 30, at most 89; synthetic: 60)")
	at := fs.String("now", "", "RFC 3339 time the history ends at (default: now); the same --seed and --now give the same data")
	export := fs.String("export", "", "synthetic: write the interactions as CSV (user,item,timestamp,weight) to this file (- for stdout) instead of loading them")
	force := fs.Bool("force", false, "synthetic, data: load even when LYO_ENV is production")
	workers := fs.Int("workers", 0, "synthetic, data: learners generated and ingested at once (default 2)")
	data := fs.String("data", "", "load an interaction file: CSV user,item,timestamp,weight or a RecBole .inter file")
	format := fs.String("format", "", "data: csv or recbole (default: recbole for a .inter file, csv otherwise)")
	threshold := fs.Float64("threshold", 4, "data: rows weighted at or above it are a like besides a view")
	shift := fs.Bool("shift-to-now", false, "data: move every timestamp so the last event is now")
	const use = "lyo seed --demo [--seed N] [--creators N] [--items N] [--learners N] [--days N] [--now T]\n" +
		"       lyo seed --synthetic [--learners N] [--items M] [--events K] [--creators N] [--days N] [--seed S] [--now T] [--export FILE] [--force]\n" +
		"       lyo seed --data FILE [--items FILE] [--format csv|recbole] [--threshold 4] [--shift-to-now] [--force]"
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return fmt.Errorf("%w: %s", ErrUsage, use)
	}
	modes := 0
	for _, on := range []bool{*demo, *synthetic, *data != ""} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return fmt.Errorf("%w: %s", ErrUsage, use)
	}
	if *data != "" {
		return runSeedData(ctx, seedDataRun{data: *data, items: itemsArg, format: *format, threshold: *threshold,
			shift: *shift, force: *force, workers: *workers}, getenv, stdout, stderr)
	}
	items := new(int)
	if itemsArg != "" {
		n, err := strconv.Atoi(itemsArg)
		if err != nil {
			return fmt.Errorf("%w: --items wants a number (an item file goes with --data)", ErrUsage)
		}
		*items = n
	}
	now := time.Now().UTC()
	if *at != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, *at); err != nil {
			return fmt.Errorf("%w: --now wants an RFC 3339 time such as 2026-11-01T12:00:00Z", ErrUsage)
		}
	}
	if *synthetic {
		if *items < 0 || *learners < 0 || *evs < 0 || *creators < 0 || *days < 0 || *workers < 0 {
			return fmt.Errorf("%w: sizes must not be negative", ErrUsage)
		}
		return runSynthetic(ctx, syntheticRun{cfg: synth.Config{Seed: *n, Learners: *learners, Items: *items, Events: *evs,
			Creators: *creators, Days: *days, Now: now}, export: *export, force: *force, workers: *workers}, getenv, stdout, stderr)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	ds := seed.Generate(seed.Config{Seed: *n, Creators: *creators, Items: *items, Learners: *learners, Days: *days, Now: now})
	clock := seed.NewClock(now)
	s, err := newServer(ctx, cfg, obs.NewLogger(stdout, "warn", cfg.LogFormat), true, clock.Now)
	if err != nil {
		return err
	}
	defer s.close()
	fmt.Fprintf(stdout, "seeding %s: %d creators, %d items, %d learners, %d events (seed %d)\n",
		s.db.Engine(), len(ds.Creators), len(ds.Items), len(ds.Learners), len(ds.Events), *n)
	start := time.Now()
	last := time.Time{}
	progress := func(stage string, done, total int) {
		if time.Since(last) > time.Second || done == total {
			fmt.Fprintf(stdout, "  %-10s %6d / %d\n", stage, done, total)
			last = time.Now()
		}
	}
	sum, err := seed.Load(ctx, ds, seed.Targets{Users: seedUsers{s.auth}, Catalog: seedCatalog{s.content}, Events: seedEvents{s.events}, Clock: clock}, progress)
	if errors.Is(err, seed.ErrAlreadySeeded) {
		return fmt.Errorf("%w; seed an empty database (or another LYO_DATABASE_URL)", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "done in %s: %d topics, %d creators, %d items, %d series, %d learners, %d follows; %d of %d events accepted\n",
		time.Since(start).Round(time.Millisecond), sum.Topics, sum.Creators, sum.Items, sum.Series, sum.Learners, sum.Follows, sum.Accepted, sum.Events)
	fmt.Fprintf(stdout, "sign in as creator1@%s or learner1@%s with the password %q\n", seed.EmailDomain, seed.EmailDomain, ds.Learners[0].Password)
	return nil
}

type seedUsers struct{ auth *auth.Service }

func (u seedUsers) CreateUser(ctx context.Context, email, pw, username string, role access.Role) (string, error) {
	usr, err := u.auth.CreateUser(ctx, email, pw, username, role)
	return usr.ID, err
}

func (u seedUsers) SetBirthYear(ctx context.Context, userID string, year int) error {
	_, err := u.auth.UpdateMe(ctx, userID, auth.ProfilePatch{BirthYear: &year}, nil)
	return err
}

func (u seedUsers) IsEmailTaken(err error) bool { return errors.Is(err, auth.ErrEmailTaken) }

type seedCatalog struct{ content *content.Service }

func (c seedCatalog) EnsureTopics(ctx context.Context, topics []content.Topic) error {
	return c.content.EnsureTopics(ctx, topics)
}

func (c seedCatalog) CreateItem(ctx context.Context, creatorID string, in content.ItemInput) (string, error) {
	it, err := c.content.Create(ctx, content.Actor{UserID: creatorID, Role: access.Creator}, in)
	return it.ID, err
}

func (c seedCatalog) CreateSeries(ctx context.Context, creatorID string, in content.SeriesInput) (string, error) {
	sr, err := c.content.CreateSeries(ctx, content.Actor{UserID: creatorID, Role: access.Creator}, in)
	return sr.ID, err
}

func (c seedCatalog) SetEpisodes(ctx context.Context, creatorID, seriesID string, itemIDs []string) error {
	_, err := c.content.SetEpisodes(ctx, content.Actor{UserID: creatorID, Role: access.Creator}, seriesID, itemIDs)
	return err
}

func (c seedCatalog) Follow(ctx context.Context, userID, creatorID string) error {
	return c.content.Follow(ctx, content.Actor{UserID: userID, Role: access.Learner}, creatorID)
}

type seedEvents struct{ events *events.Service }

func (e seedEvents) Ingest(ctx context.Context, userID string, batch []events.Input) (int, error) {
	results, err := e.events.Ingest(ctx, httpx.Caller{UserID: userID, Role: access.Learner}, batch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range results {
		if r.Status == "accepted" {
			n++
		}
	}
	return n, nil
}
