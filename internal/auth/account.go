package auth

import (
	"context"
	"errors"
	"fmt"
)

// DataPart is what one domain holds about a learner. Every domain registers one,
// so the export is complete and a deleted account leaves nothing behind.
type DataPart struct {
	Name   string // the key in the export
	Export func(ctx context.Context, userID string) (any, error)
	Delete func(ctx context.Context, userID string) error
}

// RegisterData adds a domain's part to export and deletion.
func (s *Service) RegisterData(p DataPart) { s.parts = append(s.parts, p) }

// Me returns the caller's account.
func (s *Service) Me(ctx context.Context, userID string) (User, error) {
	return s.store.UserByID(ctx, userID)
}

// UpdateMe applies a partial profile update. check, when not nil, is the
// caller's precondition (an If-Match) on the account as it is before the
// change; its error stops the update. The write is conditional on the version
// check saw, so of two updates that both passed it only one is written, and the
// other answers ErrPreconditionFailed. Without check, an update that loses such
// a race is applied again to the newer version.
func (s *Service) UpdateMe(ctx context.Context, userID string, p ProfilePatch, check func(User) error) (User, error) {
	for attempt := 0; ; attempt++ {
		u, err := s.store.UserByID(ctx, userID)
		if err != nil {
			return User{}, err
		}
		if check != nil {
			if err := check(u); err != nil {
				return User{}, err
			}
		}
		now := s.now().UTC()
		username, prof, err := p.apply(u, now)
		if err != nil {
			return User{}, err
		}
		if err := s.checkAvatar(ctx, userID, p.AvatarMediaID != nil, prof.AvatarMediaID); err != nil {
			return User{}, err
		}
		u, err = s.store.UpdateProfile(ctx, userID, u.Version, username, prof, now)
		if !errors.Is(err, ErrPreconditionFailed) || check != nil || attempt == 3 {
			return u, err
		}
	}
}

// ChangePassword checks the current password, stores the new one, and ends every
// other sign-in; it answers a fresh session for this device.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next, userAgent string) (Session, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return Session{}, err
	}
	ok, _, err := s.hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil {
		return Session{}, fmt.Errorf("verify password of %s: %w", u.ID, err)
	}
	if !ok {
		return Session{}, invalid("current_password", "does not match")
	}
	if err := validateCredentials(u.Email, next); err != nil {
		return Session{}, err
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return Session{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.now().UTC()
	if err := s.store.SetPasswordHash(ctx, userID, hash, true, now); err != nil {
		return Session{}, err
	}
	if err := s.store.RevokeUserFamilies(ctx, userID, now); err != nil {
		return Session{}, err
	}
	if u, err = s.store.UserByID(ctx, userID); err != nil {
		return Session{}, err
	}
	return s.startSession(ctx, u, userAgent)
}

// Export gathers everything Lyo holds about the user, part by part.
func (s *Service) Export(ctx context.Context, userID string) (map[string]any, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	fams, err := s.store.ListFamilies(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"account": NewUserView(u, s.now()), "sessions": sessionViews(fams)}
	for _, p := range s.parts {
		v, err := p.Export(ctx, userID)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", p.Name, err)
		}
		out[p.Name] = v
	}
	return out, nil
}

// Delete removes the account and, first, what every other domain holds for it.
// A part that fails stops the deletion, so the account is never gone while its
// data stays.
func (s *Service) Delete(ctx context.Context, userID string) error {
	before, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	// Disable first: the account's tokens stop working at once, so nothing new
	// (events, content) arrives while the domains delete what they hold.
	disabled := true
	if _, err := s.store.AdminUpdate(ctx, userID, nil, &disabled, s.now().UTC()); err != nil {
		return err
	}
	for i := len(s.parts) - 1; i >= 0; i-- {
		if err := s.parts[i].Delete(ctx, userID); err != nil && !errors.Is(err, ErrNotFound) {
			// Give the account back, so its owner can sign in and try again
			// rather than be locked out of a half-deleted account.
			if !before.Disabled {
				enabled := false
				if _, rerr := s.store.AdminUpdate(context.WithoutCancel(ctx), userID, nil, &enabled, s.now().UTC()); rerr != nil {
					err = errors.Join(err, fmt.Errorf("re-enable: %w", rerr))
				}
			}
			return fmt.Errorf("delete %s of %s: %w", s.parts[i].Name, userID, err)
		}
	}
	return s.store.DeleteUser(ctx, userID)
}

// CheckPassword confirms the caller's password before a destructive action.
func (s *Service) CheckPassword(ctx context.Context, userID, pw string) error {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	ok, _, err := s.hasher.Verify(ctx, pw, u.PasswordHash)
	if err != nil {
		return fmt.Errorf("verify password of %s: %w", u.ID, err)
	}
	if !ok {
		return invalid("current_password", "does not match")
	}
	return nil
}
