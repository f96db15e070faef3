package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// ConfusionCounts groups the model's rows in the range by bucket, version, actual and predicted
// class and counts them: O(rows) in the engine, O(buckets x versions x classes²) returned.
func (s *Store) ConfusionCounts(ctx context.Context, req store.ConfusionRequest) ([]store.ConfusionCount, error) {
	b, err := s.confusionStatement(ctx, req)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return nil, s.queryErr(ctx, "counting classes", err)
	}
	defer rows.Close()
	var out []store.ConfusionCount
	for rows.Next() {
		var (
			micros    int64
			ver       sql.NullString
			act, pred sql.NullString
			n         int64
		)
		if err := rows.Scan(&micros, &ver, &act, &pred, &n); err != nil {
			return nil, s.queryErr(ctx, "reading class counts", err)
		}
		c := store.ConfusionCount{Version: ver.String, Count: n}
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
	}
	if err := rows.Err(); err != nil {
		return nil, s.queryErr(ctx, "reading class counts", err)
	}
	return out, nil
}

// confusionStatement generates the counting statement; every value is bound.
func (s *Store) confusionStatement(ctx context.Context, req store.ConfusionRequest) (*builder, error) {
	need := []string{store.ColTS, store.ColModel, store.ColModelVersion, store.ColActualLabel}
	if req.Threshold != nil {
		need = append(need, store.ColScore)
	} else {
		need = append(need, store.ColPredictedLabel)
	}
	cols, err := s.columns(ctx, need...)
	if err != nil {
		return nil, err
	}
	ts, model, version, actual, predictedSrc := cols[0], cols[1], cols[2], cols[3], cols[4]

	b := &builder{d: s.d}
	bucket := "0"
	if req.Bucket > 0 {
		width := b.bind(req.Bucket.Microseconds())
		bucket = s.d.BucketMicros(ts, width)
	}
	predicted := predictedSrc
	if req.Threshold != nil {
		predicted = "CASE WHEN " + predictedSrc + " IS NULL THEN NULL WHEN " + predictedSrc + " >= " + b.bind(*req.Threshold) +
			" THEN " + b.bind(req.PositiveClass) + " ELSE " + b.bind(req.NegativeClass) + " END"
	}
	b.write("SELECT ", bucket, " AS bucket, ", version, ", ", actual, ", ", predicted, " AS predicted, count(*)",
		s.from(), " WHERE ", model, " = ", b.bind(req.Model),
		" AND ", ts, " >= ", b.bind(req.From.UTC()), " AND ", ts, " < ", b.bind(req.To.UTC()))
	if len(req.Versions) > 0 {
		b.write(" AND ", b.in(version, req.Versions))
	}
	groups := []string{version, actual, predicted}
	if req.Bucket > 0 {
		groups = append(groups, bucket)
	}
	b.write(" GROUP BY ", strings.Join(groups, ", "))

	return b, nil
}
