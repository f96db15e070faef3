package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// ConfusionCounts groups the scope's rows by bucket, version, group, actual and predicted class
// and counts them: O(rows) in the engine, O(buckets x versions x groups x classes²) returned.
func (s *Store) ConfusionCounts(ctx context.Context, req store.ConfusionRequest) ([]store.ConfusionCount, error) {
	b, err := s.confusionStatement(ctx, req)
	if err != nil {
		return nil, err
	}
	var out []store.ConfusionCount
	err = s.each(ctx, "counting classes", b, func(scan func(...any) error) (bool, error) {
		var (
			micros              int64
			ver, grp, act, pred sql.NullString
			n                   int64
			w                   sql.NullFloat64
		)
		dest := []any{&micros, &ver, &grp, &act, &pred, &n}
		if req.Weight != "" {
			dest = append(dest, &w)
		}
		if err := scan(dest...); err != nil {
			return false, err
		}
		c := store.ConfusionCount{Version: ver.String, Group: grp.String, Count: n, Weight: w.Float64}
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
	if err != nil {
		return nil, err
	}
	return out, nil
}

// confusionStatement generates the counting statement; every value is bound, in the order the
// placeholders appear.
func (s *Store) confusionStatement(ctx context.Context, req store.ConfusionRequest) (*builder, error) {
	src := store.ColPredictedLabel
	if req.Threshold != nil {
		src = store.ColScore
	}
	cols, err := s.columns(ctx, store.ColActualLabel, src)
	if err != nil {
		return nil, err
	}
	sc, err := s.scope(ctx, req.Scope)
	if err != nil {
		return nil, err
	}
	actual, predicted := cols[0], cols[1]
	b := &builder{d: s.d}
	err = s.grouped(b, sc, req.Bucket, func() {
		b.write(", ", actual, ", ")
		if req.Threshold != nil {
			// The clamped score, as the rollups' threshold cells hold it: a NaN score is 1 on
			// every engine (ClickHouse would compare it false).
			b.write("CASE WHEN ", predicted, " IS NULL THEN NULL WHEN ", s.clampedScore("CAST("+predicted+" AS "+s.d.DoubleType()+")"), " >= ", b.bind(*req.Threshold),
				" THEN ", b.bind(req.PositiveClass), " ELSE ", b.bind(req.NegativeClass), " END")
		} else {
			b.write(predicted)
		}
		b.write(" AS ", sc.alias.predicted, ", count(*)")
		if sc.weight != "" {
			b.write(", ", sc.count())
		}
	}, "", []string{actual, sc.alias.predicted}, 0)
	if err != nil {
		return nil, err
	}
	return b, nil
}
