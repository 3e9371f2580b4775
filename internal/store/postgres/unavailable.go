package postgres

import (
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err says the server cannot serve now (down,
// restarting, unreachable, out of connections or disk) rather than that the
// statement is wrong: the request may succeed if retried later.
func Unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:min(2, len(pgErr.Code))] {
		// 08 connection exception, 53 insufficient resources (disk full, out of
		// memory, too many connections), 57 operator intervention (shutdown,
		// cannot connect now, statement timeout), 58 system error (I/O).
		case "08", "53", "57", "58":
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true // the connection died under a statement
	}
	return pgconn.SafeToRetry(err) // nothing was sent: only the connection failed
}

// Full reports whether err says the server ran out of disk space.
func Full(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "53100"
}
