package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mlops/modelwatch/pkg/store"
)

// featureMomentsCreate creates the FeatureMoments rollup (key: RollupCreate's table key).
func (s *Store) featureMomentsCreate(key string) Statement {
	return Statement{SQL: "CREATE TABLE IF NOT EXISTS " + s.d.QuoteIdent(RollupTablesOf(s.table).FeatureMoments) + " (" + key +
		"feature " + s.d.TextType() + " NOT NULL, n BIGINT, n_values BIGINT, value_sum DOUBLE PRECISION, value_m2 DOUBLE PRECISION, value_min DOUBLE PRECISION, value_max DOUBLE PRECISION)"}
}

// featureMomentsInsert returns the statement filling the FeatureMoments rollup of the rebuilt
// hours: one aggregate of the rows per hour, model, version (and segment values) with every
// profiled column's counts and, for a number, its sum, M2 (var_pop times the values: the
// engine's streaming variance, so that it keeps its precision; NaN with a value out of scale,
// as the raw standard deviation), least and greatest value, then one row per column. where is
// RollupRebuild's.
func (s *Store) featureMomentsInsert(ctx context.Context, hourStart func(ts string) string, where func(b *builder)) ([]Statement, error) {
	ts, model, version, features, err := s.profiledColumns(ctx)
	if err != nil {
		return nil, err
	}
	if len(features) == 0 {
		return nil, nil
	}
	b := &builder{d: s.d}
	segColumns, segValues, segAliases := s.segmentBuild()
	var aggregates, indexes []string
	perFeature := map[string][]string{} // output column -> its CASE branches
	outputs := []string{"mw_values", "mw_sum", "mw_m2", "mw_min", "mw_max"}
	for i, c := range features {
		k := strconv.Itoa(i)
		x := s.col(c.Name)
		when := " WHEN " + k + " THEN "
		perFeature["mw_feature"] = append(perFeature["mw_feature"], when+b.bind(c.Name))
		perFeature["mw_values"] = append(perFeature["mw_values"], when+"mw_c"+k)
		aggregates = append(aggregates, "count("+x+") AS mw_c"+k)
		if c.Kind == store.KindDouble || c.Kind == store.KindInteger {
			x = "CAST(" + x + " AS DOUBLE PRECISION)"
			// As the raw MeasureStd: a value beyond store.MeasureScale (or NaN) makes the spread
			// undefined (NaN), not a failed statement.
			inScale := "abs(" + x + ") <= " + measureScale
			m2 := "CASE WHEN count(CASE WHEN " + x + " IS NOT NULL AND NOT (" + inScale + ") THEN 1 END) > 0 THEN " + s.d.NaN() +
				" ELSE var_pop(CASE WHEN " + inScale + " THEN " + x + " END) * count(" + x + ") END"
			aggregates = append(aggregates, "sum("+x+") AS mw_s"+k, m2+" AS mw_m"+k, "min("+x+") AS mw_lo"+k, "max("+x+") AS mw_hi"+k)
			for out, in := range map[string]string{"mw_sum": "mw_s", "mw_m2": "mw_m", "mw_min": "mw_lo", "mw_max": "mw_hi"} {
				perFeature[out] = append(perFeature[out], when+in+k)
			}
		}
		indexes = append(indexes, "("+k+")")
	}
	b.write("INSERT INTO ", s.d.QuoteIdent(RollupTablesOf(s.table).FeatureMoments), " (hour, model, model_version", segColumns,
		", feature, n, n_values, value_sum, value_m2, value_min, value_max) SELECT mw_hour, mw_model, mw_version", segAliases,
		", CASE mw_f", strings.Join(perFeature["mw_feature"], ""), " END, mw_n")
	for _, out := range outputs {
		whens := perFeature[out]
		if len(whens) == 0 {
			b.write(", CAST(NULL AS DOUBLE PRECISION)")
			continue
		}
		b.write(", CASE mw_f", strings.Join(whens, ""), " END")
	}
	b.write(" FROM (SELECT ", hourStart(ts), " AS mw_hour, ", model, " AS mw_model, ", version, " AS mw_version", segValues,
		", count(*) AS mw_n, ", strings.Join(aggregates, ", "), s.from())
	where(b)
	b.write(" GROUP BY mw_hour, mw_model, mw_version", segAliases, ") AS mw_hours CROSS JOIN (VALUES ", strings.Join(indexes, ", "), ") AS mw_features(mw_f)",
		" ORDER BY mw_hour, mw_model")
	return []Statement{{SQL: b.String(), Args: b.args}}, nil
}

// momentSummaries is RollupFeatureSummaries from the FeatureMoments rollup, for columns with no
// range or list to count: per bucket, version and feature the rows, values, sum, extremes and
// M2 (each hour's, plus Chan's term for its mean against the series' mean, a window over the
// series' hours). raw and unrolled are RollupFeatureSummaries': no hour is capped here.
func (s *Store) momentSummaries(ctx context.Context, req store.RollupRequest, names []string, unrolled []bool) ([]store.FeatureSummary, []int, error) {
	index := map[string]int{}
	for i, c := range names {
		index[c] = i
	}
	b := &builder{d: s.d}
	b.write("WITH mw_h AS (SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, feature, n, n_values, value_sum, value_m2, value_min, value_max")
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).FeatureMoments, req); err != nil {
		return nil, nil, err
	}
	b.write(" AND ", b.in("feature", names), ")",
		", mw_m AS (SELECT *, sum(value_sum) OVER mw_w / sum(CASE WHEN value_sum IS NOT NULL THEN n_values END) OVER mw_w AS mw_mean",
		" FROM mw_h WINDOW mw_w AS (PARTITION BY mw_bucket, model_version, feature))",
		" SELECT mw_bucket, model_version, feature, CAST(sum(n) AS BIGINT), CAST(sum(n_values) AS BIGINT), sum(value_sum),",
		" sum(CASE WHEN n_values > 0 AND value_sum IS NOT NULL THEN value_m2 + n_values * (value_sum / n_values - mw_mean) * (value_sum / n_values - mw_mean) END),",
		" min(value_min), max(value_max) FROM mw_m GROUP BY mw_bucket, model_version, feature")
	var out []store.FeatureSummary
	rows := make([]int64, len(names))
	err := s.each(ctx, "reading feature moments", b, func(scan func(...any) error) (bool, error) {
		var r summaryScan
		var fs store.FeatureSummary
		if err := scan(r.dest(&fs)...); err != nil {
			return false, err
		}
		i, ok := index[r.name]
		if !ok {
			return false, fmt.Errorf("feature moments of %q, which was not asked for", r.name)
		}
		rows[i] += fs.Rows
		r.fill(&fs, i, req.Bucket)
		out = append(out, fs)
		return true, nil
	})
	if err != nil {
		return nil, nil, err
	}
	raw, err := s.unrolledFeatures(ctx, req, rows, unrolled)
	if err != nil {
		return nil, nil, err
	}
	return slices.DeleteFunc(out, func(fs store.FeatureSummary) bool { return slices.Contains(raw, fs.Feature) }), raw, nil
}
