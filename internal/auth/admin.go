package auth

import (
	"context"
	"fmt"

	"github.com/lyolearn/lyo/internal/access"
	"github.com/lyolearn/lyo/internal/fault"
	"github.com/lyolearn/lyo/internal/id"
)

// ListUsers returns one page of users and whether more follow.
func (s *Service) ListUsers(ctx context.Context, q UserQuery) ([]User, bool, error) {
	limit := q.Limit
	q.Limit = limit + 1
	users, err := s.store.ListUsers(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if len(users) > limit {
		return users[:limit], true, nil
	}
	return users, false, nil
}

// AdminPatch is what an admin may change about a user.
type AdminPatch struct {
	Role     *access.Role `json:"role"`
	Disabled *bool        `json:"disabled"`
}

// AdminUpdate changes a user's role or disabled state and records who did it.
// An admin cannot demote or disable themselves, so a deployment never loses its
// last admin by accident.
func (s *Service) AdminUpdate(ctx context.Context, actorID, userID string, p AdminPatch) (User, error) {
	if p.Role != nil && !p.Role.Valid() {
		return User{}, invalid("role", "use learner, creator, moderator or admin")
	}
	if actorID == userID && ((p.Role != nil && *p.Role != access.Admin) || (p.Disabled != nil && *p.Disabled)) {
		return User{}, fault.New(ErrConflict, "self_lockout", "you cannot remove your own admin role or disable yourself; ask another admin")
	}
	before, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return User{}, err
	}
	u, err := s.store.AdminUpdate(ctx, userID, p.Role, p.Disabled, s.now().UTC())
	if err != nil {
		return User{}, err
	}
	if p.Disabled != nil && *p.Disabled {
		if err := s.store.RevokeUserFamilies(ctx, userID, s.now().UTC()); err != nil {
			return User{}, err
		}
	}
	details := map[string]any{}
	if p.Role != nil {
		details["role"] = map[string]any{"from": before.Role, "to": u.Role}
	}
	if p.Disabled != nil {
		details["disabled"] = map[string]any{"from": before.Disabled, "to": u.Disabled}
	}
	if err := s.Record(ctx, actorID, "user.update", userID, details); err != nil {
		return User{}, err
	}
	return u, nil
}

// Record appends an audit entry. Domains call it for every admin action.
func (s *Service) Record(ctx context.Context, actorID, action, targetID string, details map[string]any) error {
	now := s.now().UTC()
	if err := s.store.AppendAudit(ctx, AuditEntry{ID: id.New(now), At: now, ActorID: actorID, Action: action, TargetID: targetID, Details: details}); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit returns one page of the audit log, newest first, and whether more follow.
func (s *Service) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, bool, error) {
	limit := q.Limit
	q.Limit = limit + 1
	entries, err := s.store.ListAudit(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if len(entries) > limit {
		return entries[:limit], true, nil
	}
	return entries, false, nil
}
