package sqlstore

import (
	"context"
	"math"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

// featureRollupInsert returns the statements filling the Features rollup of the rebuilt hours:
// for every feature column and model output (store.Column.Profiled), one row per hour, model,
// version and value (numbers as DOUBLE, anything else cast to text as Distribution casts it,
// NULL for the rows without a value), read in one scan of the rows (paired with the feature
// indexes, as Distribution pairs them).
// An hour, version and number feature with more than store.FeatureRollupCap distinct values
// gets one row per cell of the logarithmic grid instead (featureCell), with the cell's rows,
// least and greatest value, sum and sum of squared deviations from the cell's mean (computed
// around that mean, so that it keeps its precision); a text feature's, or one with more cells
// than the cap, a single row marked capped, with the hour's rows as n: queries over it read
// raw rows. where is RollupRebuild's, so that the rows read are the other rollups'. Rebuilding every
// hour (whole), each feature has a statement of its own, so that the engine holds one feature's
// distinct values at a time, not every feature's (a continuous score's are about one per row:
// at 10M rows peak memory 1.4 GB instead of 2.2, in the same time); the few hours a write
// touched are read once for every feature (a statement per feature would halve ingest's rows/s).
func (s *Store) featureRollupInsert(ctx context.Context, hourStart func(ts string) string, where func(b *builder), whole bool) ([]Statement, error) {
	ts, model, version, features, err := s.profiledColumns(ctx)
	if err != nil {
		return nil, err
	}
	if len(features) == 0 {
		return nil, nil
	}
	if !whole {
		return []Statement{s.featureRollupStatement(hourStart, where, ts, model, version, features)}, nil
	}
	out := make([]Statement, len(features))
	for i, f := range features {
		out[i] = s.featureRollupStatement(hourStart, where, ts, model, version, []store.Column{f})
	}
	return out, nil
}

// featureRollupStatement is featureRollupInsert's statement for some of the features.
func (s *Store) featureRollupStatement(hourStart func(ts string) string, where func(b *builder), ts, model, version string, features []store.Column) Statement {
	b := &builder{d: s.d}
	text := s.d.TextType()
	var values, names, numbers, texts, indexes []string
	for i, c := range features {
		name := "mw_x" + strconv.Itoa(i)
		when := " WHEN " + strconv.Itoa(i) + " THEN "
		if c.Kind == store.KindDouble || c.Kind == store.KindInteger {
			values = append(values, "CAST("+s.col(c.Name)+" AS DOUBLE PRECISION) AS "+name)
			numbers = append(numbers, when+name)
		} else {
			values = append(values, "CAST("+s.col(c.Name)+" AS "+text+") AS "+name)
			texts = append(texts, when+name)
		}
		names = append(names, when+b.bind(c.Name))
		indexes = append(indexes, "("+strconv.Itoa(i)+")")
	}
	byFeature := func(whens []string, none string) string {
		if len(whens) == 0 {
			return none
		}
		return "CASE mw_f" + strings.Join(whens, "") + " END"
	}
	segColumns, segValues, segAliases := s.segmentBuild()
	key := "mw_hour, mw_model, mw_version" + segAliases + ", mw_feature"
	cellSign, cellKey := featureCell(b, "mw_number")
	celled := "CASE WHEN mw_sign IS NOT NULL THEN mw_number END"
	kept := func(e string) string { return "CASE WHEN mw_capped THEN NULL ELSE " + e + " END" }
	b.write("INSERT INTO ", s.d.QuoteIdent(RollupTablesOf(s.table).Features), " (hour, model, model_version", segColumns,
		", feature, number, text, capped, n, cell_sign, cell_key, number_min, number_max, number_sum, number_m2)")
	// Collapse a capped series to one row.
	b.write(" SELECT ", key, ", ", kept("mw_number_out"), ", ", kept("mw_text_out"), ", mw_capped, CAST(sum(mw_n) AS BIGINT), ",
		kept("mw_sign"), ", ", kept("mw_key"), ", ", kept("min(mw_min)"), ", ", kept("max(mw_max)"), ", ", kept("sum(mw_sum)"), ", ", kept("sum(mw_m2)"), " FROM (")
	// Capped: a text series above the cap (no cells), or a number series with more cells.
	b.write("SELECT *, mw_many AND (count(mw_sign) OVER mw_series = 0 OR ", worthKeeping("count(mw_sign) OVER mw_series", false), ") AS mw_capped FROM (")
	// One row per value (a series within the cap), per cell (a number series above it), and
	// one for the rest (the rows without a value, and a text series above the cap).
	b.write("SELECT ", key, ", mw_many, mw_rows, mw_number_out, mw_text_out, mw_sign, mw_key, sum(mw_n) AS mw_n, min(", celled, ") AS mw_min, max(", celled, ") AS mw_max,",
		" sum(", celled, " * mw_n) AS mw_sum, sum((", celled, " - mw_mean) * (", celled, " - mw_mean) * mw_n) AS mw_m2 FROM (")
	b.write("SELECT *, sum(mw_number * mw_n) OVER mw_cell / sum(mw_n) OVER mw_cell AS mw_mean FROM (")
	b.write("SELECT *, CASE WHEN mw_many THEN NULL ELSE mw_number END AS mw_number_out, CASE WHEN mw_many THEN NULL ELSE mw_text END AS mw_text_out,",
		" CASE WHEN mw_many AND mw_number IS NOT NULL THEN ", cellSign, " END AS mw_sign, CASE WHEN mw_many AND mw_number IS NOT NULL THEN ", cellKey, " END AS mw_key FROM (")
	b.write("SELECT *, ", worthKeeping("mw_values", true), " AS mw_many FROM (")
	b.write("SELECT *, count(mw_number) OVER mw_series + count(mw_text) OVER mw_series AS mw_values,",
		" sum(CASE WHEN mw_number IS NOT NULL OR mw_text IS NOT NULL THEN mw_n END) OVER mw_series AS mw_rows FROM (")
	b.write("SELECT ", key, ", mw_number, mw_text, count(*) AS mw_n FROM (")
	b.write("SELECT mw_hour, mw_model, mw_version", segAliases, ", ", byFeature(names, "NULL"), " AS mw_feature, ",
		byFeature(numbers, "CAST(NULL AS DOUBLE PRECISION)"), " AS mw_number, ",
		byFeature(texts, "CAST(NULL AS "+text+")"), " AS mw_text FROM (")
	b.write("SELECT ", hourStart(ts), " AS mw_hour, ", model, " AS mw_model, ", version, " AS mw_version", segValues, ", ", strings.Join(values, ", "), s.from())
	where(b)
	b.write(") AS mw_rows CROSS JOIN (VALUES ", strings.Join(indexes, ", "), ") AS mw_features(mw_f)")
	b.write(") AS mw_paired GROUP BY ", key, ", mw_number, mw_text")
	b.write(") AS mw_values WINDOW mw_series AS (PARTITION BY ", key, ")")
	b.write(") AS mw_counted")
	b.write(") AS mw_sized")
	b.write(") AS mw_celled WINDOW mw_cell AS (PARTITION BY ", key, ", mw_sign, mw_key)")
	b.write(") AS mw_means GROUP BY ", key, ", mw_many, mw_rows, mw_number_out, mw_text_out, mw_sign, mw_key")
	b.write(") AS mw_cells WINDOW mw_series AS (PARTITION BY ", key, ")")
	// In hour order, so that a range's rows sit together and the engine skips the others.
	b.write(") AS mw_kept GROUP BY ", key, ", mw_capped, ", kept("mw_number_out"), ", ", kept("mw_text_out"), ", ", kept("mw_sign"), ", ", kept("mw_key"),
		" ORDER BY mw_hour, mw_model")
	return Statement{SQL: b.String(), Args: b.args}
}

// profiledColumns returns the quoted ts, model and model_version columns and the columns the
// feature rollups keep (store.Column.RolledUp), in the table's order: not an outcome whose late
// values a labels table holds, which is read from the rows (featureRollupColumns).
func (s *Store) profiledColumns(ctx context.Context) (ts, model, version string, features []store.Column, err error) {
	sch, err := s.Schema(ctx)
	if err != nil {
		return "", "", "", nil, err
	}
	cols, err := s.columns(ctx, store.ColTS, store.ColModel, store.ColModelVersion)
	if err != nil {
		return "", "", "", nil, err
	}
	for _, c := range sch.Columns {
		if _, late := s.outcomeLabels[c.Name]; c.RolledUp() && !late {
			features = append(features, c)
		}
	}
	return cols[0], cols[1], cols[2], features, nil
}

// featureCell returns the expressions of a number's cell in the feature rollup's grid
// (store.FeatureCellAlpha): its sign (-1, 0, 1; 2 for NaN) and key, ceil(ln|x| / ln gamma)
// (0 for zero and NaN, metrics.SketchInfinity for an infinite value).
func featureCell(b *builder, x string) (sign, key string) {
	gamma := (1 + store.FeatureCellAlpha) / (1 - store.FeatureCellAlpha)
	sign = "CASE WHEN " + isNaN(b.d, x) + " THEN 2 WHEN " + x + " > 0 THEN 1 WHEN " + x + " < 0 THEN -1 ELSE 0 END"
	key = "CASE WHEN " + isNaN(b.d, x) + " OR " + x + " = 0 THEN 0 WHEN " + isInf(b.d, x) + " THEN " + strconv.Itoa(metrics.SketchInfinity) +
		" ELSE CAST(ceil(ln(abs(" + x + ")) / " + b.bind(math.Log(gamma)) + ") AS INTEGER) END"
	return sign, key
}

// worthKeeping is the condition on a series' number of values or cells (an expression over
// its rows, with mw_rows its rows with a value) under which the feature rollup does NOT keep it
// that way: more than store.FeatureRollupCap, or more than 1/store.FeatureRollupShrink of its
// rows (a rollup no smaller than the rows it stands for is slower to read than they are),
// except, for values (always true), at most store.FeatureRollupValues of them.
func worthKeeping(count string, values bool) string {
	over := count + " > " + strconv.Itoa(store.FeatureRollupCap) + " OR " + count + " * " + strconv.Itoa(store.FeatureRollupShrink) + " > mw_rows"
	if values {
		return count + " > " + strconv.Itoa(store.FeatureRollupValues) + " AND (" + over + ")"
	}
	return over
}
