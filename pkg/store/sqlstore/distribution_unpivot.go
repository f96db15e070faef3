package sqlstore

import "strings"

// Unpivoter is a Dialect whose engine has neither GROUPING SETS nor window functions in every
// release its users run (ClickHouse before 21 and 22), but has arrays: Distribution then turns
// each row into one row per feature with ARRAY JOIN, groups those once, and counts each series'
// distinct values by collecting the series' groups into an array and unnesting it again. The
// table is still read once and the rows returned are the same.
type Unpivoter interface {
	Unpivot()
}

// unpivotTuple is one feature's element of the array each row is unnested by: the feature's
// index (an Int64, not Nullable: CASE over a Nullable operand gives NULL), whether its value is null, its value as a number or text (for a feature counted by
// value), its bin and grid cell (for a Binned one), and the number summed (Binned).
func unpivotTuple(index, x, number, text, bin, cell, summed string) string {
	return "tuple(CAST(" + index + " AS Int64), " + x + " IS NULL, " + number + ", " + text + ", " + bin + ", " + cell + ", " + summed + ")"
}

// writeUnpivoted writes the grouped rows of every feature in the shape the window-function form
// gives them (mw_feature, mw_bucket, mw_version, mw_group, mw_null, mw_number, mw_text, mw_dbin,
// mw_dcell, mw_n, mw_dsum, mw_dlo, mw_dhi and the series' distinct values mw_distinct) from the
// scope's rows (scan) and the features' tuples.
func writeUnpivoted(b *builder, scan string, tuples []string) {
	series := "mw_feature, mw_bucket, mw_version, mw_group"
	value := "mw_null, mw_number, mw_text, mw_dbin, mw_dcell"
	b.write("SELECT ", series, ", mw_distinct, mw_v.1 AS mw_null, mw_v.2 AS mw_number, mw_v.3 AS mw_text, mw_v.4 AS mw_dbin,",
		" mw_v.5 AS mw_dcell, mw_v.6 AS mw_n, mw_v.7 AS mw_dsum, mw_v.8 AS mw_dlo, mw_v.9 AS mw_dhi FROM (")
	b.write("SELECT ", series, ", count(mw_number) + count(mw_text) AS mw_distinct,",
		" groupArray(tuple(", value, ", mw_n, mw_dsum, mw_dlo, mw_dhi)) AS mw_values FROM (")
	b.write("SELECT mw_f.1 AS mw_feature, mw_bucket, mw_version, mw_group, mw_f.2 AS mw_null, mw_f.3 AS mw_number, mw_f.4 AS mw_text,",
		" mw_f.5 AS mw_dbin, mw_f.6 AS mw_dcell, count(*) AS mw_n, sum(mw_f.7) AS mw_dsum, min(mw_f.7) AS mw_dlo, max(mw_f.7) AS mw_dhi",
		" FROM (", scan, ") AS mw_rows ARRAY JOIN [", strings.Join(tuples, ", "), "] AS mw_f",
		" GROUP BY ", series, ", ", value)
	b.write(") AS mw_grouped GROUP BY ", series)
	b.write(") AS mw_series ARRAY JOIN mw_values AS mw_v")
}
