package eval

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Tuned is the outcome of Tune: the configuration chosen and what it scored
// on the validation split, beside the defaults' figures.
type Tuned struct {
	Config *rank.Config
	// Before and After are the engine's validation figures with the default
	// and the chosen weights.
	Before, After Result
	// Changed names each knob moved from its default, as "name=value";
	// Knobs holds the same as name → value (ApplyKnobs sets them again).
	Changed []string
	Knobs   map[string]float64
	Users   int // validation users scored
}

// Summary is one line for the progress stream.
func (t *Tuned) Summary() string {
	changed := "none"
	if len(t.Changed) > 0 {
		changed = strings.Join(t.Changed, " ")
	}
	return fmt.Sprintf("validation (%d users): Recall@20 %.4f → %.4f, NDCG@10 %.4f → %.4f; changed: %s",
		t.Users, t.Before.Recall20, t.After.Recall20, t.Before.NDCG10, t.After.NDCG10, changed)
}

// knob is one weight the tuning may move, with the values it tries.
type knob struct {
	name   string
	values []float64
	set    func(c *rank.Config, v float64)
}

// interest sets feature f's coefficient in every positive target's model
// (complete, like, save, share): the shared evidence of interest.
func interest(f int) func(c *rank.Config, v float64) {
	return func(c *rank.Config, v float64) {
		for _, t := range []int{rank.TargetComplete, rank.TargetLike, rank.TargetSave, rank.TargetShare} {
			c.Models[t].W[f] = float32(v)
		}
	}
}

// knobs are the blend's weights: how much each source counts, how fast a
// learner's history fades by position, and how much a positive interaction
// counts over a view. Diversity, caps and exploration are product choices and
// stay as configured.
var knobs = []knob{
	{"latent", []float64{1, 2, 3, 4}, interest(rank.FeatLatent)},
	{"ease", []float64{1, 2, 3, 4}, interest(rank.FeatEASE)},
	{"co_positive", []float64{0.5, 1, 2}, interest(rank.FeatCoPositive)},
	{"co_viewed", []float64{0.3, 1, 2}, interest(rank.FeatCoViewed)},
	{"similar", []float64{0, 0.8, 1.6}, interest(rank.FeatSimilar)},
	{"topic_affinity", []float64{0.5, 1, 2}, interest(rank.FeatTopicAffinity)},
	{"popularity", []float64{0, 0.4, 1}, interest(rank.FeatPopularity)},
	{"history_decay", []float64{0.9, 0.95, 0.97, 0.99}, func(c *rank.Config, v float64) { c.HistoryDecay = v }},
	{"positive_weight", []float64{0.5, 1, 2}, func(c *rank.Config, v float64) { c.PositiveWeight = v }},
}

// tunePasses is how many rounds of coordinate search Tune makes.
const tunePasses = 2

// Tune chooses the engine's blend weights on a validation split carved from
// the training rows of s alone (never its held-out rows): the same protocol
// applied again to the training rows, the models trained on what that leaves,
// and the full engine (caps, diversity and exploration on) scored on the
// validation positives. A coordinate search over the knobs, starting from the
// defaults, keeps a move only when Recall@20 + NDCG@10 improve.
func Tune(ctx context.Context, s *Split, o Options) (*Tuned, error) {
	var rows []Row
	for _, rs := range s.Train {
		rows = append(rows, rs...)
	}
	vs := SplitRows(rows, o.Threshold)
	if len(vs.Scored) == 0 {
		return nil, ErrNoUsers
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	vt := newTrainSet(vs, o.Threshold, o.Items)
	fit, err := fitModels(ctx, vt, o, func(string) {})
	if err != nil {
		return nil, err
	}
	cfg := rank.DefaultConfig()
	e := fit.engine(cfg, o.Seed)
	measure := func(c *rank.Config) (Result, float64, error) {
		e.cfg = c
		res, _, err := score(ctx, vt, e)
		return res, res.Recall20 + res.NDCG10, err
	}
	before, best, err := measure(cfg)
	if err != nil {
		return nil, err
	}
	out := &Tuned{Before: before, After: before, Users: len(vs.Scored)}
	chosen := make([]float64, len(knobs))
	for k := range chosen {
		chosen[k] = -1 // the default
	}
	for range tunePasses {
		moved := false
		for k, kn := range knobs {
			for _, v := range kn.values {
				if v == chosen[k] {
					continue
				}
				c := *cfg
				kn.set(&c, v)
				res, obj, err := measure(&c)
				if err != nil {
					return nil, err
				}
				if obj > best+1e-4 {
					best, out.After, chosen[k], moved = obj, res, v, true
					cfg = &c
				}
			}
		}
		if !moved {
			break
		}
	}
	def := rank.DefaultConfig()
	for k, kn := range knobs {
		c := *def
		kn.set(&c, chosen[k])
		if chosen[k] >= 0 && c != *def {
			out.Changed = append(out.Changed, fmt.Sprintf("%s=%g", kn.name, chosen[k]))
			if out.Knobs == nil {
				out.Knobs = map[string]float64{}
			}
			out.Knobs[kn.name] = chosen[k]
		}
	}
	out.Config = cfg
	return out, nil
}

// Helps reports whether the chosen weights beat the defaults on validation
// (Recall@20 + NDCG@10, the objective the search climbs).
func (t *Tuned) Helps() bool {
	return len(t.Knobs) > 0 && t.After.Recall20+t.After.NDCG10 > t.Before.Recall20+t.Before.NDCG10+1e-4
}

// ApplyKnobs returns a copy of base with each named knob set to its value, as
// Tune sets them; names no knob has are returned, and left out.
func ApplyKnobs(base *rank.Config, values map[string]float64) (*rank.Config, []string) {
	c := *base
	var unknown []string
	for name, v := range values {
		k := slices.IndexFunc(knobs, func(kn knob) bool { return kn.name == name })
		if k < 0 {
			unknown = append(unknown, name)
			continue
		}
		knobs[k].set(&c, v)
	}
	slices.Sort(unknown)
	return &c, unknown
}

// TuneRows is Tune on rows that are all training (an event log, with nothing
// held out for a test): the validation split is carved from them the same way.
func TuneRows(ctx context.Context, rows []Row, o Options) (*Tuned, error) {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.ALS.Seed == 0 {
		o.ALS.Seed = o.Seed
	}
	o.ALS.Workers, o.KNN.Workers, o.EASE.Workers = o.Workers, o.Workers, o.Workers
	return Tune(ctx, &Split{Train: [][]Row{rows}}, o)
}
