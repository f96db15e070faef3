package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"slices"
	"strconv"
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

func lockedValues(readOnly bool) []driver.Value {
	out := make([]driver.Value, len(expected), len(expected)+1)
	for i, e := range expected {
		out[i] = e.want
	}
	return append(out, strconv.FormatBool(readOnly))
}

// A connection is served only when every lockdown setting reads back as expected.
func TestVerifyRefusesAnyDifference(t *testing.T) {
	for _, readOnly := range []bool{true, false} {
		if err := verify(context.Background(), fakeConn{values: lockedValues(readOnly)}, readOnly); err != nil {
			t.Fatalf("a locked connection (read-only attach %v) was refused: %v", readOnly, err)
		}
		checks := append(slices.Clone(expected), struct{ expr, want string }{readOnlyCheck, ""})
		for i, e := range checks {
			vals := lockedValues(readOnly)
			vals[i] = "something else"
			err := verify(context.Background(), fakeConn{values: vals}, readOnly)
			if !errors.Is(err, ErrLockdown) || !strings.Contains(err.Error(), e.expr) {
				t.Errorf("%s differing: want ErrLockdown naming it, got %v", e.expr, err)
			}
		}
		// A store meant to be read-only that reads back as writable (or the reverse) is refused.
		if err := verify(context.Background(), fakeConn{values: lockedValues(!readOnly)}, readOnly); !errors.Is(err, ErrLockdown) {
			t.Errorf("read-only attach %v read back as %v: want ErrLockdown, got %v", readOnly, !readOnly, err)
		}
	}
}
