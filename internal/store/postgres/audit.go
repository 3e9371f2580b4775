package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lyolearn/lyo/internal/auth"
	"github.com/lyolearn/lyo/internal/store/query"
)

// AppendAudit records an administrative action. Details are stored as a jsonb
// object; nil stores an empty one.
func (db *DB) AppendAudit(ctx context.Context, e auth.AuditEntry) error {
	details, err := query.MarshalDetails(e.Details)
	if err != nil {
		return fmt.Errorf("append audit %s: %w", e.ID, err)
	}
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO audit_log (id, at, actor_id, action, target_id, details) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.ID, e.At.UTC(), e.ActorID, e.Action, e.TargetID, details); err != nil {
		return fmt.Errorf("append audit %s: %w", e.ID, err)
	}
	return nil
}

// ListAudit returns entries newest first (by ID) before q.BeforeID that match q.
func (db *DB) ListAudit(ctx context.Context, q auth.AuditQuery) ([]auth.AuditEntry, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.ActorID != "" {
		where = append(where, `actor_id = `+arg(q.ActorID))
	}
	if q.TargetID != "" {
		where = append(where, `target_id = `+arg(q.TargetID))
	}
	if q.BeforeID != "" {
		where = append(where, `id < `+arg(q.BeforeID))
	}
	sqlText := `SELECT id, at, actor_id, action, target_id, details FROM audit_log`
	if len(where) > 0 {
		sqlText += ` WHERE ` + strings.Join(where, ` AND `)
	}
	sqlText += ` ORDER BY id DESC LIMIT ` + arg(query.Limit(q.Limit))

	rows, err := db.pool.Query(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.AuditEntry, error) {
		var e auth.AuditEntry
		var details []byte
		if err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.Action, &e.TargetID, &details); err != nil {
			return e, err
		}
		e.At = e.At.UTC()
		var err error
		if e.Details, err = query.UnmarshalDetails(details); err != nil {
			return e, fmt.Errorf("%s: %w", e.ID, err)
		}
		return e, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	if out == nil {
		out = []auth.AuditEntry{}
	}
	return out, nil
}
