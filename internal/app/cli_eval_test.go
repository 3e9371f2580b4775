package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyolearn/lyo/internal/seed/synth"
)

// evalSmall is the data the eval tests read: about 2,500 rows, a fraction of a
// second's work (a few seconds under the race detector).
var evalSmall = synth.Config{Seed: 7, Learners: 80, Items: 300, Events: 7000, Now: synthNow}

// evalModels are the models every run reports, in its order.
var evalModels = []string{"lyo", "popularity", "itemknn", "als", "ease"}

// writeSynthCSV exports a synthetic data set as `lyo seed --synthetic --export`
// does and returns the file's path.
func writeSynthCSV(t testing.TB, c synth.Config) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "interactions.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.New(c).WriteCSV(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// runEvalCLI runs lyo with both streams kept apart.
func runEvalCLI(t testing.TB, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errs bytes.Buffer
	err = runStreams(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errs)
	return out.String(), errs.String(), err
}

type evalResult struct {
	Model    string  `json:"model"`
	Recall   float64 `json:"recall_at_20"`
	NDCG     float64 `json:"ndcg_at_10"`
	Coverage float64 `json:"coverage_at_20"`
	ILD      float64 `json:"ild_at_10"`
	Novelty  float64 `json:"novelty_at_10"`
}

// decodeResults reads stdout of --json strictly: one object, holding results
// and nothing else, each result with exactly the documented fields.
func decodeResults(t testing.TB, stdout string) []evalResult {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var doc struct {
		Results []evalResult `json:"results"`
	}
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout of --json is not {\"results\": [...]}: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout of --json holds more than one value:\n%s", stdout)
	}
	return doc.Results
}

// TestEval runs the command as an operator would, on one generated file: the
// table, the JSON and the lists say the same thing; the two formats give the
// same figures; the threshold and the item file change what they should.
func TestEval(t *testing.T) {
	data := writeSynthCSV(t, evalSmall)
	lists := filepath.Join(t.TempDir(), "not", "yet", "there", "lists.jsonl")

	table, progress, err := runEvalCLI(t, "eval", "--data", data)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, progress)
	}
	out, progress2, err := runEvalCLI(t, "eval", "--data", data, "--json", "--lists", lists)
	if err != nil {
		t.Fatalf("eval --json: %v\n%s", err, progress2)
	}
	for _, p := range []string{progress, progress2} {
		if !strings.Contains(p, "ranking with lyo") || !strings.Contains(p, "training als") {
			t.Errorf("stderr shows no progress:\n%s", p)
		}
	}
	results := decodeResults(t, out)
	var names []string
	for _, r := range results {
		names = append(names, r.Model)
		for field, v := range map[string]float64{"recall": r.Recall, "ndcg": r.NDCG, "coverage": r.Coverage} {
			if math.IsNaN(v) || v < 0 || v > 1 {
				t.Errorf("%s: %s = %v, outside [0, 1]", r.Model, field, v)
			}
		}
		if !(r.Novelty > 0) {
			t.Errorf("%s: novelty %v", r.Model, r.Novelty)
		}
		if r.ILD != 0 {
			t.Errorf("%s: ILD %v, though no item file says what the topics are", r.Model, r.ILD)
		}
	}
	if !slices.Equal(names, evalModels) {
		t.Fatalf("models %v, want %v", names, evalModels)
	}
	// The popularity baseline recommends the same few items to everyone: its
	// coverage is far below the engine's (a run that scored one model's lists
	// under another's name would not show this).
	if results[1].Coverage*1.5 > results[0].Coverage {
		t.Errorf("popularity covers %.3f, the engine %.3f", results[1].Coverage, results[0].Coverage)
	}

	// The table says what the JSON says, to its printed precision, and counts
	// the users the lists file holds.
	scored := checkTable(t, table, results)
	checkLists(t, lists, data, scored)

	// Each subtest is a run of its own; they share only files they read.
	t.Run("independent scorer", func(t *testing.T) { checkScorer(t, data, lists, results) })
	t.Run("recbole", func(t *testing.T) { t.Parallel(); checkRecBole(t, data, out) })
	t.Run("items", func(t *testing.T) { t.Parallel(); checkItemFile(t, data) })
	t.Run("threshold", func(t *testing.T) {
		t.Parallel()
		if out, _, err := runEvalCLI(t, "eval", "--data", data, "--threshold", "6"); err == nil || !strings.Contains(err.Error(), "no user has a held-out positive") {
			t.Errorf("threshold 6: %v\n%s", err, out)
		}
		// Weights 2 and 3 are positives too now: more users have one.
		low, _, err := runEvalCLI(t, "eval", "--data", data, "--threshold", "2")
		if err != nil {
			t.Fatal(err)
		}
		if n := checkTable(t, low, nil); n <= scored {
			t.Errorf("threshold 2 scores %d users, threshold 4 %d", n, scored)
		}
	})
}

// checkTable compares the table's rows with the JSON results and returns the
// number of users scored that it reports.
func checkTable(t testing.TB, table string, results []evalResult) int {
	t.Helper()
	rows := map[string][]string{}
	scored := -1
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Fields(line)
		if len(f) == 6 {
			rows[f[0]] = f[1:]
		}
		fmt.Sscanf(line, "%d rows, %d users scored", new(int), &scored)
	}
	if _, ok := rows["model"]; !ok {
		t.Fatalf("table has no header:\n%s", table)
	}
	for _, r := range results {
		got, ok := rows[r.Model]
		if !ok {
			t.Errorf("table has no row for %s:\n%s", r.Model, table)
			continue
		}
		want := []string{fmt.Sprintf("%.4f", r.Recall), fmt.Sprintf("%.4f", r.NDCG), fmt.Sprintf("%.2f%%", 100*r.Coverage),
			fmt.Sprintf("%.4f", r.ILD), fmt.Sprintf("%.3f", r.Novelty)}
		if !slices.Equal(got, want) {
			t.Errorf("table row %s = %v, JSON says %v", r.Model, got, want)
		}
	}
	if scored <= 0 {
		t.Fatalf("table does not say how many users it scored:\n%s", table)
	}
	return scored
}

// checkLists reads the lists file: one line per scored user, each with the
// data file's own tokens and at most 20 distinct items. Whether they are the
// right items is the independent scorer's question (scripts/score-lists).
func checkLists(t *testing.T, lists, data string, scored int) {
	t.Helper()
	users, items := map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(readFile(t, data), "\n")[1:] {
		if f := strings.Split(line, ","); len(f) == 4 {
			users[f[0]], items[f[1]] = true, true
		}
	}
	f, err := os.Open(lists)
	if err != nil {
		t.Fatalf("lists: %v", err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var l struct {
			User  string   `json:"user"`
			Items []string `json:"items"`
		}
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("lists line %q: %v", sc.Text(), err)
		}
		if !users[l.User] || seen[l.User] {
			t.Errorf("lists: user %q is not a user of the file, or comes twice", l.User)
		}
		seen[l.User] = true
		if len(l.Items) == 0 || len(l.Items) > 20 {
			t.Errorf("lists: %s has %d items", l.User, len(l.Items))
		}
		dup := map[string]bool{}
		for _, it := range l.Items {
			if !items[it] || dup[it] {
				t.Errorf("lists: %s gets %q, not an item of the file or twice", l.User, it)
			}
			dup[it] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != scored {
		t.Errorf("lists hold %d users, the table scored %d", len(seen), scored)
	}
}

// checkRecBole reads the same rows as a RecBole .inter file whose columns come
// in another order and carry extra ones: the figures are the CSV's.
func checkRecBole(t *testing.T, data, fromCSV string) {
	var inter strings.Builder
	inter.WriteString("item_id:token\tlabel:float\tuser_id:token\ttimestamp:float\trating:float\n")
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, data)), "\n")[1:] {
		f := strings.Split(line, ",")
		fmt.Fprintf(&inter, "%s\t1\t%s\t%s\t%s\n", f[1], f[0], f[2], f[3])
	}
	path := filepath.Join(t.TempDir(), "synthetic.inter")
	if err := os.WriteFile(path, []byte(inter.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// The .inter suffix implies the format; naming it changes nothing.
	for _, args := range [][]string{{"--data", path}, {"--data", path, "--format", "recbole"}} {
		out, progress, err := runEvalCLI(t, append(append([]string{"eval"}, args...), "--json")...)
		if err != nil {
			t.Fatalf("eval %v: %v\n%s", args, err, progress)
		}
		if out != fromCSV {
			t.Errorf("eval %v gives\n%s\nthe CSV gives\n%s", args, out, fromCSV)
		}
	}
	// Read as CSV, the tab-separated lines are malformed: an error, not figures.
	if out, _, err := runEvalCLI(t, "eval", "--data", path, "--format", "csv"); err == nil {
		t.Errorf("a .inter file read as CSV gave figures:\n%s", out)
	}
}

// TestEvalThreshold: with no row at or above the threshold, nothing can be
// scored, and the command says so instead of printing zeros; a lower threshold
// scores more users.
func TestEvalUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("user,item,timestamp,weight\nu1,i1,10,5\nu1,i2,soon,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args  []string
		usage bool
		say   string
	}{
		{[]string{"eval"}, true, "--data FILE"},
		{[]string{"eval", "--data", bad, "--format", "parquet"}, true, "parquet"},
		{[]string{"eval", "--data", bad, "--threshold", "NaN"}, true, "--threshold"},
		{[]string{"eval", "--data", bad, "--seed", "0"}, true, "--seed"},
		{[]string{"eval", "--data", bad, "extra"}, true, "--data FILE"},
		{[]string{"eval", "--data", filepath.Join(dir, "missing.csv")}, false, "missing.csv"},
		{[]string{"eval", "--data", bad}, false, "line 3"},
		{[]string{"eval", "--data", bad, "--items", filepath.Join(dir, "missing.item")}, false, "missing.item"},
	} {
		out, _, err := runEvalCLI(t, tc.args...)
		if err == nil {
			t.Errorf("%v: no error\n%s", tc.args, out)
			continue
		}
		if errors.Is(err, ErrUsage) != tc.usage || !strings.Contains(err.Error(), tc.say) {
			t.Errorf("%v: %v (usage error: %v, want %v; should name %q)", tc.args, err, errors.Is(err, ErrUsage), tc.usage, tc.say)
		}
		if out != "" {
			t.Errorf("%v: stdout holds %q on an error", tc.args, out)
		}
	}
}

// checkItemFile: an item file's genres are the topics intra-list diversity is
// measured by.
func checkItemFile(t *testing.T, data string) {
	g := synth.New(evalSmall)
	var b strings.Builder
	b.WriteString("item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n")
	for i := range g.NumItems() {
		it := g.Item(i)
		fmt.Fprintf(&b, "%s\t%s\t2026\t%s\n", synth.ItemToken(i), it.Title, strings.Join(it.Topics, " "))
	}
	items := filepath.Join(t.TempDir(), "synthetic.item")
	if err := os.WriteFile(items, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	with, _, err := runEvalCLI(t, "eval", "--data", data, "--items", items, "--json")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range decodeResults(t, with) {
		if !(r.ILD > 0 && r.ILD <= 1) {
			t.Errorf("%s: ILD %v with topics", r.Model, r.ILD)
		}
	}
}

// checkScorer scores the engine's lists with scripts/score-lists, which
// implements the protocol again in Python and shares no code with Lyo: its
// figures must be the ones lyo eval printed, to the printed precision.
func checkScorer(t *testing.T, data, lists string, results []evalResult) {
	got := runScorer(t, "--data", data, "--lists", lists, "--json")
	var fig struct {
		Recall   float64 `json:"recall_at_20"`
		NDCG     float64 `json:"ndcg_at_10"`
		Coverage float64 `json:"coverage_at_20"`
	}
	if err := json.Unmarshal([]byte(got), &fig); err != nil {
		t.Fatalf("score-lists: %v\n%s", err, got)
	}
	lyo := results[0]
	for _, c := range []struct {
		name      string
		lyo, them string
	}{
		{"Recall@20", fmt.Sprintf("%.4f", lyo.Recall), fmt.Sprintf("%.4f", fig.Recall)},
		{"NDCG@10", fmt.Sprintf("%.4f", lyo.NDCG), fmt.Sprintf("%.4f", fig.NDCG)},
		{"Coverage@20", fmt.Sprintf("%.2f%%", 100*lyo.Coverage), fmt.Sprintf("%.2f%%", 100*fig.Coverage)},
	} {
		if c.lyo != c.them {
			t.Errorf("%s: lyo eval says %s, the independent scorer %s", c.name, c.lyo, c.them)
		}
	}
}

// runScorer runs scripts/score-lists and returns its stdout, failing the test
// when it exits non-zero. Without python3 the test skips, except in CI.
func runScorer(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, err := scorer(t, args...)
	if err != nil {
		t.Fatalf("score-lists %v: %v\n%s", args, err, stderr)
	}
	return out
}

func scorer(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is missing: the independent scorer of lyo eval's lists cannot run (scripts/deps installs it)")
		}
		t.Skip("python3 is not installed: the independent scorer cannot run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, append([]string{"../../scripts/score-lists"}, args...)...)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err = cmd.Run()
	return out.String(), errs.String(), err
}

// TestScorerByHand holds the independent scorer itself to figures worked out
// by hand, and to its checks of the protocol.
func TestScorerByHand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "hand.csv")
	// u1: five rows out of order; floor(5/5) = 1 held out, the latest: d (5),
	// a positive. u2: three rows, one held out: z at time 7 ties y and comes
	// later in the file, so it is z (4), a positive. u3: its held-out row is
	// below the threshold: not scored. u4: its held-out item is one of its
	// training items: not scored. u5 trains on d and z, so they are in the
	// training catalogue, a b c d e x y z; q and w are only held out.
	rows := "user,item,timestamp,weight\n" +
		"u1,a,5,5\nu1,d,9,5\nu1,b,1,2\nu1,c,3,4\nu1,e,2,5\n" +
		"u2,x,1,5\nu2,y,7,5\nu2,z,7,4\n" +
		"u3,a,1,5\nu3,q,2,3\n" +
		"u4,b,1,5\nu4,b,2,5\n" +
		"u5,d,1,1\nu5,z,2,1\nu5,w,3,1\n"
	if err := os.WriteFile(data, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(lines ...string) string {
		p := filepath.Join(t.TempDir(), "lists.jsonl")
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		lists []string
		want  string
	}{
		// u1 finds d third: recall 1, NDCG 1/log2(4) = 0.5; u2 misses z.
		// Shown: x y d a b, 5 of 8.
		{[]string{`{"user":"u1","items":["x","y","d"]}`, `{"user":"u2","items":["a","b"]}`},
			"Recall@20 0.5000  NDCG@10 0.2500  Coverage@20 62.50%"},
		// u1 finds d first (NDCG 1), u2 finds z second (1/log2(3) = 0.6309).
		{[]string{`{"user":"u2","items":["c","z"]}`, `{"user":"u1","items":["d"]}`},
			"Recall@20 1.0000  NDCG@10 0.8155  Coverage@20 37.50%"},
	} {
		out := runScorer(t, "--data", data, "--lists", write(c.lists...))
		if want := c.want + "\n15 rows, 2 users scored, 8 training items\n"; out != want {
			t.Errorf("lists %v: score-lists printed\n%swant\n%s", c.lists, out, want)
		}
	}
	for _, c := range []struct {
		lists []string
		say   string
	}{
		{[]string{`{"user":"u1","items":["x"]}`}, "no list for scored user u2"},
		{[]string{`{"user":"u1","items":["x"]}`, `{"user":"u2","items":["x"]}`}, "u2 gets x, one of their own training items"},
		{[]string{`{"user":"u1","items":["q"]}`, `{"user":"u2","items":["a"]}`}, "u1 gets q, which has no training row"},
		{[]string{`{"user":"u1","items":["x"]}`, `{"user":"u2","items":["a"]}`, `{"user":"u3","items":["b"]}`}, "u3 is not a scored user"},
		{[]string{`{"user":"u1","items":["x","x"]}`, `{"user":"u2","items":["a"]}`}, "repeats an item"},
		{[]string{`{"user":"u1","items":["x"]}`, `{"user":"u2","items":["a"]}`, `{"user":"u1","items":["y"]}`}, "a second list for u1"},
	} {
		if _, stderr, err := scorer(t, "--data", data, "--lists", write(c.lists...)); err == nil || !strings.Contains(stderr, c.say) {
			t.Errorf("lists %v: %v, want a complaint that %q\n%s", c.lists, err, c.say, stderr)
		}
	}
}
