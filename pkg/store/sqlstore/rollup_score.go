package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

var _ store.ScoreRollupStore = (*Store)(nil)

// RollupScores reports whether the Score rollup can answer: the rollups are usable and were
// built in a format that has it (a store built before it reads raw rows until it is rebuilt,
// which its next load or `modelwatch rollup` does). A format-2 store's finer grid answers as
// exactly.
func (s *Store) RollupScores(ctx context.Context) (bool, string, error) {
	return s.rollupsSince(ctx, rollupFormatWithScores, "the rollups were built before the score rollup: rebuild them with modelwatch rollup")
}

// rollupsSince reports whether the rollups are usable and of format since or later; reason
// says why not, stale when they are of an earlier format.
func (s *Store) rollupsSince(ctx context.Context, since int64, stale string) (bool, string, error) {
	usable, reason, format, err := s.rollupState(ctx)
	if err != nil || !usable {
		return false, reason, err
	}
	if format < since {
		return false, stale, nil
	}
	return true, "", nil
}

// Sides of a score cell against a threshold, as RollupScoreConfusion classifies them.
const (
	sideNoScore = iota
	sidePositive
	sideNegative
	sideStraddles
)

// RollupScoreConfusion classifies each hour's score cells against t (per group: the groupBy
// segment's value), as the raw threshold query classifies rows: a cell whose least score is >= t is positive, one whose greatest score
// is < t negative, one without a score has no prediction; a cell with scores on both sides
// makes the answer inexact (nil counts, exact false). The comparison is the engine's own on the
// same values, so NaN sorts as the raw rows' comparison sorts it.
func (s *Store) RollupScoreConfusion(ctx context.Context, req store.RollupRequest, t float64, positive, negative string) ([]store.ConfusionCount, bool, error) {
	if err := checkRollupRequest(req); err != nil {
		return nil, false, err
	}
	if _, err := s.columns(ctx, store.ColScore, store.ColActualLabel); err != nil {
		return nil, false, err // as the raw query on a table without scores
	}
	b := &builder{d: s.d}
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, ", s.segmentGroup(req), " AS mw_group, actual_label, CASE WHEN cell IS NULL THEN 0",
		" WHEN score_min >= ", b.bind(t), " THEN 1 WHEN score_max < ", b.bind(t), " THEN 2 ELSE 3 END AS mw_side, CAST(sum(n) AS BIGINT)")
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).Score, req); err != nil {
		return nil, false, err
	}
	b.write(" GROUP BY mw_bucket, model_version, mw_group, actual_label, mw_side")
	var (
		out   []store.ConfusionCount
		exact = true
	)
	err := s.each(ctx, "reading score rollups", b, func(scan func(...any) error) (bool, error) {
		var (
			micros         int64
			version, group string
			act            sql.NullString
			side           int
			n              int64
		)
		if err := scan(&micros, &version, &group, &act, &side, &n); err != nil {
			return false, err
		}
		c := store.ConfusionCount{Version: version, Group: group, Count: n}
		if req.Bucket > 0 {
			c.Bucket = time.UnixMicro(micros).UTC()
		}
		if act.Valid {
			c.Actual = &act.String
		}
		switch side {
		case sidePositive:
			c.Predicted = &positive
		case sideNegative:
			c.Predicted = &negative
		case sideStraddles:
			exact = false
			return false, nil
		}
		out = append(out, c)
		return true, nil
	})
	if err != nil || !exact {
		return nil, false, err
	}
	return out, true, nil
}
