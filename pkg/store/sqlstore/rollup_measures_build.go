package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
)

// measureSumsColumns are the Measures rollup's statistics columns, in the order
// measureSumsSelect computes them and store.MeasureSums holds them.
var measureSumsColumns = []string{"n_rows", "n_labeled", "n_paired", "n_nonzero_actual", "n_out_of_scale",
	"sum_error", "sum_abs_error", "sum_sq_error", "sum_actual", "sum_abs_pct_error",
	"m2_actual", "m2_error", "m2_abs_error", "m2_sq_error"}

// measureSumsCounts is the number of leading count columns (BIGINT) of measureSumsColumns.
const measureSumsCounts = 5

// measureSumsSelect is the select list (each item after ", ") of the statistics of
// store.MeasureSums over the rows a statement reads (measureStats, each aggregate over the rows).
func (s *Store) measureSumsSelect(ctx context.Context) (string, error) {
	stats, err := s.measureStats(ctx)
	if err != nil {
		return "", err
	}
	var items []string
	for i, st := range stats {
		if st.Hidden {
			continue
		}
		item := st.Fn + "(" + st.Expr + ")"
		switch {
		case st.Expr == "":
			item = "count(*)"
		case st.Fn == "var_pop":
			item += " * count(" + st.Expr + ")"
		case i < measureSumsCounts:
			item = "CAST(" + item + " AS BIGINT)"
		}
		items = append(items, item)
	}
	return ", " + strings.Join(items, ", "), nil
}

// measureStats are the statistics of store.MeasureSums, in measureSumsColumns' order, with the
// null rules of the raw measures (sqlstore.measure): sums over paired rows only (NULL without
// one), MAPE's over paired rows whose actual is not zero, labeled as the raw MeasureLabeled
// counts it. The M2 columns are the engine's own stable population variance times the count
// (not a sum of squares minus a squared sum), so that they merge without losing the spread of
// large values; they read the paired rows within store.MeasureScale only (the engine's variance
// fails on a non-finite result), which the hidden n_tame counts, and n_out_of_scale counts the
// others. A table without predicted_value or actual_value has no paired row: zero counts and
// NULL sums.
func (s *Store) measureStats(ctx context.Context) ([]StateStat, error) {
	labeled, err := s.labeledCondition(ctx)
	if err != nil {
		return nil, err
	}
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, err
	}
	pred, act := "CAST(NULL AS "+s.d.DoubleType()+")", "CAST(NULL AS "+s.d.DoubleType()+")"
	if sch.HasAll(store.ColPredictedValue, store.ColActualValue) {
		q, err := s.columns(ctx, store.ColPredictedValue, store.ColActualValue)
		if err != nil {
			return nil, err
		}
		pred, act = q[0], q[1]
	}
	paired := pred + " IS NOT NULL AND " + act + " IS NOT NULL"
	errExpr := "(" + pred + " - " + act + ")"
	over := func(e string) string { return "CASE WHEN " + paired + " THEN " + e + " END" }
	// NaN compares greater than any number, so it is out of scale too.
	scale := strconv.FormatFloat(store.MeasureScale, 'g', -1, 64)
	inScale := "abs(" + act + ") <= " + scale + " AND abs" + errExpr + " <= " + scale
	tame := func(e string) string { return "CASE WHEN " + paired + " AND " + inScale + " THEN " + e + " END" }
	const noPaired, noTame = "n_paired = 0", "n_tame = 0"
	m2 := func(col, e string) StateStat {
		return StateStat{Column: col, Fn: "var_pop", Expr: tame(e), NullWhen: noTame, Times: "n_tame"}
	}
	return []StateStat{
		{Column: "n_rows", Fn: "count"},
		{Column: "n_labeled", Fn: "count", Expr: "CASE WHEN " + labeled + " THEN 1 END"},
		{Column: "n_paired", Fn: "count", Expr: "CASE WHEN " + paired + " THEN 1 END"},
		{Column: "n_nonzero_actual", Fn: "count", Expr: "CASE WHEN " + paired + " AND " + act + " <> 0 THEN 1 END"},
		{Column: "n_out_of_scale", Fn: "count", Expr: "CASE WHEN " + paired + " AND NOT (" + inScale + ") THEN 1 END"},
		{Column: "sum_error", Fn: "sum", Expr: over(errExpr), NullWhen: noPaired},
		{Column: "sum_abs_error", Fn: "sum", Expr: over("abs" + errExpr), NullWhen: noPaired},
		{Column: "sum_sq_error", Fn: "sum", Expr: over(errExpr + " * " + errExpr), NullWhen: noPaired},
		{Column: "sum_actual", Fn: "sum", Expr: over("CAST(" + act + " AS " + s.d.DoubleType() + ")"), NullWhen: noPaired},
		{Column: "sum_abs_pct_error", Fn: "sum", Expr: "CASE WHEN " + paired + " AND " + act + " <> 0 THEN abs(" + errExpr + " / " + act + ") END", NullWhen: "n_nonzero_actual = 0"},
		m2("m2_actual", act), m2("m2_error", errExpr), m2("m2_abs_error", "abs"+errExpr), m2("m2_sq_error", errExpr+" * "+errExpr),
		{Column: "n_tame", Fn: "count", Expr: tame("1"), Hidden: true},
	}, nil
}

// measuresRollupCreate is the statement creating the Measures rollup if it is missing.
func (s *Store) measuresRollupCreate() Statement {
	text := s.d.TextType()
	cols := []string{"hour TIMESTAMP NOT NULL", "model " + text + " NOT NULL", "model_version " + text + " NOT NULL"}
	for _, name := range s.segments {
		cols = append(cols, s.d.QuoteIdent(SegmentColumn(name))+" "+text)
	}
	for i, c := range measureSumsColumns {
		typ := "DOUBLE PRECISION"
		if i < measureSumsCounts {
			typ = "BIGINT"
		}
		cols = append(cols, c+" "+typ)
	}
	return Statement{SQL: "CREATE TABLE IF NOT EXISTS " + s.d.QuoteIdent(RollupTablesOf(s.table).Measures) + " (" + strings.Join(cols, ", ") + ")"}
}

// measuresRollupRebuild returns the statements recomputing the Measures rollup of the rebuilt
// hours (nil: every hour): the delete of their rows, then one row per hour, model and version.
// head, where and group are RollupRebuild's, so that the rows and labels read are the other
// rollups'.
func (s *Store) measuresRollupRebuild(ctx context.Context, hours *HoursTable, head func(b *builder, table, columns string), where func(b *builder), group string) ([]Statement, error) {
	list, err := s.measureSumsSelect(ctx)
	if err != nil {
		return nil, err
	}
	table := RollupTablesOf(s.table).Measures
	q := s.d.QuoteIdent
	del := &builder{d: s.d}
	del.write("DELETE FROM ", q(table))
	if hours != nil {
		del.write(" WHERE EXISTS (SELECT 1 FROM ", q(hours.Name), " h WHERE h.mw_model = ", q(table), ".model AND h.mw_version = ",
			q(table), ".model_version AND h.mw_hour = ", q(table), ".hour)")
	}
	b := &builder{d: s.d}
	head(b, table, strings.Join(measureSumsColumns, ", "))
	b.write(list, s.from())
	where(b)
	b.write(group)
	return []Statement{{SQL: del.String()}, {SQL: b.String(), Args: b.args}}, nil
}
