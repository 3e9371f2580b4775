package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Options tune a run.
type Options struct {
	Threshold float64             // rows at or above it are positive (a like); the CLI's default is 4
	Items     map[string]ItemInfo // optional titles and topics (ReadItems)
	Seed      uint64              // the engine's request seed and the models' seed (default 1)
	Config    *rank.Config        // the engine's configuration (nil: rank.DefaultConfig)
	ALS       model.ALSOptions
	KNN       model.KNNOptions
	EASE      model.EASEOptions
	Workers   int
	// Progress, when set, is told what the run is doing (for stderr).
	Progress func(msg string)
	// NoTune keeps the default weights instead of tuning them on a
	// validation split (ignored when Config is set, which is used as it is).
	NoTune bool
}

// fitted is every model trained on one training set, and the engine's
// snapshot made of them.
type fitted struct {
	t       *trainSet
	info    map[string]ItemInfo
	knn     *itemKNN
	factors *model.Factors
	ease    *model.EASE
	snap    *model.Snapshot
}

// fitModels trains the baselines on t and assembles the engine's snapshot
// from them, so a run trains each model once.
func fitModels(ctx context.Context, t *trainSet, o Options, say func(string)) (*fitted, error) {
	fit := &fitted{t: t, info: o.Items}
	var err error
	say("training item-knn")
	if fit.knn, err = newItemKNN(ctx, t, o.KNN); err != nil {
		return nil, err
	}
	say("training als")
	if fit.factors, err = model.ALS(ctx, t.m, o.ALS); err != nil {
		return nil, fmt.Errorf("als: %w", err)
	}
	say("training ease")
	switch fit.ease, err = model.TrainEASE(ctx, t.m, o.EASE); {
	case errors.Is(err, model.ErrTooLarge):
		fit.ease = nil
		say("ease left out: " + err.Error())
	case err != nil:
		return nil, fmt.Errorf("ease: %w", err)
	}
	say("building the engine's snapshot")
	if fit.snap, err = snapshotFrom(ctx, t, fit.knn.lists, fit.factors, fit.ease, o.Items, o.Workers); err != nil {
		return nil, err
	}
	return fit, nil
}

// engine is the full feed over the fitted snapshot with configuration cfg.
func (f *fitted) engine(cfg *rank.Config, seed uint64) *engine {
	return newEngine(f.t, f.snap, f.info, cfg, seed)
}

// Result is one model's figures.
type Result struct {
	Model      string  `json:"model"`
	Recall20   float64 `json:"recall_at_20"`
	NDCG10     float64 `json:"ndcg_at_10"`
	Coverage20 float64 `json:"coverage_at_20"`
	ILD10      float64 `json:"ild_at_10"`
	Novelty10  float64 `json:"novelty_at_10"`
}

// Report is a whole run.
type Report struct {
	Results []Result `json:"results"`
	Users   int      `json:"-"` // users scored
	Items   int      `json:"-"` // training catalogue
	Rows    int      `json:"-"`
	// Lists are the engine's lists, per scored user, with the file's tokens.
	Lists []UserList `json:"-"`
}

// UserList is one user's list as --lists writes it.
type UserList struct {
	User  string   `json:"user"`
	Items []string `json:"items"`
}

// ErrNoUsers is returned when no user has a held-out positive.
var ErrNoUsers = errors.New("no user has a held-out positive: nothing to evaluate")

// Run evaluates the engine ("lyo") and the baselines (popularity, itemknn,
// als, ease — ease only when the catalogue is within its bound) on rows with
// the protocol of SplitRows.
func Run(ctx context.Context, rows []Row, o Options) (*Report, error) {
	say := func(msg string) {
		if o.Progress != nil {
			o.Progress(msg)
		}
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.ALS.Seed == 0 {
		o.ALS.Seed = o.Seed
	}
	o.ALS.Workers, o.KNN.Workers, o.EASE.Workers = o.Workers, o.Workers, o.Workers
	s := SplitRows(rows, o.Threshold)
	if len(s.Scored) == 0 {
		return nil, ErrNoUsers
	}
	say(fmt.Sprintf("%d rows, %d users (%d scored), %d training items", len(rows), len(s.Users), len(s.Scored), len(s.Items)))
	t := newTrainSet(s, o.Threshold, o.Items)
	fit, err := fitModels(ctx, t, o, say)
	if err != nil {
		return nil, err
	}
	cfg := o.Config
	if cfg == nil {
		cfg = rank.DefaultConfig()
		if !o.NoTune {
			say("tuning the engine's weights on a validation split carved from training")
			tuned, err := Tune(ctx, s, o)
			switch {
			case errors.Is(err, ErrNoUsers):
				say("no validation user: default weights")
			case err != nil:
				return nil, fmt.Errorf("tune: %w", err)
			default:
				cfg = tuned.Config
				say(tuned.Summary())
			}
		}
	}
	models := []recommender{fit.engine(cfg, o.Seed), newPopularity(t), fit.knn, &latent{t: t, f: fit.factors, top: model.NewTopK(20)}}
	if fit.ease != nil {
		models = append(models, &ease{t: t, e: fit.ease, scores: make([]float32, t.m.NCols), top: model.NewTopK(20)})
	}
	rep := &Report{Users: len(s.Scored), Items: len(s.Items), Rows: len(rows)}
	for _, m := range models {
		say("ranking with " + m.name())
		res, lists, err := score(ctx, t, m)
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, res)
		if m.name() == "lyo" {
			rep.Lists = lists
		}
	}
	return rep, nil
}

// score asks a model for every scored user's 20 and computes the metrics.
func score(ctx context.Context, t *trainSet, m recommender) (Result, []UserList, error) {
	s := t.s
	res := Result{Model: m.name()}
	distinct := map[string]bool{}
	lists := make([]UserList, 0, len(s.Scored))
	for _, u := range s.Scored {
		if err := ctx.Err(); err != nil {
			return res, nil, err
		}
		list := m.recommend(u, 20)
		lists = append(lists, UserList{User: s.Users[u], Items: list})
		pos := s.Positives[u]
		res.Recall20 += Recall(list, pos, 20)
		res.NDCG10 += NDCG(list, pos, 10)
		res.ILD10 += ILD(list, t.topics, 10)
		res.Novelty10 += Novelty(list, t.usersOf, len(s.Users), 10)
		for _, id := range list {
			distinct[id] = true
		}
	}
	n := float64(len(s.Scored))
	res.Recall20 /= n
	res.NDCG10 /= n
	res.ILD10 /= n
	res.Novelty10 /= n
	res.Coverage20 = float64(len(distinct)) / float64(len(s.Items))
	return res, lists, nil
}

// WriteTable prints the results as an aligned table.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "model\tRecall@20\tNDCG@10\tCoverage@20\tILD@10\tNovelty@10\t\n")
	for _, x := range r.Results {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.2f%%\t%.4f\t%.3f\t\n", x.Model, x.Recall20, x.NDCG10, 100*x.Coverage20, x.ILD10, x.Novelty10)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	_, err := fmt.Fprintf(w, "%d rows, %d users scored, %d training items\n", r.Rows, r.Users, r.Items)
	return err
}

// WriteJSON writes {"results": [...]}.
func (r *Report) WriteJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(struct {
		Results []Result `json:"results"`
	}{r.Results})
}

// WriteLists writes the engine's lists as JSON lines {"user", "items"}.
func (r *Report) WriteLists(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, l := range r.Lists {
		if err := enc.Encode(l); err != nil {
			return fmt.Errorf("write lists: %w", err)
		}
	}
	return nil
}
