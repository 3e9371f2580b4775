package eval

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lyolearn/lyo/internal/feed/synth"
)

// TestGeneratorSeeds evaluates the engine on MovieLens-sized generated data
// with topics (600 learners, 1,682 items, 100,000 events) for each generator
// seed in LYO_EVAL_SEEDS (e.g. 31,32,33,34,35), prints each table, and fails
// where the engine does not lead every baseline on Recall@20 and NDCG@10 with
// at least EASE's coverage. It takes about ten seconds of CPU a seed, so it
// runs only when asked:
//
//	LYO_EVAL_SEEDS=31,32,33,34,35 go test ./internal/feed/eval -run TestGeneratorSeeds -v
func TestGeneratorSeeds(t *testing.T) {
	seeds := os.Getenv("LYO_EVAL_SEEDS")
	if seeds == "" {
		t.Skip("LYO_EVAL_SEEDS is not set")
	}
	for _, f := range strings.Split(seeds, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		if err != nil {
			t.Fatalf("LYO_EVAL_SEEDS: %q is not a seed", f)
		}
		rows, info := generatedWith(synth.Options{Learners: 600, Items: 1682, Events: 100000, Seed: n})
		rep, err := Run(context.Background(), rows, Options{Threshold: 4, Items: info, Seed: 1,
			Progress: func(m string) {
				if strings.HasPrefix(m, "validation") {
					t.Log(m)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := rep.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		t.Logf("generator seed %d:\n%s", n, b.String())
		byName := map[string]Result{}
		for _, r := range rep.Results {
			byName[r.Model] = r
		}
		lyo := byName["lyo"]
		for _, r := range rep.Results[1:] {
			if lyo.Recall20 <= r.Recall20 || lyo.NDCG10 <= r.NDCG10 {
				t.Errorf("seed %d: engine %.4f / %.4f does not lead %s %.4f / %.4f", n, lyo.Recall20, lyo.NDCG10, r.Model, r.Recall20, r.NDCG10)
			}
		}
		if lyo.Coverage20 < byName["ease"].Coverage20 {
			t.Errorf("seed %d: engine coverage %.4f below EASE's %.4f", n, lyo.Coverage20, byName["ease"].Coverage20)
		}
	}
}
