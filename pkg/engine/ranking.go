package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// scored holds what the score-based metrics read, per series and bucket.
type scored struct {
	// ranked[key][bucket]: ROC AUC and average precision on the grid, with their error bounds.
	ranked map[seriesKey][]metrics.GridRanking
	// probabilities[key][bucket]: the sums of the query's log loss and Brier.
	probabilities map[seriesKey][]metrics.ProbabilitySums
	cells         int         // the grid's resolution
	plan          *rollupPlan // nil: read from raw rows
	// A multiclass query's (one with an average) rankings of each class per series and bucket,
	// and whether Brier is halved (two classes, as scikit-learn's scale_by_half).
	classes   map[seriesKey][]classScores
	halfBrier bool
}

// probabilityNeeds declares the sums log loss and Brier read, over rows with a score and
// ground truth.
func probabilityNeeds(positive string) map[query.Metric][]store.Measure {
	pos := []string{positive}
	n := store.Measure{Kind: store.MeasureScoredLabeled, Values: pos}
	return map[query.Metric][]store.Measure{
		query.LogLoss: {n, {Kind: store.MeasureLogLossSum, Values: pos}},
		query.Brier:   {n, {Kind: store.MeasureBrierSum, Values: pos}},
	}
}

// needsGrid reports whether the query asks for a metric read from the score grid.
func needsGrid(q query.Query) bool {
	return slices.Contains(q.Metrics, query.ROCAUC) || slices.Contains(q.Metrics, query.AveragePrecision)
}

func needsScores(q query.Query) bool {
	return slices.ContainsFunc(q.Metrics, func(m query.Metric) bool { return slices.Contains(query.ScoreMetrics, m) })
}

// scores fetches, for ROC AUC and average precision, the score histogram on a fixed grid (at
// most a grid's cells per series and bucket, whatever the number of distinct scores) and, for
// log loss and Brier, the per-row probability sums over the same series and buckets (sums, when
// not nil, already holds them). The rollups answer when the planner allows and the store keeps
// ranking rollups (on their coarser grid, store.ScoreRollupCells, its error bound reported as
// the raw grid's); else one scan of the raw rows each.
//
// A multiclass query (one with an average) reads each class's probability column instead:
// one scan per class for ROC AUC and average precision (never from the rollups, which hold the
// positive class's score), one aggregate for log loss and Brier.
func (e *Engine) scores(ctx context.Context, q query.Query, classes []string, keys []seriesKey, bucketTimes []time.Time, sums *aggregated) (*scored, error) {
	n := max(len(bucketTimes), 1)
	s := &scored{ranked: map[seriesKey][]metrics.GridRanking{}, probabilities: map[seriesKey][]metrics.ProbabilitySums{}, cells: metrics.ScoreGridCells,
		classes: map[seriesKey][]classScores{}}
	versions := make([]string, 0, len(keys))
	for _, k := range keys {
		s.ranked[k] = make([]metrics.GridRanking, n)
		s.probabilities[k] = make([]metrics.ProbabilitySums, n)
		if !slices.Contains(versions, k.Version) {
			versions = append(versions, k.Version)
		}
	}
	if q.Average != "" {
		return s, e.multiclassScores(ctx, q, classes, versions, bucketTimes, sums, s)
	}
	measures := measuresFor(q.Metrics, probabilityNeeds(q.PositiveClass))
	p, ss, err := e.rankingRollups(ctx, q)
	if err != nil {
		return nil, err
	}
	if p != nil {
		s.plan, s.cells = p, store.ScoreRollupCells
		if needsGrid(q) {
			if err := e.rollupRankGrid(ctx, q, p, ss, versions, bucketTimes, s); err != nil {
				return nil, err
			}
		}
		if len(measures) > 0 {
			if err := e.rollupProbabilities(ctx, q, p, ss, versions, bucketTimes, s); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	if needsGrid(q) {
		if err := e.rankGrid(ctx, q, versions, bucketTimes, s); err != nil {
			return nil, err
		}
	}
	if len(measures) == 0 {
		return s, nil
	}
	if sums == nil {
		if sums, err = e.aggregate(ctx, q, measures); err != nil {
			return nil, err
		}
	}
	s.sums(sums, probabilityNeeds(q.PositiveClass))
	return s, nil
}

// sums reads the log-loss and Brier sums of every series and bucket from an aggregate that
// holds the measures needs declares.
func (s *scored) sums(a *aggregated, needs map[query.Metric][]store.Measure) {
	n, loss, brier := needs[query.LogLoss][0], needs[query.LogLoss][1], needs[query.Brier][1]
	for k, ps := range s.probabilities {
		for b := range ps {
			ps[b] = metrics.ProbabilitySums{
				N:               orZero(a.of(k, b, n)),
				SumLogLoss:      orZero(a.of(k, b, loss)),
				SumSquaredError: orZero(a.of(k, b, brier)),
			}
		}
	}
}

// multiclassScores fills s for a multiclass query from each class's probability column.
func (e *Engine) multiclassScores(ctx context.Context, q query.Query, classes, versions []string, bucketTimes []time.Time, sums *aggregated, s *scored) error {
	columns, err := e.classColumns(ctx, q, classes)
	if err != nil {
		return err
	}
	s.halfBrier = len(classes) == 2
	if needsGrid(q) {
		if err := e.classGrids(ctx, q, classes, columns, versions, bucketTimes, s); err != nil {
			return err
		}
		if q.Average != query.PerClass {
			for k, buckets := range s.classes {
				for b, cs := range buckets {
					r := &s.ranked[k][b]
					r.ROCAUC, r.ROCAUCErrorBound = classRanking(cs, classes, q, "", query.ROCAUC)
					r.AveragePrecision, r.AveragePrecisionErrorBound = classRanking(cs, classes, q, "", query.AveragePrecision)
				}
			}
		}
	}
	needs := classProbabilityNeeds(classes)
	measures := measuresFor(q.Metrics, needs)
	if len(measures) == 0 {
		return nil
	}
	if sums == nil {
		if sums, err = e.aggregate(ctx, q, measures); err != nil {
			return err
		}
	}
	s.sums(sums, needs)
	return nil
}

// rankGrid reads the raw rows' score grid into s.ranked.
func (e *Engine) rankGrid(ctx context.Context, q query.Query, versions []string, bucketTimes []time.Time, s *scored) error {
	req := store.ScoreRequest{Scope: scope(q, versions), PositiveClass: q.PositiveClass, Cells: metrics.ScoreGridCells}
	if len(bucketTimes) > 0 {
		req.Bucket = q.Bucket
	}
	// The store hands the cells bucket by bucket: each bucket's histograms are ranked and let go
	// when the next bucket begins, so memory holds one bucket's cells (series x cells at most),
	// not the whole range's.
	histograms := map[seriesKey][]metrics.ScoreCount{}
	f := newBucketFolder(bucketTimes, q.Bucket, "score cells", func(bucket int) {
		for k, h := range histograms {
			s.ranked[k][bucket] = rankGrid(h, q.Weight != "")
			histograms[k] = h[:0] // RankGrid sorted a copy: the array serves the next bucket
		}
	})
	err := e.Store.ScoreCounts(ctx, req, func(r store.ScoreCountRow) {
		k := keyOf(q, r.Version, r.Group)
		if _, ok := s.ranked[k]; !ok || f.at(r.Bucket) < 0 {
			return
		}
		pos, neg := r.Sides(q.Weight != "")
		histograms[k] = append(histograms[k], metrics.GridBar(r.Cell, req.Cells, r.Min, r.Max, pos, neg))
	})
	return f.done(err)
}

// rankGrid ranks a histogram of rows, or of sample weights when weighted.
func rankGrid(h []metrics.ScoreCount, weighted bool) metrics.GridRanking {
	if weighted {
		return metrics.RankGridWeighted(h)
	}
	return metrics.RankGrid(h)
}

// gridBounds are the error bounds of the grid-based metrics, with the custom meta keys that
// report them.
var gridBounds = []struct {
	metric query.Metric
	key    string
	bound  func(metrics.GridRanking) *float64
}{
	{query.ROCAUC, "rocAucErrorBound", func(r metrics.GridRanking) *float64 { return r.ROCAUCErrorBound }},
	{query.AveragePrecision, "averagePrecisionErrorBound", func(r metrics.GridRanking) *float64 { return r.AveragePrecisionErrorBound }},
}

// annotate reports the grid and, for each grid-based metric of the query, the largest error
// bound over its series and buckets in custom meta, and returns a warning for each bound above
// metrics.ScoreErrorTolerance.
func (s *scored) annotate(q query.Query, custom map[string]any) []data.Notice {
	var notices []data.Notice
	for _, g := range gridBounds {
		if !slices.Contains(q.Metrics, g.metric) {
			continue
		}
		custom["scoreGridCells"] = s.cells
		largest := 0.0
		for _, buckets := range s.ranked {
			for _, r := range buckets {
				if b := g.bound(r); b != nil {
					largest = max(largest, *b)
				}
			}
		}
		for _, buckets := range s.classes { // per class: each class's own bound (averages are in ranked)
			if q.Average != query.PerClass {
				break
			}
			for _, cs := range buckets {
				for _, r := range cs.ovr {
					if b := g.bound(r); b != nil {
						largest = max(largest, *b)
					}
				}
			}
		}
		custom[g.key] = largest
		if largest > metrics.ScoreErrorTolerance {
			notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
				"%s may differ from the exact value by up to %.2g: scores are counted in %d equal cells over [0, 1], "+
					"and rows of different scores share cells (scores bunched in a narrow range)",
				g.metric, largest, s.cells)})
		}
	}
	return notices
}

// value computes one score-based metric of a series in a bucket; class names the class of a
// multiclass query per class.
func (s *scored) value(k seriesKey, class string, m query.Metric, b int) *float64 {
	if class != "" && (m == query.ROCAUC || m == query.AveragePrecision) {
		return s.classValue(k, class, m, b)
	}
	switch m {
	case query.ROCAUC:
		return s.ranked[k][b].ROCAUC
	case query.AveragePrecision:
		return s.ranked[k][b].AveragePrecision
	}
	p := s.probabilities[k][b]
	if m == query.LogLoss {
		return metrics.LogLoss(p)
	}
	if s.halfBrier {
		p.SumSquaredError /= 2
	}
	return metrics.Brier(p)
}

// classValue is one class's one-vs-rest ROC AUC or average precision.
func (s *scored) classValue(k seriesKey, class string, m query.Metric, b int) *float64 {
	r := s.classes[k][b].ovr[class]
	if m == query.AveragePrecision {
		return r.AveragePrecision
	}
	return r.ROCAUC
}

// averaged computes a multiclass-averaged metric (precision, recall, F1, F-beta) from a matrix;
// accuracy and MCC are the whole matrix's.
func averaged(average string, m query.Metric, c metrics.Confusion, s metrics.Scoring) *float64 {
	switch m {
	case query.Accuracy:
		return metrics.Classification[string(m)](c, "", s)
	case query.MCC:
		return metrics.MulticlassMCC(c)
	}
	return prfMetric(m, metrics.Multiclass[average](c, s))
}

// prfMetric reads precision, recall, F1 or F-beta.
func prfMetric(m query.Metric, prf metrics.PRF) *float64 {
	switch m {
	case query.Precision:
		return prf.Precision
	case query.Recall:
		return prf.Recall
	case query.FBeta:
		return prf.FBeta
	}
	return prf.F1
}

// classMetric is one class's one-vs-rest precision, recall or F1 (scikit-learn's average=None);
// accuracy is the whole matrix's.
func classMetric(m query.Metric, c metrics.Confusion, class string, s metrics.Scoring) *float64 {
	switch m {
	case query.Accuracy:
		return metrics.Classification[string(m)](c, "", s)
	case query.MCC:
		return metrics.MulticlassMCC(c)
	}
	for _, p := range metrics.PerClass(c, s) {
		if p.Label == class {
			return prfMetric(m, p.PRF)
		}
	}
	return nil
}
