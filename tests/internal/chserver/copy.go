package chserver

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	// The DuckDB driver, to read the store copied.
	_ "github.com/duckdb/duckdb-go/v2"
)

// chTypes maps DuckDB's column types to ClickHouse's. A boolean is the Enum8 that releases
// without Bool (before 22.3) store it as; the store reads both.
var chTypes = map[string]string{"VARCHAR": "String", "DOUBLE": "Float64", "BIGINT": "Int64",
	"BOOLEAN": "Enum8('false' = 0, 'true' = 1)", "TIMESTAMP": "DateTime('UTC')"}

// keyColumns are never null: they order the MergeTree table.
var keyColumns = map[string]bool{"prediction_id": true, "ts": true, "model": true, "model_version": true}

// Engine is the table engine clause of the prediction table, as docs/clickhouse.md gives it.
const Engine = "ENGINE = MergeTree() PARTITION BY toYYYYMM(ts) ORDER BY (model, model_version, ts)"

// CopyTable copies a table of a DuckDB file into database default of the servers, each column
// typed as its DuckDB type maps, in a table CreateTable creates; on a cluster the rows are
// inserted through the first server's Distributed table.
func CopyTable(t testing.TB, duckPath, table string, servers []*Server) {
	t.Helper()
	src, err := sql.Open("duckdb", duckPath+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rows, err := src.Query("SELECT * FROM " + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	names, defs := make([]string, len(types)), make([]string, len(types))
	bools := make([]bool, len(types))
	for i, ct := range types {
		chType := chTypes[ct.DatabaseTypeName()]
		if chType == "" {
			t.Fatalf("column %s: no ClickHouse type for DuckDB's %s", ct.Name(), ct.DatabaseTypeName())
		}
		if !keyColumns[ct.Name()] {
			chType = "Nullable(" + chType + ")"
		}
		bools[i] = ct.DatabaseTypeName() == "BOOLEAN"
		names[i], defs[i] = ct.Name(), fmt.Sprintf("%q %s", ct.Name(), chType)
	}
	CreateTable(t, servers, table, strings.Join(defs, ", "))
	db := servers[0].Admin(t)
	ctx := context.Background()
	insert := fmt.Sprintf("INSERT INTO %q (%s)", table, strings.Join(names, ", "))
	values := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for more := true; more; {
		more = copyBatch(t, ctx, db, insert, rows, ptrs, values, bools)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// copyBatchRows is how many rows one insert of CopyTable carries (clickhouse-go holds a batch
// in memory until it is sent).
const copyBatchRows = 500_000

// copyBatch inserts up to copyBatchRows of rows in one batch and says whether rows remain.
func copyBatch(t testing.TB, ctx context.Context, db *sql.DB, insert string, rows *sql.Rows, ptrs, values []any, bools []bool) bool {
	t.Helper()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	n := 0
	for n < copyBatchRows && rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, b := range bools {
			if v, ok := values[i].(bool); ok && b {
				values[i] = fmt.Sprint(v)
			}
		}
		if _, err := stmt.ExecContext(ctx, values...); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return n == copyBatchRows
}

// CreateTable creates a prediction table of the given column definitions in database default of
// the servers: on one server a MergeTree table; on a cluster's servers a MergeTree table
// <table>_local on each and a Distributed table <table> over them on each (rows spread by a hash
// of prediction_id).
func CreateTable(t testing.TB, servers []*Server, table, columns string) {
	t.Helper()
	if len(servers) == 1 {
		servers[0].Exec(t, fmt.Sprintf("CREATE TABLE %q (%s) %s", table, columns, Engine))
		return
	}
	for _, s := range servers {
		s.Exec(t, fmt.Sprintf("CREATE TABLE %q (%s) %s", table+"_local", columns, Engine),
			fmt.Sprintf("CREATE TABLE %q AS %q ENGINE = Distributed(%s, default, %s, cityHash64(prediction_id))", table, table+"_local", Cluster, table+"_local"))
	}
}
