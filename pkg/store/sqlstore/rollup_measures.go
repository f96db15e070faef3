package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

var _ store.MeasureRollupStore = (*Store)(nil)

// RollupMeasuresUsable reports whether the Measures rollup can answer: the rollups are usable
// and were built in a format that has it (an older store reads raw rows until it is rebuilt,
// which its next load or `modelwatch rollup` does).
func (s *Store) RollupMeasuresUsable(ctx context.Context) (bool, string, error) {
	usable, reason, format, err := s.rollupState(ctx)
	if err != nil || !usable {
		return false, reason, err
	}
	if format < rollupFormatWithMeasures {
		return false, "the rollups were built before the measures rollup: rebuild them with modelwatch rollup", nil
	}
	if d, ok := s.d.(StateDialect); ok {
		cols, err := s.listColumns(ctx, d.StatesTable(RollupTablesOf(s.table).Measures))
		if err != nil || len(cols) == 0 {
			return false, "the rollups keep no measures here (a cluster of ClickHouse before 19.x cannot merge their variances across shards)", err
		}
	}
	return true, "", nil
}

// checkSummable refuses what the raw Aggregates would refuse for these measures: a measure
// that is not summable, or a table without the columns it reads (with the same error).
func (s *Store) checkSummable(ctx context.Context, measures []store.Measure) error {
	for _, m := range measures {
		switch {
		case !store.SummableMeasures[m.Kind] || m.Column != "":
			return fmt.Errorf("%w: measure %q is not kept in the rollups", store.ErrQueryFailed, m.Kind)
		case m.Kind == store.MeasureRows:
		case m.Kind == store.MeasureLabeled:
			if _, err := s.labeled(ctx); err != nil {
				return err
			}
		default:
			if _, err := s.columns(ctx, store.ColPredictedValue, store.ColActualValue); err != nil {
				return err
			}
		}
	}
	return nil
}

// RollupMeasureSums reads the Measures rollup's hours of the request, one row per hour and
// version, each with the bucket that holds it; merging them (their M2 need the hours' means)
// is the caller's.
func (s *Store) RollupMeasureSums(ctx context.Context, req store.RollupRequest, measures []store.Measure) ([]store.MeasureSums, error) {
	if err := checkRollupRequest(req); err != nil {
		return nil, err
	}
	if err := s.checkSummable(ctx, measures); err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, ", s.segmentGroup(req), " AS mw_group, ", strings.Join(measureSumsColumns, ", "))
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).Measures, req); err != nil {
		return nil, err
	}
	// Segment values in the order too: merging the M2 of an hour's rows in one order every time
	// keeps an answer's last digits the same from one read to the next.
	segments, err := s.RollupSegments(ctx)
	if err != nil {
		return nil, err
	}
	b.write(" ORDER BY hour, model_version")
	for _, name := range segments {
		b.write(", ", s.d.QuoteIdent(SegmentColumn(name)))
	}
	var out []store.MeasureSums
	err = s.each(ctx, "reading measures rollups", b, func(scan func(...any) error) (bool, error) {
		var micros int64
		var m store.MeasureSums
		if err := scanMeasureSums(scan, &m, &micros, &m.Version, &m.Group); err != nil {
			return false, err
		}
		if req.Bucket > 0 {
			m.Bucket = time.UnixMicro(micros).UTC()
		}
		out = append(out, m)
		return true, nil
	})
	return out, err
}

// RawMeasureSums computes the Measures rollup's statistics from raw rows over a scope, per
// bucket, version and group, with the same expressions the rollup was built with.
func (s *Store) RawMeasureSums(ctx context.Context, req store.Scope, bucket time.Duration) ([]store.MeasureSums, error) {
	sc, err := s.scope(ctx, req)
	if err != nil {
		return nil, err
	}
	list, err := s.measureSumsSelect(ctx)
	if err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	if err := s.grouped(b, sc, bucket, func() { b.write(list) }, "", nil, 0); err != nil {
		return nil, err
	}
	var out []store.MeasureSums
	err = s.each(ctx, "reading measure sums", b, func(scan func(...any) error) (bool, error) {
		var (
			micros int64
			group  sql.NullString
			m      store.MeasureSums
		)
		if err := scanMeasureSums(scan, &m, &micros, &m.Version, &group); err != nil {
			return false, err
		}
		m.Group = group.String
		if bucket > 0 {
			m.Bucket = time.UnixMicro(micros).UTC()
		}
		out = append(out, m)
		return true, nil
	})
	return out, err
}

// scanMeasureSums scans the leading columns given, then measureSumsColumns into m (a NULL sum,
// over no paired row, is zero).
func scanMeasureSums(scan func(...any) error, m *store.MeasureSums, lead ...any) error {
	var sums [9]sql.NullFloat64
	dest := append(slices.Clip(lead), &m.Rows, &m.Labeled, &m.Paired, &m.NonZeroActual, &m.OutOfScale)
	for i := range sums {
		dest = append(dest, &sums[i])
	}
	if err := scan(dest...); err != nil {
		return err
	}
	for i, into := range []*float64{&m.SumError, &m.SumAbsError, &m.SumSqError, &m.SumActual, &m.SumAbsPctError,
		&m.M2Actual, &m.M2Error, &m.M2AbsError, &m.M2SqError} {
		*into = sums[i].Float64
	}
	return nil
}
