package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
)

// each runs a statement and hands its rows to row, one at a time, until row returns false or
// the rows end. It is the one place statements run, so that every failure is classified the
// same way (see queryErr); what says what the statement was doing, for messages.
func (s *Store) each(ctx context.Context, what string, b *builder, row func(scan func(dest ...any) error) (more bool, err error)) error {
	var q Queryer = s.db
	if s.conn != nil {
		q = s.conn
	}
	rows, err := q.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return s.queryErr(ctx, what, err)
	}
	defer rows.Close()
	for rows.Next() {
		more, err := row(rows.Scan)
		if err != nil {
			return s.queryErr(ctx, what, err)
		}
		if !more {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return s.queryErr(ctx, what, err)
	}
	return nil
}

// queryErr classifies a failed statement, keeping the engine's message: a cancelled or
// timed-out query is the context's error; a failure of the store's environment (I/O, locks,
// memory, a lost connection, as the dialect tells) is store.ErrStoreIO; anything else is
// the engine refusing SQL the plugin generated, store.ErrQueryFailed (a plugin bug).
func (s *Store) queryErr(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %s: %w", s.d.Name(), what, context.Cause(ctx))
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %s: %w", s.d.Name(), what, err)
	}
	// The engine's error stays in the chain (errors.As finds it) for the dialect's explanations.
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || s.d.Downstream(err) {
		return fmt.Errorf("%w: %s: %s: %w", store.ErrStoreIO, s.d.Name(), what, engineError{err})
	}
	return fmt.Errorf("%w: %s: %s: %w", store.ErrQueryFailed, s.d.Name(), what, engineError{err})
}

// engineError is an engine's error with its message trimmed (DuckDB's end in a newline).
type engineError struct{ err error }

func (e engineError) Error() string { return strings.TrimSpace(e.err.Error()) }
func (e engineError) Unwrap() error { return e.err }
