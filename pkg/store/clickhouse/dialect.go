// Package clickhouse is the prediction store on a team's own ClickHouse, one server or a
// cluster's Distributed table: the same generated statements as the embedded store, in SQL that
// ClickHouse 18.16 and current releases both accept, through clickhouse-go's native protocol, on
// connections that only read (readonly=1).
package clickhouse

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/mlops/modelwatch/pkg/store"
	"github.com/mlops/modelwatch/pkg/store/sqlstore"
)

// Dialect is ClickHouse's SQL.
type Dialect struct{}

var (
	_ sqlstore.Dialect        = Dialect{}
	_ sqlstore.Unpivoter      = Dialect{}
	_ sqlstore.TimeBinder     = Dialect{}
	_ sqlstore.TruthDialect   = Dialect{}
	_ sqlstore.CountIfDialect = Dialect{}
)

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "ClickHouse" }

// Placeholder implements sqlstore.Dialect. clickhouse-go binds $n on the client, writing each
// value as a literal of its type (strings quoted and escaped, floats as cast(..., 'Float64')):
// the server's own query parameters ({name:Type}) are newer than releases users still run.
func (Dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// QuoteIdent implements sqlstore.Dialect.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(name, `\`, `\\`), `"`, `\"`) + `"`
}

// BucketMicros implements sqlstore.Dialect: the time's microseconds since the epoch, floored to
// the width. toFloat64 gives a DateTime's whole seconds (every release) and a DateTime64's
// fraction too (20.1 and later); rounded after scaling, the microseconds are exact. Times are
// after 1970 (DateTime is unsigned), so intDiv's truncation is a floor.
func (Dialect) BucketMicros(column, width string) string {
	return "(intDiv(toInt64(round(toFloat64(" + column + ") * 1000000)), " + width + ") * " + width + ")"
}

// EpochSeconds implements sqlstore.Dialect (with a DateTime64's fraction, as BucketMicros).
func (Dialect) EpochSeconds(expr string) string {
	return "toFloat64(" + expr + ")"
}

// TextType implements sqlstore.Dialect; every cast is to a Nullable type, since ClickHouse
// refuses to cast a NULL to a plain one.
func (Dialect) TextType() string { return "Nullable(String)" }

// DoubleType implements sqlstore.Dialect.
func (Dialect) DoubleType() string { return "Nullable(Float64)" }

// BigintType implements sqlstore.Dialect.
func (Dialect) BigintType() string { return "Nullable(Int64)" }

// NaN implements sqlstore.Dialect.
func (Dialect) NaN() string { return "CAST(nan AS Nullable(Float64))" }

// Quantile implements sqlstore.Dialect: numpy's linear interpolation between the sorted values
// around q (n-1), as quantileExactInclusive (20.1 and later) computes it; 18.16 has only the
// uninterpolated quantileExact, so the group's values are sorted (arraySort), bound once by a
// lambda, and shared by every quantile of the same values. Like every exact quantile, it holds a
// group's values in memory. No values give NULL, as SQL's aggregates give it. (On ClickHouse 26.9
// this form takes as long as quantileExactInclusive; on 18.16 its sort is several times slower
// than quantilesExact's selection: docs/performance.md.)
func (Dialect) Quantile(expr string, q float64) string {
	level := strconv.FormatFloat(q, 'g', -1, 64)
	pos := level + " * (length(s) - 1)"
	lo := "toUInt64(floor(" + pos + ")) + 1"
	hi := "least(toUInt64(floor(" + pos + ")) + 2, length(s))"
	return "arrayElement(arrayMap(s -> if(length(s) = 0, NULL, s[" + lo + "] + (" + pos + " - floor(" + pos + ")) * (s[" + hi + "] - s[" + lo + "])), " +
		"[arraySort(groupArray(" + expr + "))]), 1)"
}

// ColumnsQuery implements sqlstore.Dialect: the table in the connection's database, in the
// order of its definition.
func (Dialect) ColumnsQuery() string {
	return "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = $1"
}

// boolEnum is how a boolean is stored on releases without Bool (before 22.3).
const boolEnum = "enum8('false' = 0, 'true' = 1)"

// Kind implements sqlstore.Dialect over ClickHouse's type names (Nullable and LowCardinality
// unwrapped). A boolean is Bool, or Enum8('false' = 0, 'true' = 1) where Bool is missing; a
// UInt8 is a number.
func (Dialect) Kind(engineType string) store.Kind {
	t := strings.ToLower(engineType)
	for _, wrap := range []string{"nullable(", "lowcardinality("} {
		for strings.HasPrefix(t, wrap) && strings.HasSuffix(t, ")") {
			t = t[len(wrap) : len(t)-1]
		}
	}
	switch {
	case t == "bool" || t == "boolean" || strings.ReplaceAll(t, " ", "") == strings.ReplaceAll(boolEnum, " ", ""):
		return store.KindBoolean
	case strings.HasPrefix(t, "datetime"), strings.HasPrefix(t, "date"):
		return store.KindTimestamp
	case strings.HasPrefix(t, "float"), strings.HasPrefix(t, "decimal"):
		return store.KindDouble
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return store.KindInteger
	}
	return store.KindText
}

// BindTime implements sqlstore.TimeBinder: bounds rounded up to the whole second, which select
// the same DateTime values (clickhouse-go would otherwise write a fractional bound as
// toDateTime64, which 18.16 lacks, or drop the fraction, which moves the bound down).
func (Dialect) BindTime(t time.Time) any {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}

// Unpivot implements sqlstore.Unpivoter: GROUPING SETS came in 22.x and window functions in 21.x.
func (Dialect) Unpivot() {}

// MissingTableHint implements sqlstore.MissingTableHinter.
func (Dialect) MissingTableHint() string {
	return "check table and the database, or grant the user SELECT on it (GRANT SELECT ON <db>.<table> TO <user>)"
}

// Exception codes of the store's environment rather than the statement: network and timeouts
// (159 timeout exceeded, 209 socket timeout, 210 network error, 394 query was cancelled),
// resources (202 too many simultaneous queries, 241 memory limit exceeded, 236 aborted),
// authentication and access (192 unknown user, 193 wrong password, 194 password required,
// 195 IP address not allowed, 516 authentication failed, 497 access denied), a missing
// database (81), readonly refusals of a setting (164), and a shard that cannot be reached
// (279 all connection tries failed).
var environmentCodes = map[int32]bool{159: true, 209: true, 210: true, 394: true, 202: true, 241: true, 236: true,
	192: true, 193: true, 194: true, 195: true, 516: true, 497: true, 81: true, 164: true, 279: true}

// Downstream implements sqlstore.Dialect.
func (Dialect) Downstream(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var ex *ch.Exception
	return errors.As(err, &ex) && environmentCodes[ex.Code]
}

// IsTrue implements sqlstore.TruthDialect: Bool, Enum8('false' = 0, 'true' = 1) and UInt8 all
// compare to 1.
func (Dialect) IsTrue(expr string) string { return "(" + expr + " = 1)" }

// CountIf implements sqlstore.CountIfDialect (about 15% faster than counting a CASE).
func (Dialect) CountIf(cond string) string { return "countIf(" + cond + ")" }

// stateFunctions are ClickHouse's aggregates for sqlstore.StateDialect's: their -State and
// -Merge combinators keep and merge partial states. The population variance is varPopStable,
// Welford's, which merges exactly as DuckDB's var_pop computes (varPop sums squares, and loses
// the spread of values far from zero).
var stateFunctions = map[string]string{"count": "count", "sum": "sum", "min": "min", "max": "max", "var_pop": "varPopStable"}

// State implements sqlstore.StateDialect.
func (Dialect) State(fn, expr string) string { return stateFunctions[fn] + "State(" + expr + ")" }

// Merge implements sqlstore.StateDialect.
func (Dialect) Merge(fn, column string) string { return stateFunctions[fn] + "Merge(" + column + ")" }

// StatesTable implements sqlstore.StateDialect.
func (Dialect) StatesTable(rollupTable string) string { return rollupTable + "_states" }

// HourStart is the start of the epoch-aligned hour holding a timestamp column, as a DateTime:
// the rollups' hour, floored as the raw queries' buckets are.
func (d Dialect) HourStart(ts string) string {
	return "toDateTime(intDiv(" + d.BucketMicros(ts, "3600000000") + ", 1000000))"
}

// IsNaN implements sqlstore.FloatDialect: ClickHouse spells it isNaN.
func (Dialect) IsNaN(x string) string { return "isNaN(" + x + ")" }

// IsInf implements sqlstore.FloatDialect.
func (Dialect) IsInf(x string) string { return "isInfinite(" + x + ")" }
