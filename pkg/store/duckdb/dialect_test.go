package duckdb_test

import (
	"context"
	"fmt"
	"testing"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/mlops/modelwatch/pkg/store/duckdb"
)

// Downstream tells the store's environment failing (a 5xx the operator fixes, not a plugin
// bug) from DuckDB refusing a statement.
func TestDownstreamErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"I/O, e.g. the file lock held by a writer", &duck.Error{Type: duck.ErrorTypeIO, Msg: "IO Error: Could not set lock on file"}, true},
		{"out of memory", &duck.Error{Type: duck.ErrorTypeOutOfMemory}, true},
		{"interrupted", &duck.Error{Type: duck.ErrorTypeInterrupt}, true},
		{"wrapped", fmt.Errorf("reading: %w", &duck.Error{Type: duck.ErrorTypeIO}), true},
		{"binder: the statement is wrong", &duck.Error{Type: duck.ErrorTypeBinder}, false},
		{"catalog: a function or table the statement names is missing", &duck.Error{Type: duck.ErrorTypeCatalog}, false},
		{"not a DuckDB error", fmt.Errorf("something"), false},
	}
	for _, tc := range cases {
		if got := (duckdb.Dialect{}).Downstream(tc.err); got != tc.want {
			t.Errorf("%s: Downstream = %v, want %v", tc.name, got, tc.want)
		}
	}
	// The driver's own error for a bad statement is recognised as the statement's.
	st, err := duckdb.Open(sample(t), "predictions")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = st.DB().ExecContext(context.Background(), "SELECT no_such_column FROM predictions")
	if err == nil || (duckdb.Dialect{}).Downstream(err) {
		t.Fatalf("a binder error: want an error that is not downstream, got %v", err)
	}
}
