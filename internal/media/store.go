package media

import (
	"context"
	"time"

	"github.com/lyolearn/lyo/internal/jobs"
)

// Store is what media needs from the database. Both engines implement it.
type Store interface {
	// CreateMedia inserts m and, in the same transaction, runs then (which
	// enqueues its processing job). With quota above zero, an owner whose
	// media would then hold more than quota bytes gets ErrQuota and nothing is
	// written.
	CreateMedia(ctx context.Context, m Media, quota int64, then func(ctx context.Context, tx jobs.Tx) error) error
	// MediaByID returns a media record; ErrNotFound when absent.
	MediaByID(ctx context.Context, id string) (Media, error)
	// MediaByIDs returns the records that exist, in no particular order.
	MediaByIDs(ctx context.Context, ids []string) ([]Media, error)
	// MediaByOwner pages an owner's media oldest first, after the id after.
	MediaByOwner(ctx context.Context, ownerID, after string, limit int) ([]Media, error)
	// MediaUsage is the bytes of every original an owner has stored.
	MediaUsage(ctx context.Context, ownerID string) (int64, error)
	// SetProcessing moves a record of run to processing; ErrStale when the
	// record has moved to another run, ErrNotFound when it is gone.
	SetProcessing(ctx context.Context, id string, run int64, now time.Time) error
	// FinishProcessing stores the outcome of run (status, reason, variants,
	// placeholder, dominant colour) in one write; ErrStale when the record
	// has moved to another run.
	FinishProcessing(ctx context.Context, m Media) error
	// Reprocess starts a new run with presets: status uploaded, run moved on,
	// and then (which enqueues the job) in the same transaction. It answers
	// the record as written.
	Reprocess(ctx context.Context, id string, presets []string, now time.Time, then func(ctx context.Context, tx jobs.Tx, m Media) error) (Media, error)
	// DeleteMedia removes the record and runs then (which enqueues the
	// removal of its objects) in the same transaction.
	DeleteMedia(ctx context.Context, id string, then func(ctx context.Context, tx jobs.Tx) error) error

	// CreateUpload records a direct upload handed out.
	CreateUpload(ctx context.Context, u Upload) error
	// UploadByID returns a direct upload; ErrNotFound when absent.
	UploadByID(ctx context.Context, id string) (Upload, error)
	// DeleteUpload forgets a direct upload; a missing one is not an error.
	DeleteUpload(ctx context.Context, id string) error
	// ExpiredUploads lists up to limit uploads that expired before t.
	ExpiredUploads(ctx context.Context, t time.Time, limit int) ([]Upload, error)
	// UploadsByOwner lists an owner's uploads in progress (account deletion).
	UploadsByOwner(ctx context.Context, ownerID string) ([]Upload, error)
}
