// Package flags answers whether a feature is on. Defaults come from configuration;
// operators override them at run time, and the overrides live in the database so every
// node of a deployment sees the same answer within a few seconds.
package flags

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when no override is stored for a flag, or the flag is unknown.
var ErrNotFound = errors.New("flag not found")

// Override is an operator's runtime choice for one flag.
type Override struct {
	Name      string
	Enabled   bool
	UpdatedAt time.Time
	UpdatedBy string // who set it: a user id, or "cli"
}

// Store keeps the overrides. Both database engines implement it.
type Store interface {
	// ListFlagOverrides returns every stored override, ordered by name.
	ListFlagOverrides(ctx context.Context) ([]Override, error)
	// SetFlagOverride inserts or replaces the override for o.Name.
	SetFlagOverride(ctx context.Context, o Override) error
	// DeleteFlagOverride removes the override so the default applies again;
	// ErrNotFound when there was none.
	DeleteFlagOverride(ctx context.Context, name string) error
}
