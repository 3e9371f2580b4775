package app

import (
	"fmt"
	"maps"
	"testing"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/seed/bulk"
)

// weightsView is the ranking weights as the admin's explanation shows them.
type weightsView struct {
	Version  int                `json:"version"`
	Knobs    map[string]float64 `json:"knobs"`
	Tuned    bool               `json:"tuned"`
	Learners int                `json:"learners"`
	Default  struct {
		Recall20 float64 `json:"recall_at_20"`
		NDCG10   float64 `json:"ndcg_at_10"`
	} `json:"validation_default"`
	Best struct {
		Recall20 float64 `json:"recall_at_20"`
		NDCG10   float64 `json:"ndcg_at_10"`
	} `json:"validation_best"`
	Note string `json:"note"`
}

// TestFeedTunedWeights: on an imported interaction log, the training job tunes
// the ranker's weights on a validation split of the log, keeps them because
// they beat the defaults there, and stores them with the snapshot; another
// node that loads the snapshot ranks with them, and its admin explanation
// says which weights are in force and what they scored.
func TestFeedTunedWeights(t *testing.T) {
	data := writeSynthCSV(t, evalSmall)
	items := writeItemFile(t, evalSmall)
	forEachEngine(t, func(t *testing.T, dbURL string) {
		getenv := testEnv(t, dbURL, map[string]string{"LYO_RATE_LIMIT": "false"})
		if out, err := runCLI(t, getenv, "seed", "--data", data, "--items", items, "--shift-to-now"); err != nil {
			t.Fatalf("seed --data: %v\n%s", err, out)
		}
		a := newTestServer(t, getenv)
		res, err := a.feed.Train(t.Context(), model.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		w := res.Weights
		if !w.Tuned || len(w.Knobs) == 0 || w.Learners == 0 ||
			w.Best.Recall20+w.Best.NDCG10 <= w.Default.Recall20+w.Default.NDCG10 {
			t.Fatalf("the training kept no tuned weights: %+v", w)
		}

		b := newTestServer(t, getenv)
		if loaded, err := b.feed.Catalogue().LoadSnapshot(t.Context()); err != nil || !loaded {
			t.Fatalf("LoadSnapshot = %v, %v", loaded, err)
		}
		if err := b.feed.Catalogue().Rebuild(t.Context()); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, b, loadSpec(t))
		admin := c.as(c.createUser("admin@example.com", "admin password", "admin").AccessToken)
		u, err := b.db.UserByEmail(t.Context(), "data1@"+bulk.DataEmailDomain)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Snapshot int64       `json:"snapshot_version"`
			Weights  weightsView `json:"weights"`
			Items    []struct{}  `json:"items"`
		}
		want(t, admin.do("GET", "/api/v1/admin/feed/explain?user_id="+u.ID, nil), 200, &e)
		got := e.Weights
		if e.Snapshot != res.Version || !got.Tuned || !maps.Equal(got.Knobs, w.Knobs) || got.Learners != w.Learners ||
			got.Best.Recall20 != w.Best.Recall20 || got.Default.NDCG10 != w.Default.NDCG10 {
			t.Errorf("the other node ranks with snapshot %d and weights %+v; want %d and %+v", e.Snapshot, got, res.Version, *w)
		}
		if len(e.Items) == 0 {
			t.Error("the other node explains an empty page")
		}
	})
}

// TestFeedWeightsKeepDefaults: where tuning cannot help (every learner's
// validation item is one nobody else had), the training stores the default
// weights, and the explanation says so.
func TestFeedWeightsKeepDefaults(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dbURL string) {
		w := newFeedWorld(t, dbURL, 12)
		chem, hist := w.byTopic["chemistry"], w.byTopic["history"]
		var ada *client
		for i := range 8 {
			l := w.learner(fmt.Sprintf("learner%d@example.com", i))
			if i == 0 {
				ada = l
			}
			var evs []map[string]any
			for k := range 4 {
				evs = append(evs, event("complete", chem[(i+k)%len(chem)].ID, w.clk.Now(), 0))
			}
			send(t, l, evs...)
			// Last, the learner's own item: what validation holds out.
			send(t, l, event("complete", hist[i].ID, w.clk.Now(), 0))
		}
		res, err := w.s.feed.Train(t.Context(), model.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Weights.Tuned || len(res.Weights.Knobs) != 0 || res.Weights.Note == "" {
			t.Errorf("tuning that cannot help kept weights: %+v", res.Weights)
		}
		if loaded, err := w.s.feed.Catalogue().LoadSnapshot(t.Context()); err != nil || !loaded {
			t.Fatalf("LoadSnapshot = %v, %v", loaded, err)
		}
		w.rebuild()
		var e struct {
			Weights weightsView `json:"weights"`
		}
		want(t, w.admin.do("GET", "/api/v1/admin/feed/explain?user_id="+userID(t, ada), nil), 200, &e)
		if e.Weights.Tuned || len(e.Weights.Knobs) != 0 || e.Weights.Version == 0 {
			t.Errorf("the explanation shows %+v; want the defaults", e.Weights)
		}
	})
}
