package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

var _ store.SketchRollupStore = (*Store)(nil)

// RollupSketchesUsable reports whether the ErrorSketch and LabelDelaySketch rollups can answer:
// the rollups are usable and were built in a format that has them (an older store reads raw
// rows for the error and label delay quantiles until it is rebuilt, which its next load or
// `modelwatch rollup` does).
func (s *Store) RollupSketchesUsable(ctx context.Context) (bool, string, error) {
	usable, reason, format, err := s.rollupState(ctx)
	if err != nil || !usable {
		return false, reason, err
	}
	if format < rollupFormatWithErrorSketches {
		return false, "the rollups were built before the error and label delay sketches: rebuild them with modelwatch rollup", nil
	}
	return true, "", nil
}

// sketchTable is the rollup table holding a value's sketch.
func (s *Store) sketchTable(of store.SketchedValue) (string, error) {
	t := RollupTablesOf(s.table)
	switch of {
	case store.SketchedError:
		return t.ErrorSketch, nil
	case store.SketchedLabelDelay:
		return t.LabelDelaySketch, nil
	}
	return "", fmt.Errorf("%w: no sketch of %q is kept in the rollups (kept: %q, %q)", store.ErrQueryFailed, of, store.SketchedError, store.SketchedLabelDelay)
}

// sketchedValue is the SQL of a sketched value and the condition of the rows that have it, as
// the raw measures read it (sqlstore.measure): the error over the paired rows, the label delay
// in seconds over the rows with a labeled_at. A store that cannot give the value fails with the
// raw measure's error.
func (s *Store) sketchedValue(ctx context.Context, of store.SketchedValue) (value, has string, err error) {
	switch of {
	case store.SketchedError:
		q, err := s.columns(ctx, store.ColPredictedValue, store.ColActualValue)
		if err != nil {
			return "", "", err
		}
		return "(" + q[0] + " - " + q[1] + ")", q[0] + " IS NOT NULL AND " + q[1] + " IS NOT NULL", nil
	case store.SketchedLabelDelay:
		// The raw measure's own checks (a labels table, with labeled_at), so that both paths
		// refuse a store alike.
		if _, err := s.labelDelay(ctx, store.Measure{Kind: store.MeasureLabelDelayMean}); err != nil {
			return "", "", err
		}
		q, err := s.columns(ctx, store.ColTS, store.ColLabeledAt)
		if err != nil {
			return "", "", err
		}
		return "(" + s.d.EpochSeconds(q[1]) + " - " + s.d.EpochSeconds(q[0]) + ")", q[1] + " IS NOT NULL", nil
	}
	_, err = s.sketchTable(of)
	return "", "", err
}

// sketchBucketOf is the sketch bucket (sign and key, as sketchBucket) of a value that may be
// NaN: a NaN has no bucket, NULL sign and key.
func sketchBucketOf(b *builder, value string) (sign, key string) {
	sign, key = sketchBucket(b, value)
	return "CASE WHEN " + isNaN(b.d, value) + " THEN NULL ELSE " + sign + " END", "CASE WHEN " + isNaN(b.d, value) + " THEN NULL ELSE " + key + " END"
}

// sketchStatistics is the select list (after ", ") of a sketch row's count, sum, least and
// greatest value.
func sketchStatistics(value string) string {
	return ", count(*), sum(" + value + "), min(" + value + "), max(" + value + ")"
}

// RollupSketches merges a value's sketch rollup over the request's hours per bucket, version,
// group (the groupBy segment's value) and sketch bucket.
func (s *Store) RollupSketches(ctx context.Context, req store.RollupRequest, of store.SketchedValue) ([]store.ValueSketch, error) {
	if err := checkRollupRequest(req); err != nil {
		return nil, err
	}
	table, err := s.sketchTable(of)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.sketchedValue(ctx, of); err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, ", s.segmentGroup(req),
		" AS mw_group, sketch_sign, sketch_key, CAST(sum(n) AS BIGINT), sum(value_sum), min(value_min), max(value_max)")
	if err := s.rollupWhere(ctx, b, table, req); err != nil {
		return nil, err
	}
	// In one order every time, so that an answer's sums keep their last digits between reads.
	b.write(" GROUP BY mw_bucket, model_version, mw_group, sketch_sign, sketch_key ORDER BY mw_bucket, model_version, mw_group, sketch_sign, sketch_key")
	c := newSketchCollector(req.Bucket)
	err = s.each(ctx, "reading "+string(of)+" sketches", b, func(scan func(...any) error) (bool, error) {
		return true, c.add(scan)
	})
	return c.rows(), err
}

// RawSketches computes a value's sketch from raw rows over a scope, per bucket, version, group
// and sketch bucket, with the expressions the rollup was built with.
func (s *Store) RawSketches(ctx context.Context, req store.Scope, bucket time.Duration, of store.SketchedValue) ([]store.ValueSketch, error) {
	sc, err := s.scope(ctx, req)
	if err != nil {
		return nil, err
	}
	value, has, err := s.sketchedValue(ctx, of)
	if err != nil {
		return nil, err
	}
	signAlias, keyAlias := s.freeName("mw_sign"), s.freeName("mw_key")
	b := &builder{d: s.d}
	err = s.grouped(b, sc, bucket, func() {
		sign, key := sketchBucketOf(b, value)
		b.write(", ", sign, " AS ", signAlias, ", ", key, " AS ", keyAlias, sketchStatistics(value))
	}, has, []string{signAlias, keyAlias}, 0)
	if err != nil {
		return nil, err
	}
	c := newSketchCollector(bucket)
	err = s.each(ctx, "reading "+string(of)+" sketches", b, func(scan func(...any) error) (bool, error) {
		return true, c.add(scan)
	})
	return c.rows(), err
}

// sketchCollector gathers sketch rows (bucket, version, group, sign, key, count, sum, min, max)
// into one ValueSketch per bucket, version and group, in the order they first appear.
type sketchCollector struct {
	bucket time.Duration
	byKey  map[rollupKey]*store.ValueSketch
	order  []rollupKey
}

func newSketchCollector(bucket time.Duration) *sketchCollector {
	return &sketchCollector{bucket: bucket, byKey: map[rollupKey]*store.ValueSketch{}}
}

// add scans one sketch row and merges it into its series: a row without a sign holds NaN values.
func (c *sketchCollector) add(scan func(...any) error) error {
	var (
		micros           int64
		version          string
		group            sql.NullString
		sign, key        sql.NullInt64
		n                int64
		sum, least, most sql.NullFloat64
	)
	if err := scan(&micros, &version, &group, &sign, &key, &n, &sum, &least, &most); err != nil {
		return err
	}
	k := rollupKey{micros, version, group.String}
	r := c.byKey[k]
	if r == nil {
		r = &store.ValueSketch{Version: version, Group: group.String}
		if c.bucket > 0 {
			r.Bucket = time.UnixMicro(micros).UTC()
		}
		c.byKey[k] = r
		c.order = append(c.order, k)
	}
	if !sign.Valid {
		r.NaN += n
		return nil
	}
	r.Count += n
	r.Sum += sum.Float64
	if least.Valid && (r.Min == nil || least.Float64 < *r.Min) {
		r.Min = &least.Float64
	}
	if most.Valid && (r.Max == nil || most.Float64 > *r.Max) {
		r.Max = &most.Float64
	}
	r.Buckets = append(r.Buckets, store.LatencyBucket{Sign: int(sign.Int64), Key: int(key.Int64), Count: n})
	return nil
}

// rows are the series in the order they first appeared.
func (c *sketchCollector) rows() []store.ValueSketch {
	out := make([]store.ValueSketch, len(c.order))
	for i, k := range c.order {
		out[i] = *c.byKey[k]
	}
	return out
}
