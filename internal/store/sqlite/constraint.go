package sqlite

import (
	"errors"
	"strings"

	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/lyolearn/lyo/internal/auth"
)

// constraintErr maps a constraint violation to the domain error a caller can act
// on, and returns any other error as it is. SQLite reports no constraint name, only
// a message: "UNIQUE constraint failed: users.email" for a column index, "…: index
// 'users_username_key'" for an index on an expression.
func constraintErr(err error) error {
	var se *modernc.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		switch msg := se.Error(); {
		case strings.Contains(msg, "users.email"):
			return auth.ErrEmailTaken
		case strings.Contains(msg, "users_username_key"):
			return auth.ErrUsernameTaken
		}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		// The user or family a row would belong to is gone.
		return auth.ErrNotFound
	}
	return err
}
