package engine

import (
	"context"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// counted is the confusion statistics of one model, per series (version and group) and bucket.
type counted struct {
	keys    []seriesKey
	labels  []string
	buckets []time.Time // empty for a whole-range query
	// matrices[key][bucket index]; a whole-range query has one bucket.
	matrices map[seriesKey][]metrics.Confusion
	coverage map[seriesKey]frames.Coverage
	plan     *rollupPlan // nil: read from raw rows
}

// count fetches confusion counts and folds them into matrices, one per series and bucket, every
// bucket of the range present (an empty bucket is an all-zero matrix).
func (e *Engine) count(ctx context.Context, q query.Query, bucketed bool) (*counted, error) {
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, err
	}
	labels, negative, err := e.classes(ctx, q)
	if err != nil {
		return nil, err
	}
	req := store.ConfusionRequest{
		Scope:     scope(q, versions),
		Threshold: q.Threshold, PositiveClass: q.PositiveClass, NegativeClass: negative,
	}
	c := &counted{labels: labels, matrices: map[seriesKey][]metrics.Confusion{}, coverage: map[seriesKey]frames.Coverage{}}
	if bucketed {
		req.Bucket = q.Bucket
		if c.buckets, err = buckets(q.From, q.To, q.Bucket); err != nil {
			return nil, err
		}
	}
	rows, plan, err := e.confusionCounts(ctx, q, req)
	if err != nil {
		return nil, err
	}
	c.plan = plan
	seen := map[seriesKey]bool{}
	for _, r := range rows {
		seen[keyOf(q, r.Version, r.Group)] = true
	}
	c.keys = seriesKeys(q, versions, seen)
	n := max(len(c.buckets), 1)
	for _, k := range c.keys {
		c.matrices[k] = make([]metrics.Confusion, n)
		for i := range n {
			c.matrices[k][i] = metrics.NewConfusion(labels)
		}
	}
	for _, r := range rows {
		k := keyOf(q, r.Version, r.Group)
		ms, ok := c.matrices[k]
		if !ok {
			continue
		}
		cov := c.coverage[k]
		cov.Rows += r.Count
		switch {
		case r.Actual == nil:
			cov.Unlabeled += r.Count
		case r.Predicted == nil:
			cov.Unpredicted += r.Count
		default:
			if i := bucketIndex(c.buckets, q.Bucket, r.Bucket); i >= 0 {
				n := float64(r.Count)
				if q.Weight != "" {
					n = r.Weight
				}
				ms[i].Add(*r.Actual, *r.Predicted, n)
			}
		}
		c.coverage[k] = cov
	}
	return c, nil
}

// needsConfusion reports whether a metric of the query reads the confusion matrix.
func needsConfusion(q query.Query) bool {
	return slices.ContainsFunc(q.Metrics, func(m query.Metric) bool { return !slices.Contains(query.ScoreMetrics, m) })
}

// covered stands in for count when the query asks for score metrics alone, which read no
// confusion matrix: the series, buckets and coverage (rows without ground truth or prediction,
// as count reports them) come from one aggregate scan of row counts, which also carries the
// log-loss and Brier sums the query asks for (returned, for scores). When the rollups answer
// the scores, the confusion counts (from the rollups too) give the coverage instead of a scan.
func (e *Engine) covered(ctx context.Context, q query.Query) (*counted, *aggregated, error) {
	if q.Average == "" { // multiclass scores never come from the rollups
		if p, _, err := e.rankingRollups(ctx, q); err != nil || p != nil {
			if err != nil {
				return nil, nil, err
			}
			c, err := e.count(ctx, q, q.Format == query.FormatTimeSeries)
			return c, nil, err
		}
	}
	labels, _, err := e.classes(ctx, q) // the same checks of the positive class and threshold as count's
	if err != nil {
		return nil, nil, err
	}
	needs := probabilityNeeds(q.PositiveClass)
	if q.Average != "" {
		if _, err := e.classColumns(ctx, q, labels); err != nil {
			return nil, nil, err
		}
		needs = classProbabilityNeeds(labels)
	}
	unlabeled := store.Measure{Kind: store.MeasureUnlabeled}
	unpredicted := store.Measure{Kind: store.MeasureUnpredictedLabel}
	if q.Threshold != nil {
		unpredicted = store.Measure{Kind: store.MeasureUnscored}
	}
	measures := append([]store.Measure{rowsMeasure, unlabeled, unpredicted}, measuresFor(q.Metrics, needs)...)
	a, err := e.aggregate(ctx, q, measures)
	if err != nil {
		return nil, nil, err
	}
	c := &counted{keys: a.keys, labels: labels, buckets: a.buckets, coverage: map[seriesKey]frames.Coverage{}}
	for _, k := range a.keys {
		var cov frames.Coverage
		for b := range a.values[k] {
			cov.Rows += int64(orZero(a.of(k, b, rowsMeasure)))
			cov.Unlabeled += int64(orZero(a.of(k, b, unlabeled)))
			cov.Unpredicted += int64(orZero(a.of(k, b, unpredicted)))
		}
		c.coverage[k] = cov
	}
	return c, a, nil
}

// total sums the coverage of every series.
func (c *counted) total() frames.Coverage {
	var t frames.Coverage
	for _, v := range c.coverage {
		t.Rows += v.Rows
		t.Unlabeled += v.Unlabeled
		t.Unpredicted += v.Unpredicted
	}
	return t
}

func (e *Engine) classification(ctx context.Context, q query.Query) (data.Frames, error) {
	bucketed := q.Format == query.FormatTimeSeries
	var (
		c    *counted
		sums *aggregated
		err  error
	)
	if needsConfusion(q) {
		c, err = e.count(ctx, q, bucketed)
	} else {
		c, sums, err = e.covered(ctx, q)
	}
	if err != nil {
		return nil, err
	}
	var sc *scored
	if needsScores(q) {
		if sc, err = e.scores(ctx, q, c.labels, c.keys, c.buckets, sums); err != nil {
			return nil, err
		}
	}
	keys := c.keys
	if perClass(q) {
		keys = nil
		for _, k := range c.keys {
			for _, class := range metrics.NewConfusion(c.labels).Labels {
				k.Class = class
				keys = append(keys, k)
			}
		}
	}
	value := func(k seriesKey, m query.Metric, bucket int) *float64 {
		class := k.Class
		k.Class = ""
		switch {
		case slices.Contains(query.ScoreMetrics, m):
			return sc.value(k, class, m, bucket)
		case perClass(q):
			return classMetric(m, c.matrices[k][bucket], class, q.Scoring())
		case q.Average != "":
			return averaged(q.Average, m, c.matrices[k][bucket], q.Scoring())
		}
		return metrics.Classification[string(m)](c.matrices[k][bucket], q.PositiveClass, q.Scoring())
	}
	out := shape(ctx, q, keys, c.buckets, value)
	custom := map[string]any{"positiveClass": q.PositiveClass}
	if q.Average != "" {
		custom["average"] = q.Average
	}
	if q.MultiClass != "" {
		custom["multiClass"] = q.MultiClass
	}
	var notices []data.Notice
	if sc != nil {
		notices = sc.annotate(q, custom)
	}
	frames.Annotate(out, c.total(), custom)
	plan := c.plan
	if sc != nil && sc.plan == nil {
		plan = nil // the scores read raw rows
	}
	annotateSource(out, plan, false)
	for _, f := range out {
		f.Meta.Notices = append(f.Meta.Notices, notices...)
	}
	return out, nil
}

// shape builds the frames of a metric family: one timeseries-multi frame per series and
// metric over the buckets, or one numeric-long frame with a row per series.
func shape(ctx context.Context, q query.Query, keys []seriesKey, bucketTimes []time.Time, value valueFunc) data.Frames {
	if s, _ := ctx.Value(shapedKey{}).(*shaped); s != nil {
		s.keys, s.buckets, s.value = keys, bucketTimes, value
	}
	if q.Format == query.FormatTimeSeries {
		var series []frames.Series
		for _, k := range keys {
			for _, m := range q.Metrics {
				vals := make([]*float64, len(bucketTimes))
				for i := range bucketTimes {
					vals[i] = value(k, m, i)
				}
				series = append(series, frames.Series{Metric: string(m), Times: bucketTimes, Values: vals, Labels: labels(q, k)})
			}
		}
		return frames.TimeSeries(q.RefID, series)
	}
	names := make([]string, len(q.Metrics))
	for i, m := range q.Metrics {
		names[i] = string(m)
	}
	rows := make([]frames.Row, 0, len(keys))
	for _, k := range keys {
		row := frames.Row{Labels: labelValues(q, k), Values: map[string]*float64{}}
		for _, m := range q.Metrics {
			row.Values[string(m)] = value(k, m, 0)
		}
		rows = append(rows, row)
	}
	return data.Frames{frames.NumericLong(q.RefID, labelNames(q), names, rows)}
}

func (e *Engine) confusion(ctx context.Context, q query.Query) (data.Frames, error) {
	c, err := e.count(ctx, q, false)
	if err != nil {
		return nil, err
	}
	versions := make([]frames.VersionMatrix, len(c.keys))
	for i, k := range c.keys {
		versions[i] = frames.VersionMatrix{Version: k.Version, Matrix: c.matrices[k][0], Coverage: c.coverage[k]}
	}
	labels := metrics.NewConfusion(c.labels).Labels
	out := data.Frames{frames.Confusion(q.RefID, q.Model, labels, versions)}
	annotateSource(out, c.plan, false)
	return out, nil
}
