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

// rollupFormatWithFeatures is the first format whose rollups keep the Features table.
const rollupFormatWithFeatures = 3

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
	return true, "", nil
}

// RollupFeatureValues sums the Features rollup per bucket, version, feature and value over the
// request's whole hours. A feature answers only when none of those hours is capped for it and
// its rows add up to the hours' rows in the Operations rollup (a column added after some hours
// were rolled up has no rows for them); the others are listed in raw.
func (s *Store) RollupFeatureValues(ctx context.Context, req store.RollupRequest, columns []string) ([]store.FeatureValueCount, []int, error) {
	if err := checkRollupRequest(req); err != nil {
		return nil, nil, err
	}
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, nil, err
	}
	numeric := make([]bool, len(columns))
	for i, c := range columns {
		col, ok := sch.Column(c)
		if !ok || col.Role != store.RoleFeature {
			return nil, nil, fmt.Errorf("%w: %q is not a feature column", store.ErrSchema, c)
		}
		numeric[i] = col.Kind == store.KindDouble || col.Kind == store.KindInteger
	}
	raw, err := s.featuresToReadRaw(ctx, req, columns)
	if err != nil {
		return nil, nil, err
	}
	var rolled []string
	index := map[string]int{}
	for i, c := range columns {
		if !slices.Contains(raw, i) {
			rolled = append(rolled, c)
			index[c] = i
		}
	}
	if len(rolled) == 0 {
		return nil, raw, nil
	}
	t := RollupTablesOf(s.table)
	b := &builder{d: s.d}
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, feature, number, text, CAST(sum(n) AS BIGINT)")
	s.rollupWhere(b, t.Features, req)
	b.write(" AND ", b.in("feature", rolled), " GROUP BY mw_bucket, model_version, feature, number, text")
	var out []store.FeatureValueCount
	err = s.each(ctx, "reading feature rollups", b, func(scan func(...any) error) (bool, error) {
		var (
			micros        int64
			version, name string
			number        sql.NullFloat64
			text          sql.NullString
			n             int64
		)
		if err := scan(&micros, &version, &name, &number, &text, &n); err != nil {
			return false, err
		}
		i := index[name]
		c := store.FeatureValueCount{Feature: i, Version: version, Count: n}
		if req.Bucket > 0 {
			c.Bucket = time.UnixMicro(micros).UTC()
		}
		switch {
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
	return out, raw, err
}

// featuresToReadRaw lists the columns (by index) the Features rollup cannot answer over the
// request's hours: capped in one of them, or with fewer rows than the Operations rollup.
func (s *Store) featuresToReadRaw(ctx context.Context, req store.RollupRequest, columns []string) ([]int, error) {
	t := RollupTablesOf(s.table)
	b := &builder{d: s.d}
	b.write("SELECT CAST(sum(n_rows) AS BIGINT)")
	s.rollupWhere(b, t.Operations, req)
	var total sql.NullInt64
	err := s.each(ctx, "counting rolled-up rows", b, func(scan func(...any) error) (bool, error) {
		return false, scan(&total)
	})
	if err != nil {
		return nil, err
	}
	type state struct {
		rows   int64
		capped bool
	}
	states := map[string]state{}
	b = &builder{d: s.d}
	b.write("SELECT feature, CAST(sum(n) AS BIGINT), max(CASE WHEN capped THEN 1 ELSE 0 END)")
	s.rollupWhere(b, t.Features, req)
	b.write(" AND ", b.in("feature", columns), " GROUP BY feature")
	err = s.each(ctx, "checking feature rollups", b, func(scan func(...any) error) (bool, error) {
		var (
			name   string
			n      int64
			capped int64
		)
		if err := scan(&name, &n, &capped); err != nil {
			return false, err
		}
		states[name] = state{rows: n, capped: capped == 1}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	var raw []int
	for i, c := range columns {
		if st := states[c]; st.capped || st.rows != total.Int64 {
			raw = append(raw, i)
		}
	}
	return raw, nil
}
