package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

var _ store.FeatureSummaryStore = (*Store)(nil)

// RollupFeatureSummaries merges the Features rollup per bucket, version and feature in SQL: the
// rows of each series' hours (values and cells, not merged by value first: every statistic here
// adds up over any partition of the rows) are reduced to counts, a sum, M2 about the series'
// mean (a window over the series: each row's own M2, a cell's, plus Chan's term for its mean),
// extremes and the counts outside each range and beyond each category list. A cell is judged
// per hour, so a range end it straddles only when merged over the hours is still counted
// exactly. The features that RollupFeatureValues would read from raw rows are listed in raw,
// and the capped hours it would leave to them in gaps, by the same rules (featureGaps): a
// summary counts none of its feature's capped hours.
func (s *Store) RollupFeatureSummaries(ctx context.Context, req store.RollupRequest, columns []store.FeatureSummaryColumn) ([]store.FeatureSummary, []int, []store.FeatureGap, error) {
	if err := checkRollupRequest(req); err != nil {
		return nil, nil, nil, err
	}
	if len(columns) == 0 {
		return nil, nil, nil, nil
	}
	_, _, format, err := s.rollupState(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	names := make([]string, len(columns))
	index := map[string]int{}
	for i, c := range columns {
		names[i] = c.Name
		index[c.Name] = i
	}
	_, capped, err := s.featureRollupColumns(ctx, names, format)
	if err != nil {
		return nil, nil, nil, err
	}
	b := &builder{d: s.d}
	// mw_x: each rollup row of the series with its value's or cell's mean (mw_x) and sum
	// (mw_xs); mw_m: with the series' mean.
	b.write("WITH mw_x AS (SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, feature, number, text, capped, n")
	if format >= rollupFormatWithCells {
		b.write(", cell_key, number_min AS mw_cmin, number_max AS mw_cmax, number_m2 AS mw_cm2,",
			" CASE WHEN cell_key IS NOT NULL THEN number_sum / n ELSE number END AS mw_x,",
			" CASE WHEN cell_key IS NOT NULL THEN number_sum ELSE n * number END AS mw_xs")
	} else { // rollups built before the cells have no such columns
		b.write(", CAST(NULL AS INTEGER) AS cell_key, CAST(NULL AS DOUBLE PRECISION) AS mw_cmin, CAST(NULL AS DOUBLE PRECISION) AS mw_cmax,",
			" CAST(NULL AS DOUBLE PRECISION) AS mw_cm2, number AS mw_x, n * number AS mw_xs")
	}
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).Features, req); err != nil {
		return nil, nil, nil, err
	}
	b.write(" AND ", b.in("feature", names), ")",
		", mw_m AS (SELECT *, sum(mw_xs) OVER mw_w / sum(CASE WHEN mw_x IS NOT NULL THEN n END) OVER mw_w AS mw_mean",
		" FROM mw_x WINDOW mw_w AS (PARTITION BY mw_bucket, model_version, feature))",
		" SELECT mw_bucket, model_version, feature, CAST(sum(CASE WHEN coalesce(capped, false) THEN 0 ELSE n END) AS BIGINT),",
		" CAST(sum(CASE WHEN NOT coalesce(capped, false) AND (mw_x IS NOT NULL OR text IS NOT NULL) THEN n ELSE 0 END) AS BIGINT),",
		" sum(mw_xs), sum(CASE WHEN mw_x IS NOT NULL THEN coalesce(mw_cm2, 0) + n * (mw_x - mw_mean) * (mw_x - mw_mean) END),",
		" min(coalesce(mw_cmin, number)), max(coalesce(mw_cmax, number)),",
		" CAST(sum(CASE WHEN coalesce(capped, false) THEN n ELSE 0 END) AS BIGINT), max(CASE WHEN cell_key IS NOT NULL THEN 1 ELSE 0 END)")
	// Per range: the rows outside it (a value beyond an end, compared as the raw rows are; a
	// cell wholly beyond one) and whether a cell straddles an end; per list: other values.
	for _, c := range columns {
		for _, r := range c.Outside {
			feature, lo, hi := b.bind(c.Name), b.bind(r[0]), b.bind(r[1])
			b.write(", CAST(sum(CASE WHEN feature = ", feature, " AND (number < ", lo, " OR number > ", hi,
				" OR mw_cmax < ", lo, " OR mw_cmin > ", hi, ") THEN n ELSE 0 END) AS BIGINT)",
				", max(CASE WHEN feature = ", feature, " AND cell_key IS NOT NULL AND NOT (mw_cmax < ", lo, " OR mw_cmin > ", hi,
				") AND NOT (mw_cmin >= ", lo, " AND mw_cmax <= ", hi, ") THEN 1 ELSE 0 END)")
		}
		for _, list := range c.NotIn {
			b.write(", CAST(sum(CASE WHEN feature = ", b.bind(c.Name), " AND text IS NOT NULL")
			if len(list) > 0 {
				b.write(" AND NOT ", b.in("text", list))
			}
			b.write(" THEN n ELSE 0 END) AS BIGINT)")
		}
	}
	b.write(" FROM mw_m GROUP BY mw_bucket, model_version, feature")

	var out []store.FeatureSummary
	rows := make([]int64, len(columns))
	err = s.each(ctx, "reading feature rollup summaries", b, func(scan func(...any) error) (bool, error) {
		var (
			micros     int64
			fs         store.FeatureSummary
			name       string
			sum, m2    sql.NullFloat64
			lo, hi     sql.NullFloat64
			cappedRows int64
			has        int
		)
		dest := []any{&micros, &fs.Version, &name, &fs.Rows, &fs.Values, &sum, &m2, &lo, &hi, &cappedRows, &has}
		// The per-range and per-list columns of every feature follow, in columns' order.
		var outside, straddles, notIn [][]any
		for _, c := range columns {
			o, st, n := make([]any, len(c.Outside)), make([]any, len(c.Outside)), make([]any, len(c.NotIn))
			for j := range c.Outside {
				o[j], st[j] = new(sql.NullInt64), new(int)
				dest = append(dest, o[j], st[j])
			}
			for j := range c.NotIn {
				n[j] = new(sql.NullInt64)
				dest = append(dest, n[j])
			}
			outside, straddles, notIn = append(outside, o), append(straddles, st), append(notIn, n)
		}
		if err := scan(dest...); err != nil {
			return false, err
		}
		i, ok := index[name]
		if !ok {
			return false, fmt.Errorf("feature rollup summary of %q, which was not asked for", name)
		}
		rows[i] += fs.Rows + cappedRows
		capped[i] = capped[i] || cappedRows > 0
		fs.Feature = i
		if req.Bucket > 0 {
			fs.Bucket = time.UnixMicro(micros).UTC()
		}
		fs.Sum, fs.M2, fs.Cells = sum.Float64, max(m2.Float64, 0), has == 1
		if lo.Valid {
			fs.Min, fs.Max = &lo.Float64, &hi.Float64
		}
		for j := range outside[i] {
			fs.Outside = append(fs.Outside, outside[i][j].(*sql.NullInt64).Int64)
			fs.Straddles = append(fs.Straddles, *straddles[i][j].(*int) == 1)
		}
		for _, n := range notIn[i] {
			fs.NotIn = append(fs.NotIn, n.(*sql.NullInt64).Int64)
		}
		out = append(out, fs)
		return true, nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	gaps, err := s.featureGaps(ctx, req, names, capped)
	if err != nil {
		return nil, nil, nil, err
	}
	raw, err := s.unrolledFeatures(ctx, req, rows, capped)
	if err != nil {
		return nil, nil, nil, err
	}
	out = slices.DeleteFunc(out, func(fs store.FeatureSummary) bool { return slices.Contains(raw, fs.Feature) })
	return out, raw, gaps, nil
}
