package app

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/events"
	"github.com/lyolearn/lyo/internal/seed/synth"
)

var synthNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// synthSmall is the load the tests make: 100 learners, 1,000 items, 8,000 events.
var synthSmall = synth.Config{Seed: 42, Learners: 100, Items: 1000, Events: 8000, Now: synthNow}

func synthArgs(c synth.Config, extra ...string) []string {
	return append([]string{"seed", "--synthetic", "--seed", fmt.Sprint(c.Seed), "--learners", fmt.Sprint(c.Learners),
		"--items", fmt.Sprint(c.Items), "--events", fmt.Sprint(c.Events), "--now", c.Now.Format(time.RFC3339)}, extra...)
}

// TestSeedSynthetic loads a small synthetic set through the command on each
// engine, then checks what the stores hold against counts taken straight from
// the generator's events (an oracle that shares no code with ingestion) and
// against a recomputation from the stored log.
func TestSeedSynthetic(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		getenv := testEnv(t, dbURL, nil)
		out, err := runCLI(t, getenv, synthArgs(synthSmall)...)
		if err != nil {
			t.Fatalf("seed: %v\n%s", err, out)
		}
		if !strings.Contains(out, "8000 of 8000 events accepted") || !strings.Contains(out, "1000 items, 100 learners") ||
			!strings.Contains(out, SyntheticPassword) {
			t.Fatalf("summary:\n%s", out)
		}
		if out, err := runCLI(t, getenv, synthArgs(synthSmall)...); err == nil || !strings.Contains(err.Error(), "already loaded") {
			t.Errorf("a second load: %v\n%s", err, out)
		}

		s := newTestServer(t, getenv)
		g := synth.New(synthSmall)
		ids := loadedIDs(t, s, g)
		checkItemTotals(t, s, g, ids)
		checkLearners(t, s, g, ids)

		// A synthetic learner signs in with the printed password.
		c := newClient(t, s, nil)
		var tk tokens
		want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "learner7@" + synth.EmailDomain, "password": SyntheticPassword}), 200, &tk)
		var me struct {
			BirthYear int `json:"birth_year"`
		}
		want(t, c.as(tk.AccessToken).do("GET", "/api/v1/me", nil), 200, &me)
		if me.BirthYear != g.Learner(6).BirthYear {
			t.Errorf("learner7 was born in %d, the generator says %d", me.BirthYear, g.Learner(6).BirthYear)
		}
	})
}

// ids maps the generator's indexes to the stored IDs.
type ids struct{ items, learners, creators []string }

func loadedIDs(t *testing.T, s *server, g *synth.Generator) ids {
	t.Helper()
	ctx := context.Background()
	var out ids
	// IDs sort by creation time, and so do the generator's items.
	for before := ""; ; {
		page, err := s.db.ListItems(ctx, content.ItemQuery{Statuses: []content.Status{content.Published}, BeforeID: before, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page {
			out.items = append(out.items, it.ID)
		}
		if len(page) < 100 {
			break
		}
		before = page[len(page)-1].ID
	}
	slices.Reverse(out.items)
	if len(out.items) != g.NumItems() {
		t.Fatalf("%d published items stored, the generator made %d", len(out.items), g.NumItems())
	}
	stored, err := s.db.ItemsByIDs(ctx, out.items)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]content.Item{}
	for _, it := range stored {
		byID[it.ID] = it
	}
	for i, itemID := range out.items {
		got, want := byID[itemID], g.Item(i)
		if got.Title != want.Title || got.Body != want.Body || !slices.Equal(got.Topics, want.Topics) || got.DurationMS != want.DurationMS ||
			got.Episode != want.Episode || (want.Quiz == nil) != (got.Quiz == nil) || !got.CreatedAt.Equal(want.CreatedAt) {
			t.Fatalf("item %d stored as %+v\nwant %+v", i, got, want)
		}
	}
	for _, l := range g.Learners() {
		u, err := s.db.UserByEmail(ctx, l.Email)
		if err != nil {
			t.Fatalf("learner %s: %v", l.Email, err)
		}
		out.learners = append(out.learners, u.ID)
	}
	// IDs carry each record's own time: learners' sort as they joined, although
	// they were written after the items.
	byJoin := make([]int, len(out.learners))
	for i := range byJoin {
		byJoin[i] = i
	}
	slices.SortFunc(byJoin, func(a, b int) int { return g.Learner(a).CreatedAt.Compare(g.Learner(b).CreatedAt) })
	for k := 1; k < len(byJoin); k++ {
		if out.learners[byJoin[k-1]] >= out.learners[byJoin[k]] {
			t.Fatalf("learner %d joined before learner %d but has a later ID", byJoin[k-1], byJoin[k])
		}
	}
	if out.learners[0] >= out.items[len(out.items)-1] {
		t.Errorf("learner 1 joined before the last item was published, but has a later ID")
	}
	for _, c := range g.Creators() {
		u, err := s.db.UserByEmail(ctx, c.Email)
		if err != nil {
			t.Fatalf("creator %s: %v", c.Email, err)
		}
		out.creators = append(out.creators, u.ID)
	}
	for _, sr := range g.Series() {
		first := byID[out.items[sr.Episodes[0]]]
		got, err := s.db.SeriesByID(ctx, first.SeriesID)
		if err != nil {
			t.Fatalf("series of item %d: %v", sr.Episodes[0], err)
		}
		var wantIDs []string
		for _, i := range sr.Episodes {
			wantIDs = append(wantIDs, out.items[i])
		}
		if !slices.Equal(got.ItemIDs(), wantIDs) || got.Title != sr.Title || got.CreatorID != out.creators[sr.Creator] {
			t.Fatalf("series %d stored as %+v, want episodes %v", sr.Index, got, wantIDs)
		}
	}
	return out
}

// checkItemTotals compares every item's totals with counts of the generated
// events, taken here without Fold.
func checkItemTotals(t *testing.T, s *server, g *synth.Generator, ids ids) {
	t.Helper()
	want := make([]events.ItemCounts, g.NumItems())
	for h := range g.Histories() {
		liked, saved := map[int]bool{}, map[int]bool{}
		for _, e := range h.Events {
			c := &want[e.Item]
			switch e.Type {
			case events.Impression:
				c.Impressions++
			case events.View:
				c.Views++
				c.WatchMS += e.WatchMS
			case events.Complete:
				c.Completions++
			case events.Like, events.Unlike:
				liked[e.Item] = e.Type == events.Like
			case events.Save, events.Unsave:
				saved[e.Item] = e.Type == events.Save
			case events.Share:
				c.Shares++
			case events.Skip:
				c.Skips++
			case events.Hide:
				c.Hides++
			case events.QuizAnswer:
				c.QuizAnswers++
				if e.Correct {
					c.QuizCorrect++
				}
			}
		}
		for i, on := range liked {
			if on {
				want[i].Likes++
			}
		}
		for i, on := range saved {
			if on {
				want[i].Saves++
			}
		}
	}
	got, err := s.db.ItemStats(context.Background(), ids.items)
	if err != nil {
		t.Fatal(err)
	}
	var total events.ItemCounts
	for i, itemID := range ids.items {
		if got[itemID] != want[i] {
			t.Errorf("item %d totals:\n stored %+v\n events %+v", i, got[itemID], want[i])
		}
		total = addCounts(total, want[i])
	}
	if total.Completions == 0 || total.Likes == 0 || total.QuizCorrect == 0 || total.Hides == 0 {
		t.Errorf("the generated events hardly exercise ingestion: %+v", total)
	}
}

// checkLearners compares each learner's item states, hidden items and follows
// with the generated history, and their affinities with a recomputation from
// the stored log.
func checkLearners(t *testing.T, s *server, g *synth.Generator, ids ids) {
	t.Helper()
	ctx := context.Background()
	facts, err := catalog{s.db}.Facts(ctx, learnerCaller(ids.learners[0]), ids.items)
	if err != nil {
		t.Fatal(err)
	}
	for h := range g.Histories() {
		userID := ids.learners[h.Learner]
		want := map[string]events.UserItem{}
		hidden := map[string]bool{}
		for _, e := range h.Events {
			itemID := ids.items[e.Item]
			st, ok := want[itemID]
			if !ok {
				st = events.UserItem{ItemID: itemID, FirstAt: e.At}
			}
			st.LastAt = e.At
			switch e.Type {
			case events.Impression:
				st.Impressions++
			case events.View:
				st.Views++
				st.WatchMS += e.WatchMS
			case events.Complete:
				st.Completed = true
			case events.Like:
				st.Liked = true
			case events.Save:
				st.Saved = true
			case events.Hide:
				hidden[itemID] = true
			}
			want[itemID] = st
		}
		got, err := s.db.UserItems(ctx, userID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("learner %d: %d item states stored, %d items in their history", h.Learner, len(got), len(want))
		}
		for itemID, w := range want {
			if st := got[itemID]; st.Impressions != w.Impressions || st.Views != w.Views || st.WatchMS != w.WatchMS ||
				st.Completed != w.Completed || st.Liked != w.Liked || st.Saved != w.Saved || !st.FirstAt.Equal(w.FirstAt) || !st.LastAt.Equal(w.LastAt) {
				t.Errorf("learner %d item %s:\n stored %+v\n events %+v", h.Learner, itemID, st, w)
			}
		}
		hid, err := s.db.HiddenItems(ctx, userID, events.Hidden{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(hid) != len(hidden) {
			t.Errorf("learner %d: %d items hidden, %d hides in their history", h.Learner, len(hid), len(hidden))
		}
		follows, err := s.db.Follows(ctx, content.EdgeQuery{UserID: userID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var gotFollows, wantFollows []string
		for _, f := range follows {
			gotFollows = append(gotFollows, f.CreatorID)
		}
		for _, f := range h.Follows {
			wantFollows = append(wantFollows, ids.creators[f.Creator])
		}
		slices.Sort(gotFollows)
		slices.Sort(wantFollows)
		if !slices.Equal(gotFollows, wantFollows) {
			t.Errorf("learner %d follows %v, their history says %v", h.Learner, gotFollows, wantFollows)
		}
		var log []events.Event
		for after := int64(0); ; {
			page, last, err := s.db.Events(ctx, userID, after, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			log, after = append(log, page...), last
		}
		if len(log) != len(h.Events) {
			t.Fatalf("learner %d: %d events stored, %d generated", h.Learner, len(log), len(h.Events))
		}
		again := events.Recompute(log, facts)
		topics, creators, err := s.db.Affinities(ctx, userID)
		if err != nil {
			t.Fatal(err)
		}
		compareScores(t, "topic", again.Topics, topics)
		compareScores(t, "creator", again.Creators, creators)
	}
}

// TestSeedSyntheticExport writes the interactions instead of loading them: the
// file is the generator's own CSV, byte for byte, and no database is needed.
func TestSeedSyntheticExport(t *testing.T) {
	getenv := testEnv(t, "postgres://nobody@127.0.0.1:1/none", nil) // never opened
	file := t.TempDir() + "/rows.csv"
	cfg := synthSmall
	cfg.Learners, cfg.Events = 50, 3000
	out, err := runCLI(t, getenv, synthArgs(cfg, "--export", file)...)
	if err != nil || !strings.Contains(out, "wrote "+file) {
		t.Fatalf("export: %v\n%s", err, out)
	}
	var want strings.Builder
	if err := synth.New(cfg).WriteCSV(&want); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, file)
	if got != want.String() || !strings.HasPrefix(got, "user,item,timestamp,weight\n") {
		t.Errorf("the export is not the generator's CSV:\n%.300s", got)
	}
	stdout, err := runCLI(t, getenv, synthArgs(cfg, "--export", "-")...)
	if err != nil || stdout != want.String() {
		t.Errorf("export to stdout: %v, %d bytes, want %d", err, len(stdout), want.Len())
	}
	cfg.Seed++
	other, err := runCLI(t, getenv, synthArgs(cfg, "--export", "-")...)
	if err != nil || other == stdout {
		t.Errorf("another seed exported the same rows (%v)", err)
	}
}

func TestSeedSyntheticRefusedInProduction(t *testing.T) {
	key, err := runCLI(t, testEnv(t, "", nil), "config", "keygen")
	if err != nil {
		t.Fatal(err)
	}
	getenv := testEnv(t, "", map[string]string{"LYO_ENV": "production", "LYO_AUTH_SIGNING_KEYS": strings.TrimSpace(key),
		"LYO_PASSWORD_MEMORY_KIB": "19456", "LYO_PASSWORD_ITERATIONS": "2", "LYO_METRICS_ADDR": "127.0.0.1:9100"})
	tiny := synth.Config{Seed: 1, Learners: 3, Items: 40, Events: 60, Now: synthNow}
	out, err := runCLI(t, getenv, synthArgs(tiny)...)
	if err == nil || !strings.Contains(err.Error(), "production") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("--synthetic in production: %v\n%s", err, out)
	}
	if strings.Contains(out, "seeding") {
		t.Errorf("it started loading before refusing:\n%s", out)
	}
	// Refused even when the rest of the configuration is not ready for production.
	bare := testEnv(t, "", map[string]string{"LYO_ENV": "production"})
	if _, err := runCLI(t, bare, synthArgs(tiny)...); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("--synthetic in a half-configured production: %v", err)
	}
	out, err = runCLI(t, getenv, synthArgs(tiny, "--force")...)
	if err != nil || !strings.Contains(out, "60 of 60 events accepted") {
		t.Errorf("--synthetic --force in production: %v\n%s", err, out)
	}
}

func TestSeedFlags(t *testing.T) {
	getenv := testEnv(t, "", nil)
	for _, args := range [][]string{
		{"seed"},
		{"seed", "--demo", "--synthetic"},
		{"seed", "--synthetic", "--learners", "-1"},
		{"seed", "--synthetic", "--events", "many"},
		{"seed", "--synthetic", "--now", "yesterday"},
		{"seed", "--synthetic", "stray"},
		{"seed", "--synthetic", "--nope"},
	} {
		if out, err := runCLI(t, getenv, args...); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	// The flags size the data: a tiny load says what it made, and its progress
	// goes to stderr.
	var stdout, stderr strings.Builder
	err := runStreams(context.Background(), []string{"seed", "--synthetic", "--learners", "4", "--items", "60", "--events", "77",
		"--creators", "2", "--days", "3", "--workers", "1", "--seed", "9", "--now", "2026-05-05T05:05:05Z"},
		getenv, strings.NewReader(""), &stdout, &stderr)
	out := stdout.String()
	m := regexp.MustCompile(`(\d+) creators, (\d+) series, (\d+) items, (\d+) learners.*; (\d+) of (\d+) events accepted`).FindStringSubmatch(out)
	if err != nil || m == nil || m[1] != "2" || m[3] != "60" || m[4] != "4" || m[5] != "77" || m[6] != "77" ||
		!strings.Contains(out, "from 2026-05-02T05:05:05Z to 2026-05-05T05:05:05Z") || !strings.Contains(out, "(seed 9)") {
		t.Errorf("seed --synthetic with every flag: %v\n%s", err, out)
	}
	if p := stderr.String(); !strings.Contains(p, "items 60/60  learners 4/4  events 77/77 [####################] 100%") ||
		!strings.Contains(p, "done in") || strings.Contains(out, "events/s  ") {
		t.Errorf("progress on stderr:\n%s", p)
	}
}

func learnerCaller(userID string) access.Caller {
	return access.Caller{UserID: userID, Role: access.Learner}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
