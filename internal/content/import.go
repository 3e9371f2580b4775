package content

import "context"

// Importer writes many catalogue rows at once, for an operator's bulk load
// (`lyo seed --synthetic`, a data set's items). Each call is one transaction:
// everything or nothing. Both engines implement it; the conformance suite in
// store/storetest checks them alike.
type Importer interface {
	// ImportSeries inserts series, as given; their episodes come with ImportItems.
	// ErrNotFound when a creator does not exist, ErrConflict when an ID is taken.
	ImportSeries(ctx context.Context, series []Series) error
	// ImportItems inserts items, as given (series and episode numbers included),
	// with their topics, creating unknown ones as CreateItem does; published items
	// are searchable once it returns. ErrNotFound when a creator or series does not
	// exist, ErrConflict when an ID is taken.
	ImportItems(ctx context.Context, items []Item) error
	// ImportFollows adds follows; one that exists keeps its time. ErrNotFound
	// when a user does not exist.
	ImportFollows(ctx context.Context, edges []Edge) error
}
