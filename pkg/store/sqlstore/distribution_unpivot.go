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

// writeUnpivotedCounts writes the statement that reads the scope's rows, unnests each into one
// row per feature (ARRAY JOIN over the features' tuples) and counts them per series and value:
// in the statement that reads the table, so that on a cluster's Distributed table each shard
// counts its own rows and sends only its counts.
func (s *Store) writeUnpivotedCounts(b *builder, sc scoped, bucket, group string, tuples []string) error {
	b.write("SELECT mw_f.1 AS mw_feature, ", bucket, " AS mw_bucket, ", sc.version, " AS mw_version, ", group, " AS mw_group,",
		" mw_f.2 AS mw_null, mw_f.3 AS mw_number, mw_f.4 AS mw_text, mw_f.5 AS mw_dbin, mw_f.6 AS mw_dcell,",
		" count(*) AS mw_n, sum(mw_f.7) AS mw_dsum, min(mw_f.7) AS mw_dlo, max(mw_f.7) AS mw_dhi")
	if err := s.writeWhereJoined(b, sc, " ARRAY JOIN ["+strings.Join(tuples, ", ")+"] AS mw_f"); err != nil {
		return err
	}
	b.write(" GROUP BY mw_feature, mw_bucket, mw_version, mw_group, mw_null, mw_number, mw_text, mw_dbin, mw_dcell")
	return nil
}

// writeUnpivoted writes the grouped rows of every feature in the shape the window-function form
// gives them (mw_feature, mw_bucket, mw_version, mw_group, mw_null, mw_number, mw_text, mw_dbin,
// mw_dcell, mw_n, mw_dsum, mw_dlo, mw_dhi and the series' distinct values mw_distinct) from the
// counts of writeUnpivotedCounts.
func writeUnpivoted(b *builder, counts string) {
	series := "mw_feature, mw_bucket, mw_version, mw_group"
	b.write("SELECT ", series, ", mw_distinct, mw_v.1 AS mw_null, mw_v.2 AS mw_number, mw_v.3 AS mw_text, mw_v.4 AS mw_dbin,",
		" mw_v.5 AS mw_dcell, mw_v.6 AS mw_n, mw_v.7 AS mw_dsum, mw_v.8 AS mw_dlo, mw_v.9 AS mw_dhi FROM (")
	b.write("SELECT ", series, ", count(mw_number) + count(mw_text) AS mw_distinct,",
		" groupArray(tuple(mw_null, mw_number, mw_text, mw_dbin, mw_dcell, mw_n, mw_dsum, mw_dlo, mw_dhi)) AS mw_values FROM (")
	b.write(counts)
	b.write(") AS mw_counts GROUP BY ", series)
	b.write(") AS mw_series ARRAY JOIN mw_values AS mw_v")
}
