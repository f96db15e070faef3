package pgserver

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	// The DuckDB driver, to read the store copied.
	_ "github.com/duckdb/duckdb-go/v2"
)

// pgTypes maps DuckDB's column types to PostgreSQL's.
var pgTypes = map[string]string{"VARCHAR": "text", "DOUBLE": "double precision", "BIGINT": "bigint", "BOOLEAN": "boolean", "TIMESTAMP": "timestamp"}

// CopyTable copies a table of a DuckDB file into the server's database postgres, each column
// typed as its DuckDB type maps, streaming the rows through COPY (any number of them), then
// analyzes it.
func (s *Server) CopyTable(t testing.TB, duckPath, table string) {
	t.Helper()
	src, err := sql.Open("duckdb", duckPath+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rows, err := src.Query("SELECT * FROM " + table) //nolint:sqlclosecheck // closed by the defer below; the COPY source reads it meanwhile
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(types))
	defs := make([]string, len(types))
	for i, ct := range types {
		pgType := pgTypes[ct.DatabaseTypeName()]
		if pgType == "" {
			t.Fatalf("column %s: no PostgreSQL type for DuckDB's %s", ct.Name(), ct.DatabaseTypeName())
		}
		names[i], defs[i] = ct.Name(), fmt.Sprintf("%q %s", ct.Name(), pgType)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE TABLE %q (%s)", table, strings.Join(defs, ", "))); err != nil {
		t.Fatal(err)
	}
	values := make([]any, len(names))
	next := func() ([]any, error) {
		ptrs := make([]any, len(names))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		return values, nil
	}
	source := pgx.CopyFromFunc(func() ([]any, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		return next()
	})
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{table}, names, source); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ANALYZE %q", table)); err != nil {
		t.Fatal(err)
	}
}

// Exec runs statements as the cluster's superuser, in a session of their own that ends before
// Exec returns (so that the server publishes its statistics at once).
func (s *Server) Exec(t testing.TB, statements ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range statements {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
}
