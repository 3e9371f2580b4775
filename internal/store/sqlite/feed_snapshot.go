package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lyolearn/lyo/internal/feed"
)

// TrainingEvents pages the event log for training, in seq order.
func (db *DB) TrainingEvents(ctx context.Context, afterSeq int64, limit int) ([]feed.TrainingEvent, int64, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT e.seq, e.user_id, e.item_id, e.type, e.at, e.watch_ms, coalesce(e.correct, 0)
		FROM events e LEFT JOIN feed_resets r ON r.user_id = e.user_id
		WHERE e.seq > ? AND e.seq > coalesce(r.after_seq, 0)
			AND e.type IN ('view', 'complete', 'like', 'save', 'share', 'quiz_answer')
		ORDER BY e.seq LIMIT ?`, afterSeq, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("training events: %w", err)
	}
	defer rows.Close()
	out := make([]feed.TrainingEvent, 0, limit)
	last := afterSeq
	for rows.Next() {
		var e feed.TrainingEvent
		var at string
		if err := rows.Scan(&last, &e.UserID, &e.ItemID, &e.Type, &at, &e.WatchMS, &e.Correct); err != nil {
			return nil, 0, fmt.Errorf("training events: %w", err)
		}
		if err := parseInto(&e.At, at); err != nil {
			return nil, 0, fmt.Errorf("training events: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("training events: %w", err)
	}
	return out, last, nil
}

// ItemTexts pages published items by ID with their texts.
func (db *DB) ItemTexts(ctx context.Context, afterID string, limit, bodyChars int) ([]feed.ItemText, error) {
	// The tutor's model tags (summary and topics) join the description: they
	// are part of what content similarity reads.
	rows, err := db.reader.QueryContext(ctx, `SELECT i.id, i.title, i.description || coalesce((SELECT ' ' || g.summary || ' ' ||
			(SELECT group_concat(j.value, ' ') FROM json_each(g.topics) j)
			FROM tutor_item_tags g WHERE g.item_id = i.id AND g.method = 'model'), ''),
		substr(i.body, 1, ?), i.duration_ms,
		(SELECT json_group_array(t.topic_slug ORDER BY t.position) FROM item_topics t WHERE t.item_id = i.id)
		FROM items i WHERE i.status = 'published' AND i.id > ? ORDER BY i.id LIMIT ?`, bodyChars, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("item texts: %w", err)
	}
	defer rows.Close()
	var out []feed.ItemText
	for rows.Next() {
		var it feed.ItemText
		var topics string
		if err := rows.Scan(&it.ID, &it.Title, &it.Description, &it.Body, &it.DurationMS, &topics); err != nil {
			return nil, fmt.Errorf("item texts: %w", err)
		}
		if err := unmarshalList(&it.Topics, topics); err != nil {
			return nil, fmt.Errorf("item texts: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("item texts: %w", err)
	}
	return out, nil
}

// snapshotPart is the size of the parts a snapshot's bytes are stored in:
// each passes through SQLite's memory alone, never the whole snapshot.
const snapshotPart = 4 << 20

// SaveSnapshot stores a snapshot and prunes the older ones in one transaction.
func (db *DB) SaveSnapshot(ctx context.Context, s feed.SnapshotRecord, keep int) (int64, error) {
	stats, err := json.Marshal(s.Stats)
	if err != nil {
		return 0, fmt.Errorf("save snapshot: %w", err)
	}
	if s.Stats == nil {
		stats = []byte("{}")
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("save snapshot: %w", err)
	}
	defer tx.Rollback()
	var version int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO feed_snapshots (format, built_at, created_at, stats, size)
		VALUES (?, ?, ?, ?, ?) RETURNING version`, s.Format, formatTime(s.BuiltAt), formatTime(s.CreatedAt), string(stats),
		len(s.Data)).Scan(&version); err != nil {
		return 0, fmt.Errorf("save snapshot: %w", err)
	}
	for part, off := 0, 0; off < len(s.Data) || part == 0; part, off = part+1, off+snapshotPart {
		chunk := s.Data[off:min(off+snapshotPart, len(s.Data))]
		if _, err := tx.ExecContext(ctx, `INSERT INTO feed_snapshot_parts (version, part, data) VALUES (?, ?, ?)`,
			version, part, chunk); err != nil {
			return 0, fmt.Errorf("save snapshot: part %d: %w", part, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM feed_snapshots WHERE version <= ? - ?`, version, max(keep, 1)); err != nil {
		return 0, fmt.Errorf("save snapshot: prune: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("save snapshot: %w", err)
	}
	return version, nil
}

// LatestSnapshot describes the newest snapshot.
func (db *DB) LatestSnapshot(ctx context.Context) (feed.SnapshotInfo, error) {
	var info feed.SnapshotInfo
	var built, created, stats string
	err := db.reader.QueryRowContext(ctx, `SELECT version, format, built_at, created_at, size, stats
		FROM feed_snapshots ORDER BY version DESC LIMIT 1`).Scan(&info.Version, &info.Format, &built, &created, &info.Size, &stats)
	if errors.Is(err, sql.ErrNoRows) {
		return info, fmt.Errorf("latest snapshot: %w", feed.ErrNotFound)
	}
	if err != nil {
		return info, fmt.Errorf("latest snapshot: %w", err)
	}
	if err := errors.Join(parseInto(&info.BuiltAt, built), parseInto(&info.CreatedAt, created),
		json.Unmarshal([]byte(stats), &info.Stats)); err != nil {
		return info, fmt.Errorf("latest snapshot: %w", err)
	}
	return info, nil
}

// SnapshotData returns a snapshot's bytes, its parts read in one statement
// (one view of the database: a prune meanwhile cannot leave a part out) and
// laid one after another in a buffer of the snapshot's size.
func (db *DB) SnapshotData(ctx context.Context, version int64) ([]byte, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT s.size, p.data FROM feed_snapshots s
		JOIN feed_snapshot_parts p ON p.version = s.version WHERE s.version = ? ORDER BY p.part`, version)
	if err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", version, err)
	}
	defer rows.Close()
	var data []byte
	for rows.Next() {
		var size int64
		var part sql.RawBytes
		if err := rows.Scan(&size, &part); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", version, err)
		}
		if data == nil {
			data = make([]byte, 0, size)
		}
		data = append(data, part...)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snapshot %d: %w", version, err)
	}
	if data == nil {
		return nil, fmt.Errorf("snapshot %d: %w", version, feed.ErrNotFound)
	}
	return data, nil
}
