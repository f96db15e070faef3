package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
	// Counts, means and spreads alone come from the hours' moments (never capped, one row per
	// hour and feature); a range or a category list needs the values.
	if format >= rollupFormatWithMoments && !slices.ContainsFunc(columns, func(c store.FeatureSummaryColumn) bool { return len(c.Outside)+len(c.NotIn) > 0 }) {
		out, raw, err := s.momentSummaries(ctx, req, names, capped)
		return out, raw, nil, err
	}
	b := &builder{d: s.d}
	// mw_h: each rollup row (an hour's value or cell) with its sum (mw_xs) and, per range, its
	// rows outside it (a value beyond an end, compared as the raw rows are; a cell wholly beyond
	// one) and whether it is a cell straddling an end (judged hour by hour), per list its rows
	// with another value.
	b.write("WITH mw_h AS (SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, feature, number, text, capped, n")
	lower, upper, cell := "number_min", "number_max", "cell_key"
	if format < rollupFormatWithCells {
		lower, upper, cell = "CAST(NULL AS DOUBLE PRECISION)", "CAST(NULL AS DOUBLE PRECISION)", "CAST(NULL AS INTEGER)"
	}
	if format >= rollupFormatWithCells {
		b.write(", cell_sign, cell_key, number_min AS mw_cmin, number_max AS mw_cmax, number_m2 AS mw_cm2,",
			" CASE WHEN cell_key IS NOT NULL THEN number_sum ELSE n * number END AS mw_xs")
	} else { // rollups built before the cells have no such columns
		b.write(", CAST(NULL AS INTEGER) AS cell_sign, CAST(NULL AS INTEGER) AS cell_key, CAST(NULL AS DOUBLE PRECISION) AS mw_cmin,",
			" CAST(NULL AS DOUBLE PRECISION) AS mw_cmax, CAST(NULL AS DOUBLE PRECISION) AS mw_cm2, n * number AS mw_xs")
	}
	var counts []string // the per-range and per-list columns, in columns' order: [name, merge]
	for _, c := range columns {
		for _, r := range c.Outside {
			feature, lo, hi := b.bind(c.Name), b.bind(r[0]), b.bind(r[1])
			out, straddles := "mw_out"+strconv.Itoa(len(counts)), "mw_str"+strconv.Itoa(len(counts))
			b.write(", CASE WHEN feature = ", feature, " AND (number < ", lo, " OR number > ", hi,
				" OR ", upper, " < ", lo, " OR ", lower, " > ", hi, ") THEN n ELSE 0 END AS ", out,
				", CASE WHEN feature = ", feature, " AND ", cell, " IS NOT NULL AND NOT (", upper, " < ", lo, " OR ", lower, " > ", hi,
				") AND NOT (", lower, " >= ", lo, " AND ", upper, " <= ", hi, ") THEN 1 ELSE 0 END AS ", straddles)
			counts = append(counts, out, straddles)
		}
		for _, list := range c.NotIn {
			notIn := "mw_not" + strconv.Itoa(len(counts))
			b.write(", CASE WHEN feature = ", b.bind(c.Name), " AND text IS NOT NULL")
			if len(list) > 0 {
				b.write(" AND NOT ", b.in("text", list))
			}
			b.write(" THEN n ELSE 0 END AS ", notIn)
			counts = append(counts, notIn)
		}
	}
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).Features, req); err != nil {
		return nil, nil, nil, err
	}
	// mw_x: the hours of each value or cell merged (a cell's M2 as RollupFeatureValues merges
	// it), with its mean (mw_x), so that the series' window below sorts a row per value or cell
	// and bucket, not per hour; mw_m: with the series' mean.
	merge := func(name string) string {
		if strings.HasPrefix(name, "mw_str") {
			return "max(" + name + ") AS " + name
		}
		return "sum(" + name + ") AS " + name
	}
	b.write(" AND ", b.in("feature", names), ")",
		", mw_x AS (SELECT mw_bucket, model_version, feature, number, text, capped, cell_key, sum(n) AS n, sum(mw_xs) AS mw_xs,",
		" min(mw_cmin) AS mw_cmin, max(mw_cmax) AS mw_cmax,",
		" greatest(sum(mw_cm2) + sum(mw_xs * mw_xs / n) - sum(mw_xs) * sum(mw_xs) / sum(n), 0) AS mw_cm2,",
		" CASE WHEN cell_key IS NOT NULL THEN sum(mw_xs) / sum(n) ELSE number END AS mw_x")
	for _, name := range counts {
		b.write(", ", merge(name))
	}
	b.write(" FROM mw_h GROUP BY mw_bucket, model_version, feature, number, text, capped, cell_sign, cell_key)",
		", mw_m AS (SELECT *, sum(mw_xs) OVER mw_w / sum(CASE WHEN mw_x IS NOT NULL THEN n END) OVER mw_w AS mw_mean",
		" FROM mw_x WINDOW mw_w AS (PARTITION BY mw_bucket, model_version, feature))",
		" SELECT mw_bucket, model_version, feature, CAST(sum(CASE WHEN coalesce(capped, false) THEN 0 ELSE n END) AS BIGINT),",
		" CAST(sum(CASE WHEN NOT coalesce(capped, false) AND (mw_x IS NOT NULL OR text IS NOT NULL) THEN n ELSE 0 END) AS BIGINT),",
		" sum(mw_xs), sum(CASE WHEN mw_x IS NOT NULL THEN coalesce(mw_cm2, 0) + n * (mw_x - mw_mean) * (mw_x - mw_mean) END),",
		" min(coalesce(mw_cmin, number)), max(coalesce(mw_cmax, number)),",
		" CAST(sum(CASE WHEN coalesce(capped, false) THEN n ELSE 0 END) AS BIGINT)")
	for _, name := range counts {
		if strings.HasPrefix(name, "mw_str") {
			b.write(", max(", name, ")")
			continue
		}
		b.write(", CAST(sum(", name, ") AS BIGINT)")
	}
	b.write(" FROM mw_m GROUP BY mw_bucket, model_version, feature")

	var out []store.FeatureSummary
	rows := make([]int64, len(columns))
	err = s.each(ctx, "reading feature rollup summaries", b, func(scan func(...any) error) (bool, error) {
		var (
			r          summaryScan
			fs         store.FeatureSummary
			cappedRows int64
		)
		dest := append(r.dest(&fs), &cappedRows)
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
		i, ok := index[r.name]
		if !ok {
			return false, fmt.Errorf("feature rollup summary of %q, which was not asked for", r.name)
		}
		rows[i] += fs.Rows + cappedRows
		capped[i] = capped[i] || cappedRows > 0
		r.fill(&fs, i, req.Bucket)
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
	raw, gaps, err := s.unrolledAndGaps(ctx, req, names, rows, capped)
	if err != nil {
		return nil, nil, nil, err
	}
	return slices.DeleteFunc(out, func(fs store.FeatureSummary) bool { return slices.Contains(raw, fs.Feature) }), raw, gaps, nil
}

// summaryScan holds the columns every feature summary statement starts with: bucket, version,
// feature, rows, values, sum, M2, least and greatest value.
type summaryScan struct {
	micros  int64
	name    string
	sum, m2 sql.NullFloat64
	lo, hi  sql.NullFloat64
}

// dest is where those columns are scanned to, fs's own fields among them.
func (r *summaryScan) dest(fs *store.FeatureSummary) []any {
	return []any{&r.micros, &fs.Version, &r.name, &fs.Rows, &fs.Values, &r.sum, &r.m2, &r.lo, &r.hi}
}

// fill sets fs's feature (an index of the columns asked), bucket and number statistics.
func (r *summaryScan) fill(fs *store.FeatureSummary, feature int, bucket time.Duration) {
	fs.Feature = feature
	if bucket > 0 {
		fs.Bucket = time.UnixMicro(r.micros).UTC()
	}
	fs.Sum, fs.M2 = r.sum.Float64, max(r.m2.Float64, 0)
	if r.lo.Valid {
		fs.Min, fs.Max = &r.lo.Float64, &r.hi.Float64
	}
}
