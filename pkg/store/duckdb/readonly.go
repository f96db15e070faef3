package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrNotARead is a statement a query connection refuses: it only runs single SELECT statements
// (and EXPLAIN of one, for plan tests).
var ErrNotARead = errors.New("a query connection only runs one SELECT statement")

// readOnlyConnector hands out query connections on which every statement is one SELECT, run
// inside a READ ONLY transaction: DuckDB itself refuses any write, even when the store is
// attached read-write because the data source accepts predictions (its writer uses its own
// connection). Exec, transactions and multi-statement strings are refused before they reach
// DuckDB.
type readOnlyConnector struct {
	inner *duckdb.Connector
	// release gives the file up to other instances of this process (holders).
	release func()
}

func (c readOnlyConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &readOnlyConn{inner: conn.(*duckdb.Conn)}, nil
}

func (c readOnlyConnector) Driver() driver.Driver { return c.inner.Driver() }

// Close closes the database instance: the query pool owns it.
func (c readOnlyConnector) Close() error {
	defer c.release()
	return c.inner.Close()
}

// sharedConnector is a second pool over the same database instance (the writer's): closing it
// leaves the instance to its owner.
type sharedConnector struct{ inner *duckdb.Connector }

func (c sharedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	return c.inner.Connect(ctx)
}

func (c sharedConnector) Driver() driver.Driver { return c.inner.Driver() }

type readOnlyConn struct{ inner *duckdb.Conn }

var (
	_ driver.QueryerContext     = (*readOnlyConn)(nil)
	_ driver.ExecerContext      = (*readOnlyConn)(nil)
	_ driver.ConnBeginTx        = (*readOnlyConn)(nil)
	_ driver.NamedValueChecker  = (*readOnlyConn)(nil)
	_ driver.ConnPrepareContext = (*readOnlyConn)(nil)
)

func (c *readOnlyConn) Close() error { return c.inner.Close() }

func (c *readOnlyConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.inner.CheckNamedValue(nv)
}

func (c *readOnlyConn) Prepare(string) (driver.Stmt, error) {
	return nil, fmt.Errorf("%w: prepared statements are not served", ErrNotARead)
}

func (c *readOnlyConn) PrepareContext(context.Context, string) (driver.Stmt, error) {
	return nil, fmt.Errorf("%w: prepared statements are not served", ErrNotARead)
}

func (c *readOnlyConn) Begin() (driver.Tx, error) {
	return nil, fmt.Errorf("%w: transactions are not served", ErrNotARead)
}

func (c *readOnlyConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return nil, fmt.Errorf("%w: transactions are not served", ErrNotARead)
}

func (c *readOnlyConn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	return nil, fmt.Errorf("%w: statements without rows are not served", ErrNotARead)
}

// QueryContext prepares the string as exactly one statement (the driver would run every
// statement of a longer string), refuses any statement but SELECT, and runs it inside a READ
// ONLY transaction that ends when its rows are closed.
func (c *readOnlyConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	// Prepare, not PrepareContext: it refuses a string of several statements, where
	// PrepareContext would run all but the last.
	prepared, err := c.inner.Prepare(query)
	if err != nil {
		return nil, err
	}
	stmt := prepared.(*duckdb.Stmt)
	kind, err := stmt.StatementType()
	if err == nil && kind != duckdb.STATEMENT_TYPE_SELECT && kind != duckdb.STATEMENT_TYPE_EXPLAIN {
		err = fmt.Errorf("%w: statement type %d", ErrNotARead, kind)
	}
	if err != nil {
		return nil, errors.Join(err, stmt.Close())
	}
	if _, err := c.inner.ExecContext(ctx, "BEGIN TRANSACTION READ ONLY", nil); err != nil {
		return nil, errors.Join(err, stmt.Close())
	}
	rows, err := stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, errors.Join(err, stmt.Close(), c.rollback())
	}
	return &readOnlyRows{Rows: rows, done: func() error { return errors.Join(stmt.Close(), c.rollback()) }}, nil
}

func (c *readOnlyConn) rollback() error {
	_, err := c.inner.ExecContext(context.Background(), "ROLLBACK", nil)
	return err
}

// readOnlyRows ends the read's statement and transaction when the rows are closed.
type readOnlyRows struct {
	driver.Rows
	done   func() error
	closed bool
}

func (r *readOnlyRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	return errors.Join(r.Rows.Close(), r.done())
}
