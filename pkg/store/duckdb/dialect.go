// Package duckdb is the embedded prediction store: a DuckDB file opened read-only and locked
// down for queries, and read-write only by the loader and the demo generator.
package duckdb

import (
	"errors"
	"strconv"
	"strings"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// Dialect is DuckDB's SQL.
type Dialect struct{}

var _ sqlstore.ApproxDistinctDialect = Dialect{}

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "DuckDB" }

// Placeholder implements sqlstore.Dialect.
func (Dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// QuoteIdent implements sqlstore.Dialect.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// BucketMicros implements sqlstore.Dialect; // is DuckDB's integer division.
func (Dialect) BucketMicros(column, width string) string {
	return "(epoch_us(" + column + ") // " + width + ") * " + width
}

// EpochSeconds implements sqlstore.Dialect.
func (Dialect) EpochSeconds(expr string) string { return "epoch(" + expr + ")" }

// TextType implements sqlstore.Dialect.
func (Dialect) TextType() string { return "VARCHAR" }

// DoubleType implements sqlstore.Dialect.
func (Dialect) DoubleType() string { return "DOUBLE" }

// BigintType implements sqlstore.Dialect.
func (Dialect) BigintType() string { return "BIGINT" }

// NaN implements sqlstore.Dialect.
func (Dialect) NaN() string { return "CAST('NaN' AS DOUBLE)" }

// Quantile implements sqlstore.Dialect: quantile_cont interpolates linearly, as numpy does.
func (Dialect) Quantile(expr string, q float64) string {
	return "quantile_cont(" + expr + ", " + strconv.FormatFloat(q, 'g', -1, 64) + ")"
}

// ApproxDistinct implements sqlstore.ApproxDistinctDialect with DuckDB's HyperLogLog.
func (Dialect) ApproxDistinct(expr string) string { return "approx_count_distinct(" + expr + ")" }

// ColumnsQuery implements sqlstore.Dialect.
func (Dialect) ColumnsQuery() string {
	return "SELECT column_name, data_type FROM information_schema.columns " +
		"WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position"
}

// Kind implements sqlstore.Dialect.
func (Dialect) Kind(engineType string) store.Kind {
	t := strings.ToUpper(engineType)
	switch {
	case t == "BOOLEAN":
		return store.KindBoolean
	case strings.HasPrefix(t, "TIMESTAMP"), t == "DATE":
		return store.KindTimestamp
	case t == "DOUBLE", t == "FLOAT", t == "REAL", strings.HasPrefix(t, "DECIMAL"):
		return store.KindDouble
	case strings.HasSuffix(t, "INT"), t == "INTEGER", t == "BIGINT", t == "SMALLINT", t == "TINYINT", t == "HUGEINT":
		return store.KindInteger
	}
	return store.KindText
}

// engineType spells a kind as a DuckDB column type.
func engineType(k store.Kind) string {
	switch k {
	case store.KindBoolean:
		return "BOOLEAN"
	case store.KindTimestamp:
		return "TIMESTAMP"
	case store.KindDouble:
		return "DOUBLE"
	case store.KindInteger:
		return "BIGINT"
	}
	return "VARCHAR"
}

// Downstream implements sqlstore.Dialect: DuckDB's I/O, lock and transaction conflicts,
// memory, connection, interruption and fatal (restart needed) errors are the environment's.
func (Dialect) Downstream(err error) bool {
	var e *duck.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Type {
	case duck.ErrorTypeIO, duck.ErrorTypeTransaction, duck.ErrorTypeOutOfMemory, duck.ErrorTypeConnection,
		duck.ErrorTypeNetwork, duck.ErrorTypeHTTP, duck.ErrorTypeInterrupt, duck.ErrorTypeFatal, duck.ErrorTypePermission:
		return true
	}
	return false
}
