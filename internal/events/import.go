package events

import (
	"context"

	"github.com/lyolearn/lyo/internal/access"
)

// Import ingests a batch of a learner's events for an operator's bulk load
// (`lyo seed`): the same validation, Fold and per-event results as Ingest, in
// one transaction with their aggregates, except the retention window. That
// window guards the API against clients replaying old history; an import keeps
// every event at its own time, however old. Events more than a day ahead of the
// service's clock are still refused.
func (s *Service) Import(ctx context.Context, userID string, in []Input) ([]Result, error) {
	return s.ingest(ctx, access.Caller{UserID: userID, Role: access.Learner}, in, false)
}

// WithCatalog is a copy of s that asks c about items, with the same store,
// limits and clock: a bulk import answers from a cache of the items it wrote.
func (s *Service) WithCatalog(c Catalog) *Service {
	cp := *s
	cp.catalog = c
	return &cp
}
