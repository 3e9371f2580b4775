package feed

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"slices"
	"time"

	"github.com/lyolearn/lyo/internal/feed/eval"
	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// The training job tunes the ranker's blend weights the way `lyo eval` does,
// on a validation split carved from the event log, and stores them with the
// snapshot: every node that binds the snapshot ranks with them.
const (
	// weightsVersion versions Weights as stored beside a snapshot; a node
	// that finds another version ranks with the defaults.
	weightsVersion = 1
	// weightsStat is the key of Weights in a snapshot's stats.
	weightsStat = "ranking"
	// tuneLearners bounds the learners the validation split is carved from:
	// a deterministic sample (by a hash of the ID) when the log has more.
	tuneLearners = 500
	// tuneEASEItems bounds the catalogue EASE is trained on for tuning.
	tuneEASEItems = 5000
	// tuneBudget bounds the tuning's time; past it the defaults are kept.
	tuneBudget = 30 * time.Second
)

// Weights are the ranking weights a training run stored with its snapshot,
// and what they scored on the validation split.
type Weights struct {
	Version int `json:"version"`
	// Knobs are the weights in force that differ from the defaults, knob name
	// → value (the names `lyo eval` tunes); empty when the defaults are kept.
	Knobs map[string]float64 `json:"knobs"`
	// Tuned reports whether the tuned weights beat the defaults on
	// validation, and so are the ones in force.
	Tuned bool `json:"tuned"`
	// Learners is how many validation learners were scored (0: no tuning).
	Learners int `json:"learners"`
	// Default and Best are the validation figures of the default weights
	// and of the best the search found.
	Default Figures `json:"validation_default"`
	Best    Figures `json:"validation_best"`
	// Note says why the defaults are kept, when they are.
	Note string `json:"note,omitempty"`
}

// Figures are the engine's validation figures.
type Figures struct {
	Recall20 float64 `json:"recall_at_20"`
	NDCG10   float64 `json:"ndcg_at_10"`
}

// defaultWeights are in force when no snapshot says otherwise.
func defaultWeights(note string) *Weights {
	return &Weights{Version: weightsVersion, Knobs: map[string]float64{}, Note: note}
}

// weightsOf reads the Weights stored in a snapshot's stats; a snapshot
// without them, or with another version, has the defaults.
func weightsOf(stats map[string]any) (*Weights, error) {
	v, ok := stats[weightsStat]
	if !ok {
		return defaultWeights("the snapshot was trained without tuning"), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var w Weights
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	if w.Version != weightsVersion {
		return nil, errors.New("unknown version of the ranking weights")
	}
	if w.Knobs == nil {
		w.Knobs = map[string]float64{}
	}
	return &w, nil
}

// config is base with the weights' knobs set; unknown knobs are left out.
func (w *Weights) config(base *rank.Config) (*rank.Config, []string) {
	if w == nil || len(w.Knobs) == 0 {
		return base, nil
	}
	return eval.ApplyKnobs(base, w.Knobs)
}

// tuneSample keeps the events of a deterministic sample of at most n
// learners, those whose IDs hash lowest, as interaction rows; it reads the
// log in one pass, dropping learners as lower hashes come in.
type tuneSample struct {
	n     int
	cut   uint64 // learners hashing above are out
	users map[string]*eval.LogRows
}

func newTuneSample(n int) *tuneSample {
	return &tuneSample{n: n, cut: ^uint64(0), users: map[string]*eval.LogRows{}}
}

func learnerHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte("tune:"))
	h.Write([]byte(id))
	return h.Sum64()
}

func (t *tuneSample) add(user string, in rank.Interaction) {
	lr := t.users[user]
	if lr == nil {
		if learnerHash(user) > t.cut {
			return
		}
		lr = &eval.LogRows{User: user}
		t.users[user] = lr
		if len(t.users) > 2*t.n {
			t.trim()
			if t.users[user] == nil {
				return
			}
		}
	}
	lr.Add(in)
}

// trim keeps the n learners hashing lowest.
func (t *tuneSample) trim() {
	if len(t.users) <= t.n {
		return
	}
	hs := make([]uint64, 0, len(t.users))
	for u := range t.users {
		hs = append(hs, learnerHash(u))
	}
	slices.Sort(hs)
	t.cut = hs[t.n-1]
	for u := range t.users {
		if learnerHash(u) > t.cut {
			delete(t.users, u)
		}
	}
}

// rows are the sample's rows, learners in the order of their IDs.
func (t *tuneSample) rows() []eval.Row {
	t.trim()
	ids := make([]string, 0, len(t.users))
	for u := range t.users {
		ids = append(ids, u)
	}
	slices.Sort(ids)
	var out []eval.Row
	for _, u := range ids {
		out = append(out, t.users[u].Rows()...)
	}
	return out
}

// tuneWeights tunes the blend weights on a validation split carved from rows
// (the protocol of `lyo eval`: per learner the last fifth held for
// validation), with the models trained as opts says, and keeps them only when
// they beat the defaults. It fails only when ctx ends; any other trouble keeps
// the defaults, with a note.
func (s *Service) tuneWeights(ctx context.Context, rows []eval.Row, texts []model.Text, opts model.Options) (*Weights, error) {
	if len(rows) == 0 {
		return defaultWeights("no events to tune on"), nil
	}
	inRows := map[string]bool{}
	for _, r := range rows {
		inRows[r.Item] = true
	}
	info := map[string]eval.ItemInfo{}
	for _, t := range texts {
		if inRows[t.ID] {
			info[t.ID] = eval.ItemInfo{Title: t.Title, Topics: t.Topics}
		}
	}
	// EASE takes part only where the served snapshot has it, and then only
	// on a sample's catalogue it can invert quickly.
	ease := opts.EASE
	if limit := cmp.Or(max(ease.MaxItems, 0), model.DefaultEASEMaxItems); opts.NoEASE || len(texts) > limit {
		ease.MaxItems = 1 // refused: left out
	} else {
		ease.MaxItems = min(limit, tuneEASEItems)
	}
	tctx, cancel := context.WithTimeout(ctx, s.tuneBudget)
	defer cancel()
	t, err := eval.TuneRows(tctx, rows, eval.Options{Threshold: eval.LogThreshold, Items: info, Seed: 1,
		ALS: opts.ALS, KNN: opts.KNN, EASE: ease, Workers: opts.Workers})
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, eval.ErrNoUsers):
		return defaultWeights("no learner has a validation positive"), nil
	case tctx.Err() != nil:
		s.log.WarnContext(ctx, "feed: tuning the ranking weights ran out of time; keeping the defaults", "budget", s.tuneBudget)
		return defaultWeights("tuning ran out of time"), nil
	case err != nil:
		s.log.WarnContext(ctx, "feed: tuning the ranking weights failed; keeping the defaults", "error", err)
		return defaultWeights("tuning failed"), nil
	}
	w := defaultWeights("")
	w.Learners = t.Users
	w.Default = Figures{Recall20: t.Before.Recall20, NDCG10: t.Before.NDCG10}
	w.Best = Figures{Recall20: t.After.Recall20, NDCG10: t.After.NDCG10}
	if t.Helps() {
		w.Knobs, w.Tuned = t.Knobs, true
	} else {
		w.Note = "no tuned weights beat the defaults on validation"
	}
	return w, nil
}
