package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"testing"
)

// fakeConn answers the read-back query with chosen values.
type fakeConn struct{ values []driver.Value }

func (fakeConn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(0), nil
}

func (f fakeConn) QueryContext(context.Context, string, []driver.NamedValue) (driver.Rows, error) {
	return &fakeRows{values: f.values}, nil
}

type fakeRows struct {
	values []driver.Value
	done   bool
}

func (r *fakeRows) Columns() []string { return make([]string, len(r.values)) }
func (r *fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	copy(dest, r.values)
	return nil
}

func lockedValues() []driver.Value {
	out := make([]driver.Value, len(expected))
	for i, e := range expected {
		out[i] = e.want
	}
	return out
}

// A connection is served only when every lockdown setting reads back as expected.
func TestVerifyRefusesAnyDifference(t *testing.T) {
	if err := verify(context.Background(), fakeConn{values: lockedValues()}); err != nil {
		t.Fatalf("a locked connection was refused: %v", err)
	}
	for i, e := range expected {
		vals := lockedValues()
		vals[i] = "something else"
		err := verify(context.Background(), fakeConn{values: vals})
		if !errors.Is(err, ErrLockdown) || !strings.Contains(err.Error(), e.expr) {
			t.Errorf("%s differing: want ErrLockdown naming it, got %v", e.expr, err)
		}
	}
}
