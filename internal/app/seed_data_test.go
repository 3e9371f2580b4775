package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/content"
	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/seed/bulk"
	"github.com/lyolearn/lyo/internal/seed/synth"
)

// fileRow is one row of an interaction file, read here without the code
// under test.
type fileRow struct {
	user, item string
	at         float64
	weight     float64
}

func readCSVRows(t *testing.T, path string) []fileRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []fileRow
	for _, r := range recs[1:] {
		at, _ := strconv.ParseFloat(r[2], 64)
		w, _ := strconv.ParseFloat(r[3], 64)
		rows = append(rows, fileRow{r[0], r[1], at, w})
	}
	return rows
}

// writeItemFile writes a RecBole .item file for a synthetic set: titles, and
// topics as genres.
func writeItemFile(t *testing.T, c synth.Config) string {
	t.Helper()
	g := synth.New(c)
	var b strings.Builder
	b.WriteString("item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n")
	for i := range g.NumItems() {
		it := g.Item(i)
		fmt.Fprintf(&b, "%s\t%s\t2026\t%s\n", synth.ItemToken(i), it.Title, strings.Join(it.Topics, " "))
	}
	path := filepath.Join(t.TempDir(), "synthetic.item")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSeedData imports an interaction file with its item file on each engine:
// every row becomes a view (and a like at or above the threshold) at its own
// time moved so the last one is now, the items carry the item file's titles
// and genres, and once a model is trained the feed serves an imported learner
// twenty items they have not had.
func TestSeedData(t *testing.T) {
	data := writeSynthCSV(t, evalSmall)
	items := writeItemFile(t, evalSmall)
	rows := readCSVRows(t, data)
	users, itemSet := map[string]bool{}, map[string]bool{}
	events := 0
	var last float64
	for _, r := range rows {
		users[r.user], itemSet[r.item] = true, true
		events++
		if r.weight >= 4 {
			events++
		}
		last = max(last, r.at)
	}
	forEachEngine(t, func(t *testing.T, dbURL string) {
		getenv := testEnv(t, dbURL, nil)
		before := time.Now()
		out, err := runCLI(t, getenv, "seed", "--data", data, "--items", items, "--shift-to-now")
		if err != nil {
			t.Fatalf("seed --data: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`(\d+) items, (\d+) learners; (\d+) of (\d+) events accepted`).FindStringSubmatch(out)
		if m == nil || m[1] != fmt.Sprint(len(itemSet)) || m[2] != fmt.Sprint(len(users)) || m[3] != fmt.Sprint(events) || m[4] != m[3] {
			t.Fatalf("want %d items, %d learners, %d events all accepted:\n%s", len(itemSet), len(users), events, out)
		}
		if out, err := runCLI(t, getenv, "seed", "--data", data); err == nil || !strings.Contains(err.Error(), "already loaded") {
			t.Errorf("a second load: %v\n%s", err, out)
		}

		s := newTestServer(t, getenv)
		ctx := context.Background()
		// The first learner of the file: their item states hold every row,
		// moved by the same amount so that the file's last row is now.
		first := rows[0].user
		u, err := s.db.UserByEmail(ctx, "data1@"+bulk.DataEmailDomain)
		if err != nil {
			t.Fatal(err)
		}
		shift := time.Since(before) + time.Minute
		wantLast := map[string]float64{}
		for _, r := range rows {
			if r.user == first {
				wantLast[r.item] = max(wantLast[r.item], r.at)
			}
		}
		states, err := s.db.UserItems(ctx, u.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(states) != len(wantLast) {
			t.Fatalf("data1 has %d item states, the file %d items for %s", len(states), len(wantLast), first)
		}
		byTitle := map[string]content.Item{}
		for _, st := range states {
			it, err := s.db.ItemByID(ctx, st.ItemID)
			if err != nil {
				t.Fatal(err)
			}
			byTitle[it.Title] = it
			token := strings.TrimPrefix(it.Description, "Imported item ")
			// Now minus (last row − this row), within the time the load took.
			want := before.Add(-time.Duration((last - wantLast[token]) * float64(time.Second)))
			if d := st.LastAt.Sub(want); d < -time.Second || d > shift {
				t.Errorf("item %s last seen at %s, want about %s", token, st.LastAt, want)
			}
		}
		g := synth.New(evalSmall)
		for i := range g.NumItems() {
			it, ok := byTitle[g.Item(i).Title]
			if !ok {
				continue
			}
			var slugs []string
			for _, tp := range g.Item(i).Topics {
				slugs = append(slugs, bulk.Slug(tp))
			}
			if !slices.Equal(it.Topics, slugs) || it.Status != content.Published {
				t.Errorf("item %s stored with topics %v, the item file says %v", it.Title, it.Topics, slugs)
			}
		}

		// The feed serves it: train, load, and ask as data1.
		if _, err := s.feed.Train(ctx, model.Options{Workers: 1}); err != nil {
			t.Fatal(err)
		}
		if loaded, err := s.feed.Catalogue().LoadSnapshot(ctx); err != nil || !loaded {
			t.Fatalf("LoadSnapshot = %v, %v", loaded, err)
		}
		if err := s.feed.Catalogue().Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, s, nil)
		var tk tokens
		want(t, c.do("POST", "/api/v1/auth/login", map[string]string{"email": "data1@" + bulk.DataEmailDomain, "password": SyntheticPassword}), 200, &tk)
		page := getFeed(t, c.as(tk.AccessToken), "/api/v1/feed?limit=20")
		if len(page.Items) != 20 {
			t.Fatalf("the feed served data1 %d items", len(page.Items))
		}
		had := map[string]bool{}
		for _, st := range states {
			had[st.ItemID] = true
		}
		for _, e := range page.Items {
			if had[e.Item.ID] {
				t.Errorf("the feed serves data1 %s (%s), which they already had", e.Item.ID, e.Item.Title)
			}
		}
	})
}

func TestSeedDataFlags(t *testing.T) {
	getenv := testEnv(t, "", nil)
	data := writeSynthCSV(t, evalSmall)
	for _, args := range [][]string{
		{"seed", "--data", data, "--synthetic"},
		{"seed", "--data", data, "--format", "tsv"},
		{"seed", "--synthetic", "--items", "some.item"},
	} {
		if out, err := runCLI(t, getenv, args...); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	if out, err := runCLI(t, getenv, "seed", "--data", filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Errorf("a missing file loads:\n%s", out)
	}
}
