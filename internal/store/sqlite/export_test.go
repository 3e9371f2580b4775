package sqlite

import (
	"context"
	"fmt"
)

// What the package's external tests reach inside for.

// FormatTime is how the store writes times.
var FormatTime = formatTime

// MigrateBefore applies the migrations before the one named name, so a test can
// store rows as the releases before it did; a later Migrate applies the rest.
func (db *DB) MigrateBefore(ctx context.Context, name string) error {
	all := db.migrations
	defer func() { db.migrations = all }()
	for i, m := range all {
		if m.Name == name {
			db.migrations = all[:i]
			return db.Migrate(ctx)
		}
	}
	return fmt.Errorf("no migration %q", name)
}
