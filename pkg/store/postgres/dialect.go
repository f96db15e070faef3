// Package postgres is the prediction store on a team's own PostgreSQL (12 or later): the same
// generated statements as the embedded store, in PostgreSQL's SQL, through pgx's extended
// protocol (every value bound, never interpolated), on connections that only read.
package postgres

import (
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// Dialect is PostgreSQL's SQL.
type Dialect struct{}

var _ sqlstore.Dialect = Dialect{}

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "PostgreSQL" }

// Placeholder implements sqlstore.Dialect.
func (Dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// QuoteIdent implements sqlstore.Dialect.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// BucketMicros implements sqlstore.Dialect: the timestamp's microseconds since the epoch
// (extract is exact, numeric, from PostgreSQL 14; a double before), floored to the width with
// floor division, as DuckDB's // floors.
func (Dialect) BucketMicros(column, width string) string {
	micros := "CAST(floor(extract(epoch FROM " + column + ") * 1000000) AS BIGINT)"
	return "(CAST(floor(CAST(" + micros + " AS NUMERIC) / " + width + ") AS BIGINT) * " + width + ")"
}

// EpochSeconds implements sqlstore.Dialect.
func (Dialect) EpochSeconds(expr string) string {
	return "CAST(extract(epoch FROM " + expr + ") AS DOUBLE PRECISION)"
}

// TextType implements sqlstore.Dialect.
func (Dialect) TextType() string { return "TEXT" }

// DoubleType implements sqlstore.Dialect.
func (Dialect) DoubleType() string { return "DOUBLE PRECISION" }

// BigintType implements sqlstore.Dialect.
func (Dialect) BigintType() string { return "BIGINT" }

// NaN implements sqlstore.Dialect.
func (Dialect) NaN() string { return "CAST('NaN' AS DOUBLE PRECISION)" }

// Quantile implements sqlstore.Dialect: percentile_cont interpolates linearly, as numpy does.
func (Dialect) Quantile(expr string, q float64) string {
	return "percentile_cont(" + strconv.FormatFloat(q, 'g', -1, 64) + ") WITHIN GROUP (ORDER BY " + expr + ")"
}

// ColumnsQuery implements sqlstore.Dialect: the table in the connection's current schema (the
// first of its search_path that exists).
func (Dialect) ColumnsQuery() string {
	return "SELECT column_name, data_type FROM information_schema.columns " +
		"WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
}

// Kind implements sqlstore.Dialect over information_schema's data_type names.
func (Dialect) Kind(engineType string) store.Kind {
	t := strings.ToLower(engineType)
	switch {
	case t == "boolean":
		return store.KindBoolean
	case strings.HasPrefix(t, "timestamp"), t == "date":
		return store.KindTimestamp
	case t == "double precision", t == "real", t == "numeric", t == "decimal":
		return store.KindDouble
	case t == "integer", t == "bigint", t == "smallint":
		return store.KindInteger
	}
	return store.KindText
}

// Downstream implements sqlstore.Dialect: a failed connection (any error connecting, SQLSTATE
// class 08), refused credentials (28), a missing database (3D000), missing privileges (42501),
// exhausted resources (53), an administrator's shutdown (57P), a system error (58), a
// serialization failure or deadlock (40), and network errors are the environment's, not the
// generated SQL's.
func (Dialect) Downstream(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || pgconn.SafeToRetry(err) {
		return true
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	for _, prefix := range []string{"08", "28", "3D000", "42501", "53", "57P", "58", "40"} {
		if strings.HasPrefix(pe.Code, prefix) {
			return true
		}
	}
	return false
}

// MissingTableHint implements sqlstore.MissingTableHinter: information_schema lists only the
// columns the user may read, so a table without a grant looks missing.
func (Dialect) MissingTableHint() string {
	return "check table and the database, or grant the user SELECT on it (GRANT SELECT ON <table> TO <user>): PostgreSQL hides the columns of tables a user may not read"
}

// TableVersion implements sqlstore.TableVersioner: the rows inserted, updated and deleted in the
// table and its partitions since the statistics were reset, from the cumulative statistics
// system (on by default: track_counts, which autovacuum needs), instead of a count(*) that would
// read the whole table every few seconds. table is a validated identifier.
func (d Dialect) TableVersion(table string) string {
	rel := "to_regclass('" + d.QuoteIdent(table) + "')"
	return "(SELECT CAST(coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS BIGINT) FROM pg_stat_user_tables WHERE relid = " + rel +
		" OR relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = " + rel + "))"
}

// HourStart implements sqlstore.RollupDialect: the start of the epoch-aligned hour holding a
// timestamp (with or without a time zone), as a timestamp without one in UTC, whatever the
// session's time zone (date_trunc would follow it for a timestamptz).
func (Dialect) HourStart(ts string) string {
	return "(to_timestamp(CAST(floor(extract(epoch FROM " + ts + ") / 3600) * 3600 AS DOUBLE PRECISION)) AT TIME ZONE 'UTC')"
}

// IsNaN implements sqlstore.FloatDialect: PostgreSQL has no isnan, and a NaN equals itself.
func (Dialect) IsNaN(x string) string {
	return "(" + x + " = CAST('NaN' AS DOUBLE PRECISION))"
}

// IsInf implements sqlstore.FloatDialect.
func (Dialect) IsInf(x string) string {
	return "(abs(" + x + ") = CAST('Infinity' AS DOUBLE PRECISION))"
}
