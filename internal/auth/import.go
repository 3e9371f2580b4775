package auth

import "context"

// Importer writes many accounts at once, for an operator's bulk load (`lyo seed
// --synthetic`, a data set's learners). Both engines implement it; the
// conformance suite in store/storetest checks them alike.
type Importer interface {
	// ImportUsers inserts users, as given, in one transaction: all of them or,
	// on ErrEmailTaken or ErrUsernameTaken, none.
	ImportUsers(ctx context.Context, users []User) error
}
