package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/store"
)

var _ store.RollupStore = (*Store)(nil)

// Rollups reports whether the prediction table's rollups can answer for it: they exist, are of
// this build's format, grain and sketch accuracy, were built with the labels table this store
// joins (or none), and account for every row the prediction and labels tables hold now (a
// writer that added rows without maintaining them makes them unusable, not wrong). A store
// that maps column names reads raw rows: rollups are built with the default names.
func (s *Store) Rollups(ctx context.Context) (bool, string, error) {
	usable, reason, _, err := s.rollupState(ctx)
	return usable, reason, err
}

// rollupState is Rollups, with the format the usable rollups were built in (a format-1 store
// has no Score table, a format-2 store no Measures table).
func (s *Store) rollupState(ctx context.Context) (bool, string, int64, error) {
	if _, err := s.Schema(ctx); err != nil {
		return false, "", 0, err
	}
	if len(s.physical) > 0 {
		return false, "the data source maps column names", 0, nil
	}
	t := RollupTablesOf(s.table)
	cols, err := s.listColumns(ctx, t.Meta)
	if err != nil {
		return false, "", 0, err
	}
	if len(cols) == 0 {
		return false, "the store has no rollup tables", 0, nil
	}
	q := s.d.QuoteIdent
	b := &builder{d: s.d}
	source := "source_rows"
	states, kept := s.d.(StateDialect)
	if kept {
		source = s.statesAccounted(states)
	}
	b.write("SELECT labels_table, grain_seconds, sketch_alpha, format, ", source, ", labels_rows, (SELECT count(*) FROM ", q(s.table), ")")
	if s.labels != "" {
		b.write(", (SELECT count(*) FROM ", q(s.labels), ")")
	} else {
		b.write(", 0")
	}
	b.write(" FROM ", q(t.Meta))
	var (
		labels                                   sql.NullString
		grain, format, srcRows, lblRows, nowRows sql.NullInt64
		nowLabels                                sql.NullInt64
		alpha                                    sql.NullFloat64
		found                                    bool
	)
	err = s.each(ctx, "reading the rollups' state", b, func(scan func(...any) error) (bool, error) {
		found = true
		return false, scan(&labels, &grain, &alpha, &format, &srcRows, &lblRows, &nowRows, &nowLabels)
	})
	if err != nil {
		return false, "", 0, err
	}
	switch {
	case !found:
		return false, "the rollups were never built", 0, nil
	case format.Int64 < rollupFormatWithoutScores || format.Int64 > RollupFormat || grain.Int64 != int64(store.RollupGrain.Seconds()) || alpha.Float64 != metrics.SketchAlpha:
		return false, "the rollups are of another format: rebuild them with modelwatch rollup", 0, nil
	case labels.String != s.labels:
		return false, fmt.Sprintf("the rollups were built with labels table %q, the data source joins %q", labels.String, s.labels), 0, nil
	case kept && srcRows.Int64 != nowRows.Int64:
		return false, fmt.Sprintf("the rollups' materialized views counted %d rows and the table holds %d (rows written before the views, deleted, or expired): rebuild them with modelwatch rollup",
			srcRows.Int64, nowRows.Int64), 0, nil
	case srcRows.Int64 != nowRows.Int64 || lblRows.Int64 != nowLabels.Int64:
		return false, "rows were added without updating the rollups: rebuild them with modelwatch rollup", 0, nil
	}
	return true, "", format.Int64, nil
}

// rollupWhere writes the rollup rows' selection: the model, versions, whole-hour range and
// segment filters (see segmentWhere).
func (s *Store) rollupWhere(ctx context.Context, b *builder, table string, req store.RollupRequest) error {
	return s.rollupFrom(ctx, b, table, func() error {
		b.write(" WHERE model = ", b.bind(req.Model), " AND hour >= ", b.bindTime(req.From), " AND hour < ", b.bindTime(req.To))
		if len(req.Versions) > 0 {
			b.write(" AND ", b.in("model_version", req.Versions))
		}
		return s.segmentWhere(ctx, b, req)
	})
}

// rollupFrom writes the FROM clause of a rollup table's rows, where writes their WHERE clause:
// the table, or, for an engine that keeps the rollups as states (StateDialect), its states
// selected by where and merged per key into the table's rows.
func (s *Store) rollupFrom(ctx context.Context, b *builder, table string, where func() error) error {
	d, ok := s.d.(StateDialect)
	if !ok {
		b.write(" FROM ", s.d.QuoteIdent(table))
		return where()
	}
	st, err := s.rollupStateOf(ctx, d, table)
	if err != nil {
		return err
	}
	b.write(" FROM (SELECT ", st.merged(d), " FROM ", d.QuoteIdent(d.StatesTable(table)))
	if err := where(); err != nil {
		return err
	}
	keys := st.StateKeyColumns()
	for i, k := range keys {
		keys[i] = d.QuoteIdent(k)
	}
	b.write(" GROUP BY ", strings.Join(keys, ", "), ") AS mw_rollup")
	return nil
}

// rollupBucket is the bucket of a rollup row, like the raw rows' bucket of the same width.
func (s *Store) rollupBucket(b *builder, req store.RollupRequest) string {
	if req.Bucket <= 0 {
		return "0"
	}
	return s.d.BucketMicros("hour", b.bind(req.Bucket.Microseconds()))
}

func checkRollupRequest(req store.RollupRequest) error {
	whole := func(t time.Time) bool { return t.Equal(t.Truncate(store.RollupGrain)) }
	if !whole(req.From) || !whole(req.To) || req.Bucket%store.RollupGrain != 0 || req.Bucket < 0 {
		return fmt.Errorf("%w: rollups answer whole hours and buckets of whole hours, not %s to %s by %s",
			store.ErrQueryFailed, req.From.Format(time.RFC3339Nano), req.To.Format(time.RFC3339Nano), req.Bucket)
	}
	return nil
}

// RollupOperations merges the hours of the range per bucket, version and group (the groupBy
// segment's value): sums of counts and latency sums, the least minimum and greatest maximum,
// and, when req.LatencySketch asks for them, the sketch buckets' counts.
func (s *Store) RollupOperations(ctx context.Context, req store.RollupRequest) ([]store.OperationsRollup, error) {
	if err := checkRollupRequest(req); err != nil {
		return nil, err
	}
	t := RollupTablesOf(s.table)
	_, _, format, err := s.rollupState(ctx)
	if err != nil {
		return nil, err
	}
	last := "CAST(NULL AS DOUBLE PRECISION)" // not kept before format 5
	if format >= rollupFormatWithLastTS {
		last = "max(last_ts)"
	}
	c := newOperationsCollector(req.Bucket)
	b := &builder{d: s.d}
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, ", s.segmentGroup(req), " AS mw_group, CAST(sum(n_rows) AS BIGINT), CAST(sum(n_errors) AS BIGINT), ",
		"CAST(sum(latency_n) AS BIGINT), sum(latency_sum), sum(latency_sumsq), min(latency_min), max(latency_max), ", last)
	if err := s.rollupWhere(ctx, b, t.Operations, req); err != nil {
		return nil, err
	}
	b.write(" GROUP BY mw_bucket, model_version, mw_group ORDER BY mw_bucket, model_version, mw_group")
	err = s.each(ctx, "reading operations rollups", b, func(scan func(...any) error) (bool, error) {
		return true, c.counts(scan)
	})
	if err != nil || !req.LatencySketch {
		return c.rows(), err
	}
	b = &builder{d: s.d}
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, ", s.segmentGroup(req), " AS mw_group, sketch_sign, sketch_key, CAST(sum(n) AS BIGINT)")
	if err := s.rollupWhere(ctx, b, t.Latency, req); err != nil {
		return nil, err
	}
	b.write(" GROUP BY mw_bucket, model_version, mw_group, sketch_sign, sketch_key")
	err = s.each(ctx, "reading latency sketches", b, func(scan func(...any) error) (bool, error) {
		return true, c.sketchBucket(scan)
	})
	if err != nil {
		return nil, err
	}
	return c.rows(), nil
}

// RollupConfusion sums the confusion rollups per bucket, version, group (the groupBy segment's
// value), actual and predicted label.
func (s *Store) RollupConfusion(ctx context.Context, req store.RollupRequest) ([]store.ConfusionCount, error) {
	if err := checkRollupRequest(req); err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, ", s.segmentGroup(req), " AS mw_group, actual_label, predicted_label, CAST(sum(n) AS BIGINT)")
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).Confusion, req); err != nil {
		return nil, err
	}
	b.write(" GROUP BY mw_bucket, model_version, mw_group, actual_label, predicted_label")
	var out []store.ConfusionCount
	err := s.each(ctx, "reading confusion rollups", b, func(scan func(...any) error) (bool, error) {
		var (
			micros         int64
			version, group string
			act, pred      sql.NullString
			n              int64
		)
		if err := scan(&micros, &version, &group, &act, &pred, &n); err != nil {
			return false, err
		}
		c := store.ConfusionCount{Version: version, Group: group, Count: n}
		if req.Bucket > 0 {
			c.Bucket = time.UnixMicro(micros).UTC()
		}
		if act.Valid {
			c.Actual = &act.String
		}
		if pred.Valid {
			c.Predicted = &pred.String
		}
		out = append(out, c)
		return true, nil
	})
	return out, err
}

// rollupKey is an operations rollup row's bucket (epoch microseconds), version and group.
type rollupKey struct {
	micros         int64
	version, group string
}

// RollupVersions lists a model's versions from the operations rollup.
func (s *Store) RollupVersions(ctx context.Context, model string) ([]string, error) {
	b := &builder{d: s.d}
	b.write("SELECT DISTINCT model_version")
	if err := s.rollupFrom(ctx, b, RollupTablesOf(s.table).Operations, func() error {
		b.write(" WHERE model = ", b.bind(model))
		return nil
	}); err != nil {
		return nil, err
	}
	return s.strings(ctx, "listing versions from rollups", b)
}

// RollupClasses lists the labels a model predicted or was labelled with, from the confusion
// rollup.
func (s *Store) RollupClasses(ctx context.Context, model string) ([]string, error) {
	// As Classes lists them: UNION ALL under a DISTINCT (ClickHouse 18.16 has no UNION).
	b := &builder{d: s.d}
	b.write("SELECT DISTINCT mw_class FROM (")
	for i, col := range []string{"actual_label", "predicted_label"} {
		if i > 0 {
			b.write(" UNION ALL ")
		}
		b.write("SELECT ", col, " AS mw_class")
		if err := s.rollupFrom(ctx, b, RollupTablesOf(s.table).Confusion, func() error {
			b.write(" WHERE model = ", b.bind(model))
			return nil
		}); err != nil {
			return nil, err
		}
	}
	b.write(") AS mw_classes WHERE mw_class IS NOT NULL")
	return s.strings(ctx, "listing classes from rollups", b)
}
