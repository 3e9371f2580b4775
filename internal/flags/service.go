package flags

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Known flags. A flag must be read by code that really branches on it; add one
// here together with that code.
const (
	// Maintenance makes the API read-only: writes answer 503 with Retry-After.
	Maintenance = "maintenance"
	// APIDocs serves /openapi.json and /docs.
	APIDocs = "api_docs"
)

// Definition describes a flag and its built-in default.
type Definition struct {
	Name        string
	Description string
	Default     bool
}

// Definitions lists every flag Lyo knows.
var Definitions = []Definition{
	{Maintenance, "API is read-only: every write under /api/ answers 503", false},
	{APIDocs, "serve the OpenAPI document and the /docs browser", true},
}

// ErrUnknown is returned for a name not in Definitions.
var ErrUnknown = fmt.Errorf("unknown feature flag")

// State is a flag as an operator sees it.
type State struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Default     bool      `json:"default"`
	Override    *bool     `json:"override,omitempty"`
	Enabled     bool      `json:"enabled"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
	UpdatedBy   string    `json:"updated_by,omitempty"`
}

// Service answers Enabled from a snapshot of the overrides, refreshed at most every
// ttl, so a flag read on every request costs a map lookup and a change made on one
// node reaches the others within ttl.
type Service struct {
	store    Store
	defaults map[string]bool
	ttl      time.Duration
	now      func() time.Time
	log      *slog.Logger

	mu       sync.Mutex
	snap     map[string]Override
	loadedAt time.Time
}

// NewService makes a Service. configured overrides the built-in defaults; a name
// there that no definition knows is an error.
func NewService(store Store, configured map[string]bool, ttl time.Duration, now func() time.Time, log *slog.Logger) (*Service, error) {
	defaults := map[string]bool{}
	for _, d := range Definitions {
		defaults[d.Name] = d.Default
	}
	for name, v := range configured {
		if _, ok := defaults[name]; !ok {
			return nil, fmt.Errorf("LYO_FLAGS: %w %q", ErrUnknown, name)
		}
		defaults[name] = v
	}
	return &Service{store: store, defaults: defaults, ttl: ttl, now: now, log: log}, nil
}

// Enabled reports whether the flag is on. When the store cannot be read it keeps
// the last answer it had (or the default), so a database hiccup does not flip flags.
func (s *Service) Enabled(ctx context.Context, name string) bool {
	def, known := s.defaults[name]
	if !known {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap == nil || s.now().Sub(s.loadedAt) >= s.ttl {
		s.reload(ctx)
	}
	if o, ok := s.snap[name]; ok {
		return o.Enabled
	}
	return def
}

// reload runs with s.mu held.
func (s *Service) reload(ctx context.Context) {
	list, err := s.store.ListFlagOverrides(ctx)
	s.loadedAt = s.now()
	if err != nil {
		s.log.WarnContext(ctx, "feature flags: keeping last overrides", "error", err)
		if s.snap == nil {
			s.snap = map[string]Override{}
		}
		return
	}
	snap := make(map[string]Override, len(list))
	for _, o := range list {
		snap[o.Name] = o
	}
	s.snap = snap
}

// List shows every flag with its default, override and effective value.
func (s *Service) List(ctx context.Context) ([]State, error) {
	list, err := s.store.ListFlagOverrides(ctx)
	if err != nil {
		return nil, fmt.Errorf("list flag overrides: %w", err)
	}
	out := make([]State, 0, len(Definitions))
	for _, d := range Definitions {
		st := State{Name: d.Name, Description: d.Description, Default: s.defaults[d.Name], Enabled: s.defaults[d.Name]}
		if i := slices.IndexFunc(list, func(o Override) bool { return o.Name == d.Name }); i >= 0 {
			o := list[i]
			st.Override, st.Enabled, st.UpdatedAt, st.UpdatedBy = &o.Enabled, o.Enabled, o.UpdatedAt, o.UpdatedBy
		}
		out = append(out, st)
	}
	return out, nil
}

// Get shows one flag.
func (s *Service) Get(ctx context.Context, name string) (State, error) {
	states, err := s.List(ctx)
	if err != nil {
		return State{}, err
	}
	for _, st := range states {
		if st.Name == name {
			return st, nil
		}
	}
	return State{}, fmt.Errorf("%w %q", ErrUnknown, name)
}

// Set stores an override; by names who set it.
func (s *Service) Set(ctx context.Context, name string, enabled bool, by string) error {
	if _, ok := s.defaults[name]; !ok {
		return fmt.Errorf("%w %q", ErrUnknown, name)
	}
	if err := s.store.SetFlagOverride(ctx, Override{Name: name, Enabled: enabled, UpdatedAt: s.now().UTC(), UpdatedBy: by}); err != nil {
		return fmt.Errorf("set flag %s: %w", name, err)
	}
	s.invalidate()
	return nil
}

// Reset removes the override so the default applies again.
func (s *Service) Reset(ctx context.Context, name string) error {
	if _, ok := s.defaults[name]; !ok {
		return fmt.Errorf("%w %q", ErrUnknown, name)
	}
	if err := s.store.DeleteFlagOverride(ctx, name); err != nil {
		return fmt.Errorf("reset flag %s: %w", name, err)
	}
	s.invalidate()
	return nil
}

func (s *Service) invalidate() {
	s.mu.Lock()
	s.snap = nil
	s.mu.Unlock()
}
