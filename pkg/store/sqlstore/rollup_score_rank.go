package sqlstore

import (
	"context"

	"time"

	"github.com/mlops/modelwatch/pkg/store"
)

// RollupRanking reports whether the ScoreRank and ScoreSums rollups can answer: the rollups are
// usable and of a format that has them (an older store reads raw rows until it is rebuilt).
func (s *Store) RollupRanking(ctx context.Context) (bool, string, error) {
	return s.rollupsSince(ctx, rollupFormatWithRanking, "the rollups were built before the ranking rollup: rebuild them with modelwatch rollup")
}

// RollupScoreCounts merges the ranking grid's hours per bucket, version and cell: the rows
// whose actual label is the positive class and the others, the least and greatest score. Rows
// come in bucket order, as ScoreCounts hands them.
func (s *Store) RollupScoreCounts(ctx context.Context, req store.RollupRequest, positive string, row func(store.ScoreCountRow)) error {
	if err := checkRollupRequest(req); err != nil {
		return err
	}
	if _, err := s.columns(ctx, store.ColScore, store.ColActualLabel); err != nil {
		return err // as the raw query on a table without scores
	}
	b := &builder{d: s.d}
	pos := b.bind(positive)
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, cell, min(score_min), max(score_max)",
		", CAST(sum(CASE WHEN actual_label = ", pos, " THEN n ELSE 0 END) AS BIGINT)",
		", CAST(sum(CASE WHEN actual_label <> ", pos, " THEN n ELSE 0 END) AS BIGINT)")
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).ScoreRank, req); err != nil {
		return err
	}
	b.write(" GROUP BY mw_bucket, model_version, cell ORDER BY mw_bucket")
	var (
		micros, cell int64
		r            store.ScoreCountRow
	)
	dest := []any{&micros, &r.Version, &cell, &r.Min, &r.Max, &r.Positives, &r.Negatives}
	return s.each(ctx, "reading ranking rollups", b, func(scan func(...any) error) (bool, error) {
		if err := scan(dest...); err != nil {
			return false, err
		}
		r.Cell = int(cell)
		if req.Bucket > 0 {
			r.Bucket = time.UnixMicro(micros).UTC()
		}
		row(r)
		return true, nil
	})
}

// RollupProbabilitySums sums the ScoreSums rollup per bucket and version: each actual label's
// rows contribute the log loss and squared error they have against the positive class.
func (s *Store) RollupProbabilitySums(ctx context.Context, req store.RollupRequest, positive string) ([]store.ProbabilitySumsRow, error) {
	if err := checkRollupRequest(req); err != nil {
		return nil, err
	}
	if _, err := s.columns(ctx, store.ColScore, store.ColActualLabel); err != nil {
		return nil, err
	}
	b := &builder{d: s.d}
	pos := b.bind(positive)
	b.write("SELECT ", s.rollupBucket(b, req), " AS mw_bucket, model_version, CAST(sum(n) AS BIGINT)",
		", sum(CASE WHEN actual_label = ", pos, " THEN neg_ln_score ELSE neg_ln_complement END)",
		", sum(CASE WHEN actual_label = ", pos, " THEN sq_error_positive ELSE sq_error_negative END)")
	if err := s.rollupWhere(ctx, b, RollupTablesOf(s.table).ScoreSums, req); err != nil {
		return nil, err
	}
	b.write(" GROUP BY mw_bucket, model_version")
	var out []store.ProbabilitySumsRow
	err := s.each(ctx, "reading probability rollups", b, func(scan func(...any) error) (bool, error) {
		var (
			micros int64
			r      store.ProbabilitySumsRow
		)
		if err := scan(&micros, &r.Version, &r.N, &r.SumLogLoss, &r.SumSquaredError); err != nil {
			return false, err
		}
		if req.Bucket > 0 {
			r.Bucket = time.UnixMicro(micros).UTC()
		}
		out = append(out, r)
		return true, nil
	})
	return out, err
}

// ProbabilitySums computes RollupProbabilitySums' sums from raw rows over a scope, with the raw
// query's own measures (so the per-row terms are the same).
func (s *Store) ProbabilitySums(ctx context.Context, sc store.Scope, bucket time.Duration, positive string) ([]store.ProbabilitySumsRow, error) {
	pos := []string{positive}
	rows, err := s.Aggregates(ctx, store.AggregateRequest{Scope: sc, Bucket: bucket, Measures: []store.Measure{
		{Kind: store.MeasureScoredLabeled, Values: pos}, {Kind: store.MeasureLogLossSum, Values: pos}, {Kind: store.MeasureBrierSum, Values: pos},
	}})
	if err != nil {
		return nil, err
	}
	out := make([]store.ProbabilitySumsRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, store.ProbabilitySumsRow{Bucket: r.Bucket, Version: r.Version,
			N: int64(orZero(r.Values[0])), SumLogLoss: orZero(r.Values[1]), SumSquaredError: orZero(r.Values[2])})
	}
	return out, nil
}

func orZero(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}
