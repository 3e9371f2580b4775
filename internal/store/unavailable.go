package store

import (
	"github.com/lyolearn/lyo/internal/store/postgres"
	"github.com/lyolearn/lyo/internal/store/sqlite"
)

// Unavailable reports whether err says the database cannot serve right now (it
// is down, restarting, unreachable, out of connections, or its disk is full)
// rather than that the request or the code is wrong. Such errors answer 503
// with Retry-After instead of 500: the same request may well succeed shortly.
func Unavailable(err error) bool {
	return err != nil && (postgres.Unavailable(err) || sqlite.Unavailable(err))
}

// Full reports whether err says the database ran out of space.
func Full(err error) bool {
	return err != nil && (postgres.Full(err) || sqlite.Full(err))
}
