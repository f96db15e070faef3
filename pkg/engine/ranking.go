package engine

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// maxScoreValues bounds the distinct scores read per query; beyond it scores are rounded to
// roundedScoreDecimals decimals (ROC AUC then within about 1e-4 of the exact value).
const (
	maxScoreValues       = 200_000
	roundedScoreDecimals = 4
)

// errNotCached makes a cache lookup that must not compute anything report "absent".
var errNotCached = errors.New("not cached")

// scored holds what the score-based metrics read, per series and bucket.
type scored struct {
	histograms map[seriesKey][][]metrics.ScoreCount
	sums       *aggregated // scored rows, log loss sum, Brier sum
	rounded    bool
}

func needsScores(q query.Query) bool {
	return slices.ContainsFunc(q.Metrics, func(m query.Metric) bool { return slices.Contains(query.ScoreMetrics, m) })
}

// scores fetches the score histogram (exact, or rounded when there are too many distinct
// scores) and the per-row probability sums over the same series and buckets.
func (e *Engine) scores(ctx context.Context, q query.Query, keys []seriesKey, bucketTimes []time.Time) (*scored, error) {
	versions := make([]string, 0, len(keys))
	for _, k := range keys {
		if !slices.Contains(versions, k.Version) {
			versions = append(versions, k.Version)
		}
	}
	req := store.ScoreRequest{Scope: scope(q, versions), PositiveClass: q.PositiveClass, MaxValues: maxScoreValues}
	if len(bucketTimes) > 0 {
		req.Bucket = q.Bucket
	}
	s := &scored{histograms: map[seriesKey][][]metrics.ScoreCount{}}
	// A model whose scores had too many distinct values once is read rounded from then on,
	// instead of finding out again with a scan.
	roundKey := "round-scores|" + q.Model
	if rounded, _ := cached(e.Cache, roundKey, func() (bool, error) { return false, errNotCached }); rounded {
		req.Decimals, s.rounded = roundedScoreDecimals, true
	}
	rows, err := e.Store.ScoreCounts(ctx, req)
	if errors.Is(err, store.ErrTooManyValues) {
		req.Decimals, s.rounded = roundedScoreDecimals, true
		_, _ = cached(e.Cache, roundKey, func() (bool, error) { return true, nil })
		rows, err = e.Store.ScoreCounts(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	n := max(len(bucketTimes), 1)
	for _, k := range keys {
		s.histograms[k] = make([][]metrics.ScoreCount, n)
	}
	for _, r := range rows {
		k := seriesKey{Version: r.Version, Group: r.Group}
		h, ok := s.histograms[k]
		if !ok {
			continue
		}
		if i := bucketIndex(bucketTimes, q.Bucket, r.Bucket); i >= 0 {
			h[i] = append(h[i], metrics.ScoreCount{Score: r.Score, Positives: r.Positives, Negatives: r.Negatives})
		}
	}
	pos := []string{q.PositiveClass}
	s.sums, err = e.aggregate(ctx, q, []store.Measure{
		{Kind: store.MeasureScoredLabeled, Values: pos},
		{Kind: store.MeasureLogLossSum, Values: pos},
		{Kind: store.MeasureBrierSum, Values: pos},
	})
	return s, err
}

// value computes one score-based metric of a series in a bucket.
func (s *scored) value(k seriesKey, m query.Metric, b int) *float64 {
	switch m {
	case query.ROCAUC:
		return metrics.ROCAUC(s.histograms[k][b])
	case query.AveragePrecision:
		return metrics.AveragePrecision(s.histograms[k][b])
	}
	p := metrics.ProbabilitySums{
		N:               int64(orZero(s.sums.measure(k, b, 0))),
		SumLogLoss:      orZero(s.sums.measure(k, b, 1)),
		SumSquaredError: orZero(s.sums.measure(k, b, 2)),
	}
	if m == query.LogLoss {
		return metrics.LogLoss(p)
	}
	return metrics.Brier(p)
}

// averaged computes a multiclass-averaged metric (precision, recall, F1) from a matrix.
func averaged(average string, m query.Metric, c metrics.Confusion) *float64 {
	if m == query.Accuracy {
		return metrics.Classification[string(m)](c, "")
	}
	prf := metrics.Multiclass[average](c)
	switch m {
	case query.Precision:
		return prf.Precision
	case query.Recall:
		return prf.Recall
	}
	return prf.F1
}

// classMetric is one class's one-vs-rest precision, recall or F1 (scikit-learn's average=None);
// accuracy is the whole matrix's.
func classMetric(m query.Metric, c metrics.Confusion, class string) *float64 {
	if m == query.Accuracy {
		return metrics.Classification[string(m)](c, "")
	}
	for _, p := range metrics.PerClass(c) {
		if p.Label != class {
			continue
		}
		switch m {
		case query.Precision:
			return p.Precision
		case query.Recall:
			return p.Recall
		}
		return p.F1
	}
	return nil
}
