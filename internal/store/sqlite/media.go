package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lyolearn/lyo/internal/jobs"
	"github.com/lyolearn/lyo/internal/media"
)

var _ media.Store = (*DB)(nil)

const mediaColumns = `id, owner_id, kind, status, reason, visibility, provider, format, content_type,
	bytes, sha256, width, height, frames, duration_ms, original_key, variants, placeholder, dominant,
	run, presets, created_at, updated_at`

func scanMedia(r scanner) (media.Media, error) {
	var m media.Media
	var kind, status, vis, variants, presets, created, updated string
	err := r.Scan(&m.ID, &m.OwnerID, &kind, &status, &m.Reason, &vis, &m.Provider, &m.Format, &m.ContentType,
		&m.Bytes, &m.SHA256, &m.Width, &m.Height, &m.Frames, &m.DurationMS, &m.OriginalKey, &variants,
		&m.Placeholder, &m.Dominant, &m.Run, &presets, &created, &updated)
	if err != nil {
		return media.Media{}, err
	}
	m.Kind, m.Status, m.Visibility = media.Kind(kind), media.Status(status), media.Visibility(vis)
	err = errors.Join(json.Unmarshal([]byte(variants), &m.Variants), unmarshalList(&m.Presets, presets),
		parseInto(&m.CreatedAt, created), parseInto(&m.UpdatedAt, updated))
	if err != nil {
		return media.Media{}, fmt.Errorf("media %s: %w", m.ID, err)
	}
	return m, nil
}

func mediaNotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return media.ErrNotFound
	}
	return err
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // slices of plain structs and strings always marshal
	return string(b)
}

// CreateMedia inserts m after checking the owner's quota, in the write
// transaction that holds SQLite's lock: two uploads cannot both pass the check.
func (db *DB) CreateMedia(ctx context.Context, m media.Media, quota int64, then func(ctx context.Context, tx jobs.Tx) error) error {
	err := db.withJobTx(ctx, func(tx *sql.Tx, jtx jobs.Tx) error {
		if quota > 0 {
			var used int64
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(bytes), 0) FROM media WHERE owner_id = ?`, m.OwnerID).Scan(&used); err != nil {
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
		_, err := tx.ExecContext(ctx, `INSERT INTO media (`+mediaColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.OwnerID, string(m.Kind), string(m.Status), m.Reason, string(m.Visibility), m.Provider, m.Format,
			m.ContentType, m.Bytes, m.SHA256, m.Width, m.Height, m.Frames, m.DurationMS, m.OriginalKey,
			jsonText(variants), m.Placeholder, m.Dominant, m.Run, jsonText(nonNilList(m.Presets)),
			formatTime(m.CreatedAt), formatTime(m.UpdatedAt))
		if err != nil {
			return err
		}
		return then(ctx, jtx)
	})
	if err != nil {
		return fmt.Errorf("create media %s: %w", m.ID, err)
	}
	return nil
}

func nonNilList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// MediaByID returns one record.
func (db *DB) MediaByID(ctx context.Context, id string) (media.Media, error) {
	m, err := scanMedia(db.reader.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = ?`, id))
	if err != nil {
		return media.Media{}, fmt.Errorf("get media %s: %w", id, mediaNotFound(err))
	}
	return m, nil
}

// MediaByIDs returns the records that exist among ids.
func (db *DB) MediaByIDs(ctx context.Context, ids []string) ([]media.Media, error) {
	out := []media.Media{}
	for start := 0; start < len(ids); start += idChunk {
		chunk := ids[start:min(start+idChunk, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		got, err := db.queryMedia(ctx, `SELECT `+mediaColumns+` FROM media WHERE id IN (`+marks(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("get %d media: %w", len(ids), err)
		}
		out = append(out, got...)
	}
	return out, nil
}

// MediaByOwner pages an owner's media oldest first.
func (db *DB) MediaByOwner(ctx context.Context, ownerID, after string, limit int) ([]media.Media, error) {
	out, err := db.queryMedia(ctx, `SELECT `+mediaColumns+` FROM media WHERE owner_id = ? AND id > ? ORDER BY id LIMIT ?`,
		ownerID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("media of %s: %w", ownerID, err)
	}
	return out, nil
}

func (db *DB) queryMedia(ctx context.Context, q string, args ...any) ([]media.Media, error) {
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Media{}
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MediaUsage sums the bytes of an owner's originals.
func (db *DB) MediaUsage(ctx context.Context, ownerID string) (int64, error) {
	var n int64
	if err := db.reader.QueryRowContext(ctx, `SELECT coalesce(sum(bytes), 0) FROM media WHERE owner_id = ?`, ownerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("media usage of %s: %w", ownerID, err)
	}
	return n, nil
}

// runGuard tells a missing record from one of another run after an update
// touched no row.
func (db *DB) runGuard(ctx context.Context, id string) error {
	var run int64
	err := db.reader.QueryRowContext(ctx, `SELECT run FROM media WHERE id = ?`, id).Scan(&run)
	if err != nil {
		return mediaNotFound(err)
	}
	return media.ErrStale
}

// SetProcessing moves a record of run to processing.
func (db *DB) SetProcessing(ctx context.Context, id string, run int64, now time.Time) error {
	res, err := db.writer.ExecContext(ctx, `UPDATE media SET status = ?, reason = '', updated_at = ? WHERE id = ? AND run = ?`,
		string(media.Processing), formatTime(now), id, run)
	if err != nil {
		return fmt.Errorf("start processing %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
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
	res, err := db.writer.ExecContext(ctx, `UPDATE media SET status = ?, reason = ?, variants = ?, placeholder = ?,
		dominant = ?, updated_at = ? WHERE id = ? AND run = ?`,
		string(m.Status), m.Reason, jsonText(variants), m.Placeholder, m.Dominant, formatTime(m.UpdatedAt), m.ID, m.Run)
	if err != nil {
		return fmt.Errorf("finish processing %s: %w", m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("finish processing %s: %w", m.ID, db.runGuard(ctx, m.ID))
	}
	return nil
}

// Reprocess starts a new run.
func (db *DB) Reprocess(ctx context.Context, id string, presets []string, now time.Time,
	then func(ctx context.Context, tx jobs.Tx, m media.Media) error) (media.Media, error) {
	var m media.Media
	err := db.withJobTx(ctx, func(tx *sql.Tx, jtx jobs.Tx) error {
		row := tx.QueryRowContext(ctx, `UPDATE media SET status = ?, reason = '', run = run + 1, presets = ?, updated_at = ?
			WHERE id = ? RETURNING `+mediaColumns, string(media.Uploaded), jsonText(nonNilList(presets)), formatTime(now), id)
		var err error
		if m, err = scanMedia(row); err != nil {
			return mediaNotFound(err)
		}
		return then(ctx, jtx, m)
	})
	if err != nil {
		return media.Media{}, fmt.Errorf("reprocess media %s: %w", id, err)
	}
	return m, nil
}

// DeleteMedia removes the record.
func (db *DB) DeleteMedia(ctx context.Context, id string, then func(ctx context.Context, tx jobs.Tx) error) error {
	err := db.withJobTx(ctx, func(tx *sql.Tx, jtx jobs.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM media WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return media.ErrNotFound
		}
		return then(ctx, jtx)
	})
	if err != nil {
		return fmt.Errorf("delete media %s: %w", id, err)
	}
	return nil
}

// withJobTx runs fn in one write transaction, handing it the transaction both
// as itself (for the store's statements) and as the job queue sees it.
func (db *DB) withJobTx(ctx context.Context, fn func(tx *sql.Tx, jtx jobs.Tx) error) (err error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := fn(tx, jobs.SQLTx(tx)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

const uploadColumns = `id, owner_id, provider, key, multipart_id, size, part_size, content_type, visibility, expires_at, created_at`

func scanUpload(r scanner) (media.Upload, error) {
	var u media.Upload
	var vis, exp, created string
	if err := r.Scan(&u.ID, &u.OwnerID, &u.Provider, &u.Key, &u.MultipartID, &u.Size, &u.PartSize, &u.ContentType,
		&vis, &exp, &created); err != nil {
		return media.Upload{}, err
	}
	u.Visibility = media.Visibility(vis)
	if err := errors.Join(parseInto(&u.ExpiresAt, exp), parseInto(&u.CreatedAt, created)); err != nil {
		return media.Upload{}, fmt.Errorf("upload %s: %w", u.ID, err)
	}
	return u, nil
}

// CreateUpload records a direct upload.
func (db *DB) CreateUpload(ctx context.Context, u media.Upload) error {
	_, err := db.writer.ExecContext(ctx, `INSERT INTO media_uploads (`+uploadColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.OwnerID, u.Provider, u.Key, u.MultipartID, u.Size, u.PartSize, u.ContentType, string(u.Visibility),
		formatTime(u.ExpiresAt), formatTime(u.CreatedAt))
	if err != nil {
		return fmt.Errorf("create upload %s: %w", u.ID, err)
	}
	return nil
}

// UploadByID returns a direct upload.
func (db *DB) UploadByID(ctx context.Context, id string) (media.Upload, error) {
	u, err := scanUpload(db.reader.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM media_uploads WHERE id = ?`, id))
	if err != nil {
		return media.Upload{}, fmt.Errorf("get upload %s: %w", id, mediaNotFound(err))
	}
	return u, nil
}

// DeleteUpload forgets a direct upload.
func (db *DB) DeleteUpload(ctx context.Context, id string) error {
	if _, err := db.writer.ExecContext(ctx, `DELETE FROM media_uploads WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete upload %s: %w", id, err)
	}
	return nil
}

// ExpiredUploads lists uploads that expired before t.
func (db *DB) ExpiredUploads(ctx context.Context, t time.Time, limit int) ([]media.Upload, error) {
	return db.queryUploads(ctx, `SELECT `+uploadColumns+` FROM media_uploads WHERE expires_at < ? ORDER BY expires_at LIMIT ?`, formatTime(t), limit)
}

// UploadsByOwner lists an owner's uploads in progress.
func (db *DB) UploadsByOwner(ctx context.Context, ownerID string) ([]media.Upload, error) {
	return db.queryUploads(ctx, `SELECT `+uploadColumns+` FROM media_uploads WHERE owner_id = ? ORDER BY id`, ownerID)
}

func (db *DB) queryUploads(ctx context.Context, q string, args ...any) ([]media.Upload, error) {
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list uploads: %w", err)
	}
	defer rows.Close()
	out := []media.Upload{}
	for rows.Next() {
		u, err := scanUpload(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
