package tutor

import (
	"context"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/jobs"
)

// TagSweepArgs is the periodic job that finds new or changed items and
// enqueues a tagging job for each.
type TagSweepArgs struct{}

// Kind names the job in the queue.
func (TagSweepArgs) Kind() string { return "tutor.tag_sweep" }

// TagArgs tags one item. Unique per item and content hash: a sweep that runs
// again before the job is worked adds nothing.
type TagArgs struct {
	ItemID string `json:"item_id"`
	Hash   string `json:"hash"`
}

// Kind names the job in the queue.
func (TagArgs) Kind() string { return "tutor.tag_item" }

// tagSweepBatch bounds how many items one sweep enqueues.
const tagSweepBatch = 200

// TagSweepWorker works TagSweepArgs.
type TagSweepWorker struct {
	jobs.WorkerDefaults[TagSweepArgs]
	svc   *Service
	queue *jobs.Queue
}

// NewTagSweepWorker enqueues on q the items svc should tag.
func NewTagSweepWorker(svc *Service, q *jobs.Queue) *TagSweepWorker {
	return &TagSweepWorker{svc: svc, queue: q}
}

// Work enqueues a tagging job for each item to tag.
func (w *TagSweepWorker) Work(ctx context.Context, _ *jobs.Job[TagSweepArgs]) error {
	items, err := w.svc.store.ItemsToTag(ctx, tagSweepBatch)
	if err != nil {
		return fmt.Errorf("tutor.tag_sweep: %w", err)
	}
	for _, it := range items {
		if _, err := w.queue.Enqueue(ctx, TagArgs{ItemID: it.ItemID, Hash: ContentHash(it)},
			&jobs.InsertOpts{UniqueOpts: jobs.UniqueOpts{ByArgs: true, ByPeriod: 24 * time.Hour}}); err != nil {
			return fmt.Errorf("tutor.tag_sweep: %w", err)
		}
	}
	return nil
}

// TagWorker works TagArgs.
type TagWorker struct {
	jobs.WorkerDefaults[TagArgs]
	svc *Service
}

// NewTagWorker tags with svc.
func NewTagWorker(svc *Service) *TagWorker { return &TagWorker{svc: svc} }

// Work tags the item as it is now (the hash in the arguments only keeps the
// job unique).
func (w *TagWorker) Work(ctx context.Context, job *jobs.Job[TagArgs]) error {
	if _, err := w.svc.Tag(ctx, job.Args.ItemID); err != nil {
		return fmt.Errorf("tutor.tag_item: %w", err)
	}
	return nil
}
