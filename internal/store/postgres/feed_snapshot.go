package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/feed"
)

// TrainingEvents pages the event log for training, in seq order.
func (db *DB) TrainingEvents(ctx context.Context, afterSeq int64, limit int) ([]feed.TrainingEvent, int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT e.seq, e.user_id, e.item_id, e.type, e.at, e.watch_ms, coalesce(e.correct, false)
		FROM events e LEFT JOIN feed_resets r ON r.user_id = e.user_id
		WHERE e.seq > $1 AND e.seq > coalesce(r.after_seq, 0)
			AND e.type IN ('view', 'complete', 'like', 'save', 'share', 'quiz_answer')
		ORDER BY e.seq LIMIT $2`, afterSeq, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("training events: %w", err)
	}
	out := make([]feed.TrainingEvent, 0, limit)
	last := afterSeq
	var e feed.TrainingEvent
	_, err = pgx.ForEachRow(rows, []any{&last, &e.UserID, &e.ItemID, &e.Type, &e.At, &e.WatchMS, &e.Correct}, func() error {
		e.At = e.At.UTC()
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("training events: %w", err)
	}
	return out, last, nil
}

// ItemTexts pages published items by ID with their texts.
func (db *DB) ItemTexts(ctx context.Context, afterID string, limit, bodyChars int) ([]feed.ItemText, error) {
	// The tutor's model tags (summary and topics) join the description: they
	// are part of what content similarity reads.
	rows, err := db.pool.Query(ctx, `SELECT i.id, i.title, i.description || coalesce((SELECT ' ' || g.summary || ' ' ||
			array_to_string(ARRAY(SELECT jsonb_array_elements_text(g.topics)), ' ')
			FROM tutor_item_tags g WHERE g.item_id = i.id AND g.method = 'model'), ''),
		left(i.body, $1), i.duration_ms,
		coalesce((SELECT array_agg(t.topic_slug ORDER BY t.position) FROM item_topics t WHERE t.item_id = i.id), '{}')
		FROM items i WHERE i.status = 'published' AND i.id > $2 ORDER BY i.id LIMIT $3`, bodyChars, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("item texts: %w", err)
	}
	var out []feed.ItemText
	var it feed.ItemText
	_, err = pgx.ForEachRow(rows, []any{&it.ID, &it.Title, &it.Description, &it.Body, &it.DurationMS, &it.Topics}, func() error {
		row := it
		if len(row.Topics) == 0 {
			row.Topics = nil
		}
		out = append(out, row)
		it.Topics = nil
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("item texts: %w", err)
	}
	return out, nil
}

// snapshotPart is the size of the parts a snapshot's bytes are stored in:
// each is one value to send and to read, never the whole snapshot.
const snapshotPart = 4 << 20

// SaveSnapshot stores a snapshot and prunes the older ones in one transaction.
func (db *DB) SaveSnapshot(ctx context.Context, s feed.SnapshotRecord, keep int) (int64, error) {
	stats := s.Stats
	if stats == nil {
		stats = map[string]any{}
	}
	var version int64
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO feed_snapshots (format, built_at, created_at, stats, size)
			VALUES ($1, $2, $3, $4, $5) RETURNING version`, s.Format, s.BuiltAt.UTC(), s.CreatedAt.UTC(), stats,
			len(s.Data)).Scan(&version); err != nil {
			return err
		}
		for part, off := 0, 0; off < len(s.Data) || part == 0; part, off = part+1, off+snapshotPart {
			chunk := s.Data[off:min(off+snapshotPart, len(s.Data))]
			if _, err := tx.Exec(ctx, `INSERT INTO feed_snapshot_parts (version, part, data) VALUES ($1, $2, $3)`,
				version, part, chunk); err != nil {
				return fmt.Errorf("part %d: %w", part, err)
			}
		}
		_, err := tx.Exec(ctx, `DELETE FROM feed_snapshots WHERE version <= $1::bigint - $2::bigint`, version, max(keep, 1))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("save snapshot: %w", err)
	}
	return version, nil
}

// LatestSnapshot describes the newest snapshot.
func (db *DB) LatestSnapshot(ctx context.Context) (feed.SnapshotInfo, error) {
	var info feed.SnapshotInfo
	var stats []byte
	err := db.pool.QueryRow(ctx, `SELECT version, format, built_at, created_at, size, stats
		FROM feed_snapshots ORDER BY version DESC LIMIT 1`).Scan(&info.Version, &info.Format, &info.BuiltAt, &info.CreatedAt, &info.Size, &stats)
	if errors.Is(err, pgx.ErrNoRows) {
		return info, fmt.Errorf("latest snapshot: %w", feed.ErrNotFound)
	}
	if err != nil {
		return info, fmt.Errorf("latest snapshot: %w", err)
	}
	info.BuiltAt, info.CreatedAt = info.BuiltAt.UTC(), info.CreatedAt.UTC()
	if err := json.Unmarshal(stats, &info.Stats); err != nil {
		return info, fmt.Errorf("latest snapshot: %w", err)
	}
	return info, nil
}

// SnapshotData returns a snapshot's bytes, its parts read in one statement
// (one view of the database: a prune meanwhile cannot leave a part out) and
// laid one after another in a buffer of the snapshot's size.
func (db *DB) SnapshotData(ctx context.Context, version int64) ([]byte, error) {
	rows, err := db.pool.Query(ctx, `SELECT s.size, p.data FROM feed_snapshots s
		JOIN feed_snapshot_parts p ON p.version = s.version WHERE s.version = $1 ORDER BY p.part`, version)
	if err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", version, err)
	}
	defer rows.Close()
	var data []byte
	for rows.Next() {
		raw := rows.RawValues() // valid until the next row: copied once, into data
		if data == nil {
			var size int64
			if err := rows.Scan(&size, nil); err != nil {
				return nil, fmt.Errorf("snapshot %d: %w", version, err)
			}
			data = make([]byte, 0, size)
		}
		data = append(data, raw[1]...)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", version, err)
	}
	if data == nil {
		return nil, fmt.Errorf("snapshot %d: %w", version, feed.ErrNotFound)
	}
	return data, nil
}
