package jobs

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Tx is a store transaction in progress, as the store's transaction seam hands it
// to a function: a pgx transaction on PostgreSQL, a database/sql one on SQLite.
// Domains never look inside; they pass it to EnqueueTx.
type Tx struct {
	pgx pgx.Tx
	sql *sql.Tx
}

// PgxTx wraps a PostgreSQL transaction. Only the store engines call it.
func PgxTx(tx pgx.Tx) Tx { return Tx{pgx: tx} }

// SQLTx wraps a SQLite transaction. Only the store engines call it.
func SQLTx(tx *sql.Tx) Tx { return Tx{sql: tx} }

// Transactor runs fn in one store transaction: it commits when fn returns nil and
// rolls back otherwise. The store engines implement it.
//
// Inside fn, touch the database only through tx (EnqueueTx, or the engine's own
// statements). On SQLite the store has a single writer connection and tx holds it,
// so any other write from fn, Enqueue included, would wait for fn itself.
type Transactor interface {
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
}

// ErrWrongTx is returned by EnqueueTx when tx belongs to the other engine (or is
// the zero Tx): a wiring mistake, not a runtime condition.
var ErrWrongTx = errors.New("jobs: transaction is not of this queue's database engine")

func (t Tx) pgxTx() (pgx.Tx, error) {
	if t.pgx == nil {
		return nil, ErrWrongTx
	}
	return t.pgx, nil
}

func (t Tx) sqlTx() (*sql.Tx, error) {
	if t.sql == nil {
		return nil, ErrWrongTx
	}
	return t.sql, nil
}
