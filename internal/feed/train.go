package feed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/feed/model"
	"github.com/lyolearn/lyo/internal/feed/rank"
)

// Training reads the log and the catalogue in pages of these sizes.
const (
	trainEventPage = 20_000
	trainItemPage  = 5_000
	trainBodyChars = 2_000 // content similarity reads the start of a body
	keepSnapshots  = 3
)

// TrainResult says what a training run made.
type TrainResult struct {
	Version  int64
	Events   int
	Learners int
	Items    int
	Bytes    int
	Took     time.Duration
	// Weights are the ranking weights stored with the snapshot: tuned on a
	// validation split of the log, or the defaults when tuning did not help.
	Weights *Weights
}

// Train trains the feed's models on the whole event log and the published
// catalogue, and stores the snapshot as the newest version; every node loads it
// within its next refresh. Each event weighs what rank.TrainingWeight says (the
// same weighting eval trains with); events before a learner's profile reset
// are left out. opts tunes the models (zero: model's defaults).
//
// It also tunes the ranker's blend weights as `lyo eval` does, on a
// validation split carved from the log of a sample of at most tuneLearners
// learners, and stores them with the snapshot only when they beat the
// defaults there.
func (s *Service) Train(ctx context.Context, opts model.Options) (TrainResult, error) {
	start := time.Now()
	built := s.now().UTC()
	var res TrainResult
	var texts []model.Text
	durations := map[string]int64{}
	intern := map[string]string{}
	name := func(id string) string {
		if v, ok := intern[id]; ok {
			return v
		}
		intern[id] = id
		return id
	}
	for after := ""; ; {
		page, err := s.store.ItemTexts(ctx, after, trainItemPage, trainBodyChars)
		if err != nil {
			return res, fmt.Errorf("train: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for _, it := range page {
			id := name(it.ID)
			texts = append(texts, model.Text{ID: id, Title: it.Title, Description: it.Description, Body: it.Body, Topics: it.Topics})
			durations[id] = it.DurationMS
		}
		after = page[len(page)-1].ID
	}
	var rows []model.Row
	learners := map[string]bool{}
	sample := newTuneSample(tuneLearners)
	for after := int64(0); ; {
		page, last, err := s.store.TrainingEvents(ctx, after, trainEventPage)
		if err != nil {
			return res, fmt.Errorf("train: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			in := rank.Interaction{ItemID: e.ItemID, Type: rank.EventType(e.Type), At: e.At, Correct: e.Correct}
			if d := durations[e.ItemID]; in.Type == rank.View && d > 0 && e.WatchMS > 0 {
				in.WatchRatio = float32(min(float64(e.WatchMS)/float64(d), 1))
			}
			if e.At.After(built) {
				continue
			}
			sample.add(name(e.UserID), in)
			if w := rank.TrainingWeight(in); w > 0 {
				user := name(e.UserID)
				rows = append(rows, model.Row{User: user, Item: name(e.ItemID), Weight: w, At: e.At})
				learners[user] = true
			}
		}
		res.Events += len(page)
		after = last
	}
	// Only the counts are kept past training: the rows, texts and maps are
	// garbage once the models are trained, before the snapshot is encoded.
	res.Learners, res.Items = len(learners), len(texts)
	// Tuning first: its models are garbage before the full ones are trained.
	tuneStart := time.Now()
	var err error
	if res.Weights, err = s.tuneWeights(ctx, sample.rows(), texts, opts); err != nil {
		return res, fmt.Errorf("train: tune: %w", err)
	}
	tuneTook := time.Since(tuneStart)
	snap, err := model.Train(ctx, model.TrainData{Rows: rows, Texts: texts, Built: built}, opts)
	if err != nil {
		return res, fmt.Errorf("train: %w", err)
	}
	data := snap.AppendBinary(nil)
	res.Bytes, res.Took = len(data), time.Since(start)
	stats := map[string]any{"events": res.Events, "learners": res.Learners, "items": res.Items,
		"train_seconds": res.Took.Seconds(), "tune_seconds": tuneTook.Seconds(), weightsStat: res.Weights}
	res.Version, err = s.store.SaveSnapshot(ctx, SnapshotRecord{Format: model.FormatVersion, BuiltAt: built,
		CreatedAt: s.now().UTC(), Stats: stats, Data: data}, keepSnapshots)
	if err != nil {
		return res, fmt.Errorf("train: %w", err)
	}
	s.log.InfoContext(ctx, "feed model trained", "version", res.Version, "events", res.Events, "learners", res.Learners,
		"items", res.Items, "bytes", res.Bytes, "took", res.Took, "tuned", res.Weights.Tuned, "knobs", res.Weights.Knobs)
	return res, nil
}

// LoadSnapshot binds the newest stored snapshot when it is newer than the
// one the catalogue has, and reports whether it did. A snapshot this build
// cannot read (another encoding version, damage) is skipped with a warning:
// the node keeps the model it has.
func (c *Catalogue) LoadSnapshot(ctx context.Context) (bool, error) {
	info, err := c.store.LatestSnapshot(ctx)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("load snapshot: %w", err)
	}
	if info.Version <= c.SnapshotVersion() || info.Version == c.skipped.Load() {
		return false, nil
	}
	data, err := c.store.SnapshotData(ctx, info.Version)
	if errors.Is(err, ErrNotFound) {
		return false, nil // pruned since: a newer one is there
	}
	if err != nil {
		return false, fmt.Errorf("load snapshot %d: %w", info.Version, err)
	}
	m, err := model.Decode(data)
	if err != nil {
		c.skipped.Store(info.Version)
		c.log.WarnContext(ctx, "feed: a stored model snapshot cannot be read; keeping the current one",
			"version", info.Version, "format", info.Format, "error", err)
		return false, nil
	}
	w, err := weightsOf(info.Stats)
	if err != nil {
		c.log.WarnContext(ctx, "feed: the ranking weights stored with a model snapshot cannot be read; ranking with the defaults",
			"version", info.Version, "error", err)
		w = defaultWeights("the stored weights cannot be read")
	}
	if _, unknown := w.config(rank.DefaultConfig()); len(unknown) > 0 {
		c.log.WarnContext(ctx, "feed: a model snapshot names ranking weights this build does not know; they are left out",
			"version", info.Version, "knobs", unknown)
	}
	return c.SetSnapshot(info.Version, m, w), nil
}
