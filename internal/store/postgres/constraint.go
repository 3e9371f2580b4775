package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lyolearn/lyo/internal/auth"
)

// constraintErr maps a constraint violation to the domain error a caller can act
// on, by the constraint names that 0002_accounts.sql gives, and returns any other
// error as it is.
func constraintErr(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case "23505": // unique_violation
		switch pgErr.ConstraintName {
		case "users_email_key":
			return auth.ErrEmailTaken
		case "users_username_key":
			return auth.ErrUsernameTaken
		}
	case "23503": // foreign_key_violation: the user or family a row would belong to is gone
		return auth.ErrNotFound
	}
	return err
}

// notFound turns pgx.ErrNoRows into auth.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.ErrNotFound
	}
	return err
}
