package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

var _ store.FeatureRollupStore = (*Store)(nil)

// RollupFeatures reports whether the Features rollup can answer: the rollups are usable and
// were built in a format that has it (an older store reads raw rows for quality and drift
// until it is rebuilt, which its next load or `modelwatch rollup` does).
func (s *Store) RollupFeatures(ctx context.Context) (bool, string, error) {
	usable, reason, format, err := s.rollupState(ctx)
	if err != nil || !usable {
		return false, reason, err
	}
	if format < rollupFormatWithFeatures {
		return false, "the rollups were built before the feature rollup: rebuild them with modelwatch rollup", nil
	}
	if _, states := s.d.(StateDialect); states {
		return false, s.d.Name() + " keeps no feature rollup (an hour's values or cells need all its rows, not one block's)", nil
	}
	return true, "", nil
}

// RollupFeatureValues sums the Features rollup per bucket, version, feature and value over the
// request's whole hours, in one read of it (a capped hour's row holds no value, so the sums are
// those of the other hours). A feature answers only when its capped hours are gaps
// (featureGaps) and its rows add up to the hours' rows in the Operations rollup (a column added
// after some hours were rolled up has no rows for them); the others are listed in raw.
func (s *Store) RollupFeatureValues(ctx context.Context, req store.RollupRequest, columns []string) ([]store.FeatureValueCount, []int, []store.FeatureGap, error) {
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
	cols, capped, err := s.featureRollupColumns(ctx, columns, format)
	if err != nil {
		return nil, nil, nil, err
	}
	numeric := make([]bool, len(columns))
	index := map[string]int{}
	for i, c := range cols {
		numeric[i] = c.Kind == store.KindDouble || c.Kind == store.KindInteger
		index[c.Name] = i
	}
	t := RollupTablesOf(s.table)
	b := &builder{d: s.d}
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, feature, number, text, capped, CAST(sum(n) AS BIGINT)")
	// A cell's hours merge as Chan's update does: the sum of their M2 plus the spread of their
	// means (sum of sum²/n, less the merged sum²/n; the means of one cell are within 0.4% of
	// each other, so this keeps about 11 digits of a small term).
	cells := "cell_sign, cell_key"
	if format >= rollupFormatWithCells {
		b.write(", cell_sign, cell_key, min(number_min), max(number_max), sum(number_sum), sum(number_m2), sum(number_sum * number_sum / n)")
	} else {
		cells = "mw_no_sign, mw_no_key"
		b.write(", CAST(NULL AS INTEGER) AS mw_no_sign, CAST(NULL AS INTEGER) AS mw_no_key, CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION),",
			" CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION)")
	}
	if err := s.rollupWhere(ctx, b, t.Features, req); err != nil {
		return nil, nil, nil, err
	}
	b.write(" AND ", b.in("feature", columns), " GROUP BY mw_bucket, model_version, feature, number, text, capped, ", cells)
	var out []store.FeatureValueCount
	rows := make([]int64, len(columns))
	err = s.each(ctx, "reading feature rollups", b, func(scan func(...any) error) (bool, error) {
		var (
			micros        int64
			version, name string
			number        sql.NullFloat64
			text          sql.NullString
			isCapped      sql.NullBool
			n             int64
			sign, key     sql.NullInt64
			lo, hi, sum   sql.NullFloat64
			m2, sqMeans   sql.NullFloat64
		)
		if err := scan(&micros, &version, &name, &number, &text, &isCapped, &n, &sign, &key, &lo, &hi, &sum, &m2, &sqMeans); err != nil {
			return false, err
		}
		i, ok := index[name]
		if !ok {
			return false, fmt.Errorf("feature rollup row of %q, which was not asked for", name)
		}
		rows[i] += n
		if isCapped.Bool {
			capped[i] = true
			return true, nil
		}
		c := store.FeatureValueCount{Feature: i, Version: version, Count: n}
		if req.Bucket > 0 {
			c.Bucket = time.UnixMicro(micros).UTC()
		}
		switch {
		case numeric[i] && sign.Valid:
			c.Cell = &store.FeatureCell{Sign: int(sign.Int64), Key: int(key.Int64), Min: lo.Float64, Max: hi.Float64, Sum: sum.Float64,
				M2: max(m2.Float64+sqMeans.Float64-sum.Float64*sum.Float64/float64(n), 0)}
		case numeric[i] && number.Valid:
			c.Number = number.Float64
		case !numeric[i] && text.Valid:
			c.Text = text.String
		default:
			c.Null = true
		}
		out = append(out, c)
		return true, nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	raw, gaps, err := s.unrolledAndGaps(ctx, req, columns, rows, capped)
	if err != nil {
		return nil, nil, nil, err
	}
	return slices.DeleteFunc(out, func(c store.FeatureValueCount) bool { return slices.Contains(raw, c.Feature) }), raw, gaps, nil
}

// featureRollupColumns returns the named columns, each one the feature rollup keeps (an input
// feature, a model output or an outcome, store.Column.RolledUp), and marks those rollups of the
// given format do not keep: the model outputs before rollupFormatWithOutputs, and an outcome
// whose late values a labels table holds (the rollup has the prediction table's values, the
// rows' answer joins the late ones).
func (s *Store) featureRollupColumns(ctx context.Context, names []string, format int64) ([]store.Column, []bool, error) {
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, nil, err
	}
	cols := make([]store.Column, len(names))
	unrolled := make([]bool, len(names))
	for i, name := range names {
		c, ok := sch.Column(name)
		if !ok || !c.RolledUp() {
			return nil, nil, fmt.Errorf("%w: %q is not a feature column, a model output or an outcome", store.ErrSchema, name)
		}
		_, late := s.outcomeLabels[name]
		cols[i] = c
		unrolled[i] = late || (c.Role == store.RolePrediction && format < rollupFormatWithOutputs)
	}
	return cols, unrolled, nil
}

// featureGaps lists the capped hours of the features marked in capped, read from the capped
// rows of the feature rollup over the request's range, and unmarks the features with at most
// store.FeatureGapCap of them, whose capped hours raw rows then count (a feature marked for
// another reason has no capped rows and stays marked). Rollups kept per segment have no gaps:
// there a capped hour of one segment is one of the hour's rows, and the raw rows of the hour
// would count the others twice.
func (s *Store) featureGaps(ctx context.Context, req store.RollupRequest, columns []string, capped []bool) ([]store.FeatureGap, error) {
	var names []string
	for i, c := range capped {
		if c {
			names = append(names, columns[i])
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	if segments, err := s.RollupSegments(ctx); err != nil || len(segments) > 0 {
		return nil, err
	}
	index := map[string]int{}
	for i, c := range columns {
		index[c] = i
	}
	b := &builder{d: s.d}
	b.write("SELECT feature, model_version, hour")
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).Features, req); err != nil {
		return nil, err
	}
	b.write(" AND capped AND ", b.in("feature", names), " ORDER BY feature, model_version, hour")
	var gaps []store.FeatureGap
	count := make([]int, len(columns))
	err := s.each(ctx, "reading capped feature rollup hours", b, func(scan func(...any) error) (bool, error) {
		var g store.FeatureGap
		var name string
		if err := scan(&name, &g.Version, &g.Hour); err != nil {
			return false, err
		}
		i, ok := index[name]
		if !ok {
			return false, fmt.Errorf("capped feature rollup row of %q, which was not asked for", name)
		}
		g.Feature, g.Hour = i, g.Hour.UTC()
		count[i]++
		gaps = append(gaps, g)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	gaps = slices.DeleteFunc(gaps, func(g store.FeatureGap) bool { return count[g.Feature] > store.FeatureGapCap })
	for i, n := range count {
		if n > 0 && n <= store.FeatureGapCap {
			capped[i] = false
		}
	}
	return gaps, nil
}

// unrolledAndGaps is what a feature rollup reader leaves to the raw rows: the capped hours of
// the features marked in capped that are gaps (featureGaps, which unmarks those features), then
// the features only raw rows can answer (unrolledFeatures).
func (s *Store) unrolledAndGaps(ctx context.Context, req store.RollupRequest, columns []string, rows []int64, capped []bool) ([]int, []store.FeatureGap, error) {
	gaps, err := s.featureGaps(ctx, req, columns, capped)
	if err != nil {
		return nil, nil, err
	}
	raw, err := s.unrolledFeatures(ctx, req, rows, capped)
	return raw, gaps, err
}

// unrolledFeatures lists the features (by index) only raw rows can answer over the request's
// hours: capped in one of them, or whose rows (rows[i]) do not add up to the hours' rows (a
// column added after some hours were rolled up).
func (s *Store) unrolledFeatures(ctx context.Context, req store.RollupRequest, rows []int64, capped []bool) ([]int, error) {
	total, err := s.rolledUpRows(ctx, req)
	if err != nil {
		return nil, err
	}
	var raw []int
	for i := range rows {
		if capped[i] || rows[i] != total {
			raw = append(raw, i)
		}
	}
	return raw, nil
}

// rolledUpRows is the rows the Operations rollup holds over the request's hours and versions:
// what every feature's rows must add up to.
func (s *Store) rolledUpRows(ctx context.Context, req store.RollupRequest) (int64, error) {
	b := &builder{d: s.d}
	b.write("SELECT CAST(sum(n_rows) AS BIGINT)")
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).Operations, req); err != nil {
		return 0, err
	}
	var total sql.NullInt64
	err := s.each(ctx, "counting rolled-up rows", b, func(scan func(...any) error) (bool, error) {
		return false, scan(&total)
	})
	return total.Int64, err
}
