package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media"
)

var _ media.Store = (*DB)(nil)

const mediaColumns = `id, owner_id, kind, status, reason, visibility, provider, format, content_type,
	bytes, sha256, width, height, frames, duration_ms, original_key, variants, placeholder, dominant,
	run, presets, created_at, updated_at`

func scanMedia(r pgx.Row) (media.Media, error) {
	var m media.Media
	var kind, status, vis string
	var variants, presets []byte
	err := r.Scan(&m.ID, &m.OwnerID, &kind, &status, &m.Reason, &vis, &m.Provider, &m.Format, &m.ContentType,
		&m.Bytes, &m.SHA256, &m.Width, &m.Height, &m.Frames, &m.DurationMS, &m.OriginalKey, &variants,
		&m.Placeholder, &m.Dominant, &m.Run, &presets, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return media.Media{}, err
	}
	m.Kind, m.Status, m.Visibility = media.Kind(kind), media.Status(status), media.Visibility(vis)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	if err := errors.Join(json.Unmarshal(variants, &m.Variants), json.Unmarshal(presets, &m.Presets)); err != nil {
		return media.Media{}, fmt.Errorf("media %s: %w", m.ID, err)
	}
	if len(m.Presets) == 0 {
		m.Presets = nil
	}
	return m, nil
}

func mediaNotFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return media.ErrNotFound
	}
	return err
}

func jsonDoc(v any) string {
	b, _ := json.Marshal(v) // slices of plain structs and strings always marshal
	return string(b)
}

func nonNilList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// CreateMedia inserts m after checking the owner's quota. An advisory lock on
// the owner serialises their uploads' checks, so two cannot both pass it.
func (db *DB) CreateMedia(ctx context.Context, m media.Media, quota int64, then func(ctx context.Context, tx jobs.Tx) error) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if quota > 0 {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('media.quota:' || $1, 0))`, m.OwnerID); err != nil {
				return err
			}
			var used int64
			if err := tx.QueryRow(ctx, `SELECT coalesce(sum(bytes), 0) FROM media WHERE owner_id = $1`, m.OwnerID).Scan(&used); err != nil {
				return err
			}
			if used+m.Bytes > quota {
				return media.ErrQuota
			}
		}
		variants := m.Variants
		if variants == nil {
			variants = []media.Variant{}
		}
		_, err := tx.Exec(ctx, `INSERT INTO media (`+mediaColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
			m.ID, m.OwnerID, string(m.Kind), string(m.Status), m.Reason, string(m.Visibility), m.Provider, m.Format,
			m.ContentType, m.Bytes, m.SHA256, m.Width, m.Height, m.Frames, m.DurationMS, m.OriginalKey,
			jsonDoc(variants), m.Placeholder, m.Dominant, m.Run, jsonDoc(nonNilList(m.Presets)),
			m.CreatedAt.UTC(), m.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		return then(ctx, jobs.PgxTx(tx))
	})
	if err != nil {
		return fmt.Errorf("create media %s: %w", m.ID, err)
	}
	return nil
}

// MediaByID returns one record.
func (db *DB) MediaByID(ctx context.Context, id string) (media.Media, error) {
	m, err := scanMedia(db.pool.QueryRow(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = $1`, id))
	if err != nil {
		return media.Media{}, fmt.Errorf("get media %s: %w", id, mediaNotFound(err))
	}
	return m, nil
}

// MediaByIDs returns the records that exist among ids.
func (db *DB) MediaByIDs(ctx context.Context, ids []string) ([]media.Media, error) {
	if len(ids) == 0 {
		return []media.Media{}, nil
	}
	out, err := db.queryMedia(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("get %d media: %w", len(ids), err)
	}
	return out, nil
}

// MediaByOwner pages an owner's media oldest first.
func (db *DB) MediaByOwner(ctx context.Context, ownerID, after string, limit int) ([]media.Media, error) {
	out, err := db.queryMedia(ctx, `SELECT `+mediaColumns+` FROM media WHERE owner_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		ownerID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("media of %s: %w", ownerID, err)
	}
	return out, nil
}

func (db *DB) queryMedia(ctx context.Context, q string, args ...any) ([]media.Media, error) {
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (media.Media, error) { return scanMedia(r) })
}

// MediaUsage sums the bytes of an owner's originals.
func (db *DB) MediaUsage(ctx context.Context, ownerID string) (int64, error) {
	var n int64
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(sum(bytes), 0) FROM media WHERE owner_id = $1`, ownerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("media usage of %s: %w", ownerID, err)
	}
	return n, nil
}

func (db *DB) runGuard(ctx context.Context, id string) error {
	var run int64
	if err := db.pool.QueryRow(ctx, `SELECT run FROM media WHERE id = $1`, id).Scan(&run); err != nil {
		return mediaNotFound(err)
	}
	return media.ErrStale
}

// SetProcessing moves a record of run to processing.
func (db *DB) SetProcessing(ctx context.Context, id string, run int64, now time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE media SET status = $1, reason = '', updated_at = $2 WHERE id = $3 AND run = $4`,
		string(media.Processing), now.UTC(), id, run)
	if err != nil {
		return fmt.Errorf("start processing %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("start processing %s: %w", id, db.runGuard(ctx, id))
	}
	return nil
}

// FinishProcessing stores the outcome of m.Run.
func (db *DB) FinishProcessing(ctx context.Context, m media.Media) error {
	variants := m.Variants
	if variants == nil {
		variants = []media.Variant{}
	}
	tag, err := db.pool.Exec(ctx, `UPDATE media SET status = $1, reason = $2, variants = $3, placeholder = $4,
		dominant = $5, updated_at = $6 WHERE id = $7 AND run = $8`,
		string(m.Status), m.Reason, jsonDoc(variants), m.Placeholder, m.Dominant, m.UpdatedAt.UTC(), m.ID, m.Run)
	if err != nil {
		return fmt.Errorf("finish processing %s: %w", m.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("finish processing %s: %w", m.ID, db.runGuard(ctx, m.ID))
	}
	return nil
}

// Reprocess starts a new run.
func (db *DB) Reprocess(ctx context.Context, id string, presets []string, now time.Time,
	then func(ctx context.Context, tx jobs.Tx, m media.Media) error) (media.Media, error) {
	var m media.Media
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		row := tx.QueryRow(ctx, `UPDATE media SET status = $1, reason = '', run = run + 1, presets = $2, updated_at = $3
			WHERE id = $4 RETURNING `+mediaColumns, string(media.Uploaded), jsonDoc(nonNilList(presets)), now.UTC(), id)
		var err error
		if m, err = scanMedia(row); err != nil {
			return mediaNotFound(err)
		}
		return then(ctx, jobs.PgxTx(tx), m)
	})
	if err != nil {
		return media.Media{}, fmt.Errorf("reprocess media %s: %w", id, err)
	}
	return m, nil
}

// DeleteMedia removes the record.
func (db *DB) DeleteMedia(ctx context.Context, id string, then func(ctx context.Context, tx jobs.Tx) error) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM media WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return media.ErrNotFound
		}
		return then(ctx, jobs.PgxTx(tx))
	})
	if err != nil {
		return fmt.Errorf("delete media %s: %w", id, err)
	}
	return nil
}

const uploadColumns = `id, owner_id, provider, key, multipart_id, size, part_size, content_type, visibility, expires_at, created_at`

func scanUpload(r pgx.Row) (media.Upload, error) {
	var u media.Upload
	var vis string
	if err := r.Scan(&u.ID, &u.OwnerID, &u.Provider, &u.Key, &u.MultipartID, &u.Size, &u.PartSize, &u.ContentType,
		&vis, &u.ExpiresAt, &u.CreatedAt); err != nil {
		return media.Upload{}, err
	}
	u.Visibility = media.Visibility(vis)
	u.ExpiresAt, u.CreatedAt = u.ExpiresAt.UTC(), u.CreatedAt.UTC()
	return u, nil
}

// CreateUpload records a direct upload.
func (db *DB) CreateUpload(ctx context.Context, u media.Upload) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO media_uploads (`+uploadColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		u.ID, u.OwnerID, u.Provider, u.Key, u.MultipartID, u.Size, u.PartSize, u.ContentType, string(u.Visibility),
		u.ExpiresAt.UTC(), u.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("create upload %s: %w", u.ID, err)
	}
	return nil
}

// UploadByID returns a direct upload.
func (db *DB) UploadByID(ctx context.Context, id string) (media.Upload, error) {
	u, err := scanUpload(db.pool.QueryRow(ctx, `SELECT `+uploadColumns+` FROM media_uploads WHERE id = $1`, id))
	if err != nil {
		return media.Upload{}, fmt.Errorf("get upload %s: %w", id, mediaNotFound(err))
	}
	return u, nil
}

// DeleteUpload forgets a direct upload.
func (db *DB) DeleteUpload(ctx context.Context, id string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM media_uploads WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete upload %s: %w", id, err)
	}
	return nil
}

// ExpiredUploads lists uploads that expired before t.
func (db *DB) ExpiredUploads(ctx context.Context, t time.Time, limit int) ([]media.Upload, error) {
	return db.queryUploads(ctx, `SELECT `+uploadColumns+` FROM media_uploads WHERE expires_at < $1 ORDER BY expires_at LIMIT $2`, t.UTC(), limit)
}

// UploadsByOwner lists an owner's uploads in progress.
func (db *DB) UploadsByOwner(ctx context.Context, ownerID string) ([]media.Upload, error) {
	return db.queryUploads(ctx, `SELECT `+uploadColumns+` FROM media_uploads WHERE owner_id = $1 ORDER BY id`, ownerID)
}

func (db *DB) queryUploads(ctx context.Context, q string, args ...any) ([]media.Upload, error) {
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list uploads: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (media.Upload, error) { return scanUpload(r) })
	if err != nil {
		return nil, fmt.Errorf("list uploads: %w", err)
	}
	return out, nil
}
