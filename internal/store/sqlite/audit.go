package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/store/query"
)

// AppendAudit records an administrative action. Details are stored as a JSON
// object; nil stores an empty one.
func (db *DB) AppendAudit(ctx context.Context, e auth.AuditEntry) error {
	details, err := query.MarshalDetails(e.Details)
	if err != nil {
		return fmt.Errorf("append audit %s: %w", e.ID, err)
	}
	if _, err := db.writer.ExecContext(ctx, `
		INSERT INTO audit_log (id, at, actor_id, action, target_id, details) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, formatTime(e.At), e.ActorID, e.Action, e.TargetID, string(details)); err != nil {
		return fmt.Errorf("append audit %s: %w", e.ID, err)
	}
	return nil
}

// ListAudit returns entries newest first (by ID) before q.BeforeID that match q.
func (db *DB) ListAudit(ctx context.Context, q auth.AuditQuery) ([]auth.AuditEntry, error) {
	var where []string
	var args []any
	if q.ActorID != "" {
		where = append(where, `actor_id = ?`)
		args = append(args, q.ActorID)
	}
	if q.TargetID != "" {
		where = append(where, `target_id = ?`)
		args = append(args, q.TargetID)
	}
	if q.BeforeID != "" {
		where = append(where, `id < ?`)
		args = append(args, q.BeforeID)
	}
	sqlText := `SELECT id, at, actor_id, action, target_id, details FROM audit_log`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY id DESC LIMIT ?`
	args = append(args, query.Limit(q.Limit))

	rows, err := db.reader.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	out := []auth.AuditEntry{}
	for rows.Next() {
		var e auth.AuditEntry
		var at, details string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Action, &e.TargetID, &details); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("list audit: %s: %w", e.ID, err)
		}
		if e.Details, err = query.UnmarshalDetails([]byte(details)); err != nil {
			return nil, fmt.Errorf("list audit: %s: %w", e.ID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
}
