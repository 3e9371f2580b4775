package sqlite

import (
	"errors"

	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Unavailable reports whether err says the database file cannot be used now
// (the disk is full or failing, the file cannot be opened or written, another
// process held the lock past the busy timeout) rather than that the statement
// is wrong: the request may succeed later.
func Unavailable(err error) bool {
	var se *modernc.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // the primary code under any extended one
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM:
		return true
	}
	return false
}

// Full reports whether err says the disk, or the database's size limit, is full.
func Full(err error) bool {
	var se *modernc.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL
}

// busy reports whether err is SQLite's "another connection holds the lock".
func busy(err error) bool {
	var se *modernc.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
}
