package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/frames"
	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// estimation answers an estimation query: per series and bucket, a binary classifier's metrics
// estimated from its scores alone (metrics.Expect under the reference window's calibration),
// their sampling error and band, and the realized metric over the rows whose labels arrived.
func (e *Engine) estimation(ctx context.Context, q query.Query) (data.Frames, error) {
	bucketed := q.Format == query.FormatTimeSeries
	versions, err := e.versions(ctx, q)
	if err != nil {
		return nil, err
	}
	_, negative, err := e.classes(ctx, q)
	if err != nil {
		return nil, err
	}
	c, err := e.count(ctx, q, bucketed) // the realized metrics, the series and the coverage
	if err != nil {
		return nil, err
	}
	ref, err := e.estimationReference(ctx, q, versions, negative)
	if err != nil {
		return nil, err
	}
	expected, err := e.expect(ctx, q, versions, c, ref)
	if err != nil {
		return nil, err
	}
	// The realized ROC AUC is the classification family's: from the ranking rollups when they
	// answer, else from the rows' score grid.
	var realizedAUC *scored
	if slices.Contains(q.Estimate, query.ROCAUC) && slices.Contains(q.Metrics, query.Realized) {
		rq := q
		rq.Type, rq.Metrics = query.TypeClassification, []query.Metric{query.ROCAUC}
		if realizedAUC, err = e.scores(ctx, rq, nil, c.keys, c.buckets, nil); err != nil {
			return nil, err
		}
	}
	value := func(k seriesKey, m query.Metric, o query.Metric, b int) *float64 {
		x, r := expected[k][b], ref[k]
		switch o {
		case query.Realized:
			if m == query.ROCAUC {
				return realizedAUC.ranked[k][b].ROCAUC
			}
			return metrics.Classification[string(m)](c.matrices[k][b], q.PositiveClass, q.Scoring())
		case query.SamplingError:
			return r.samplingError(x, m)
		}
		v := r.estimate(x, m)
		se := r.samplingError(x, m)
		switch {
		case o == query.Estimated || v == nil:
			return v
		case se == nil:
			return nil
		case o == query.EstimateLower:
			return number(max(*v-metrics.SamplingBand**se, 0))
		}
		return number(min(*v+metrics.SamplingBand**se, 1))
	}
	out := shapeEstimation(q, c.keys, c.buckets, value)
	custom := map[string]any{
		"kind":          "estimation",
		"positiveClass": q.PositiveClass, "calibration": q.Calibration, "samplingBand": metrics.SamplingBand,
		"estimationGridCells": metrics.ScoreGridCells,
		"referenceRange":      map[string]any{"from": q.RefFrom, "to": q.RefTo},
	}
	if slices.Contains(q.Estimate, query.ROCAUC) {
		custom["estimatedRocAucErrorBound"] = largestAUCBound(expected)
	}
	notices := estimationNotices(q, c, ref)
	if realizedAUC != nil {
		// The realized ROC AUC's grid and bound, as classification reports them.
		notices = append(notices, realizedAUC.annotate(query.Query{Metrics: []query.Metric{query.ROCAUC}}, custom)...)
	}
	t := c.total()
	for _, f := range out {
		fc := frames.Custom(f)
		fc["rows"], fc["unlabeledRows"], fc["unpredictedRows"] = t.Rows, t.Unlabeled, t.Unpredicted
		for k, v := range custom {
			fc[k] = v
		}
		f.Meta.Notices = append(f.Meta.Notices, notices...)
	}
	annotateSource(out, nil, false) // the score grids read raw rows
	return out, nil
}

// estimate is a metric of a series' expected confusion in a bucket; nil without a calibration.
func (c *calibrated) estimate(x metrics.Expected, m query.Metric) *float64 {
	if c == nil || !c.ok {
		return nil
	}
	return x.EstimatedMetric(string(m))
}

// samplingError is a metric's sampling error over a bucket's rows.
func (c *calibrated) samplingError(x metrics.Expected, m query.Metric) *float64 {
	if c == nil || !c.ok {
		return nil
	}
	return c.sampling[string(m)].Error(x.Rows)
}

// expect reads the query window's score grid split by the prediction, bucket by bucket, and
// folds each bucket's cells into its expected confusion under the series' calibration: memory
// holds one bucket's cells (series x cells at most).
func (e *Engine) expect(ctx context.Context, q query.Query, versions []string, c *counted, ref map[seriesKey]*calibrated) (map[seriesKey][]metrics.Expected, error) {
	n := max(len(c.buckets), 1)
	out := map[seriesKey][]metrics.Expected{}
	for _, k := range c.keys {
		out[k] = make([]metrics.Expected, n)
	}
	req := store.ScoreRequest{
		Scope: scope(q, versions), PositiveClass: q.PositiveClass, Cells: metrics.ScoreGridCells,
		Split: store.SplitPredicted, Threshold: q.Threshold, Sums: true,
	}
	if len(c.buckets) > 0 {
		req.Bucket = q.Bucket
	}
	cells := map[seriesKey][]metrics.EstimateCell{}
	f := newBucketFolder(c.buckets, q.Bucket, "score cells", func(bucket int) {
		for k, cs := range cells {
			var cal metrics.Calibration
			if r := ref[k]; r != nil {
				cal = r.calibration
			}
			out[k][bucket] = metrics.Expect(cs, cal)
			cells[k] = cs[:0]
		}
	})
	err := e.Store.ScoreCounts(ctx, req, func(r store.ScoreCountRow) {
		k := keyOf(q, r.Version, r.Group)
		if _, ok := out[k]; !ok || f.at(r.Bucket) < 0 {
			return
		}
		cells[k] = append(cells[k], metrics.EstimateCell{
			Cell: r.Cell, Spread: r.Min < r.Max,
			PredictedPositive: r.Positives, PredictedNegative: r.Negatives,
			SumPositive: r.SumPositives, SumNegative: r.SumNegatives,
		})
	})
	if err := f.done(err); err != nil {
		return nil, err
	}
	return out, nil
}

// shapeEstimation builds the frames: one timeseries-multi frame per series, estimated metric and
// output, labelled with the metric; or one numeric-long frame with a row per series and metric
// and a number field per output.
func shapeEstimation(q query.Query, keys []seriesKey, bucketTimes []time.Time, value func(seriesKey, query.Metric, query.Metric, int) *float64) data.Frames {
	if q.Format == query.FormatTimeSeries {
		var series []frames.Series
		for _, k := range keys {
			for _, m := range q.Estimate {
				l := labels(q, k)
				l[query.EstimatedLabel] = string(m)
				for _, o := range q.Metrics {
					vals := make([]*float64, len(bucketTimes))
					for i := range bucketTimes {
						vals[i] = value(k, m, o, i)
					}
					series = append(series, frames.Series{Metric: string(o), Times: bucketTimes, Values: vals, Labels: l})
				}
			}
		}
		return frames.TimeSeries(q.RefID, series)
	}
	names := make([]string, len(q.Metrics))
	for i, o := range q.Metrics {
		names[i] = string(o)
	}
	var rows []frames.Row
	for _, k := range keys {
		for _, m := range q.Estimate {
			row := frames.Row{Labels: append(labelValues(q, k), string(m)), Values: map[string]*float64{}}
			for _, o := range q.Metrics {
				row.Values[string(o)] = value(k, m, o, 0)
			}
			rows = append(rows, row)
		}
	}
	return data.Frames{frames.NumericLong(q.RefID, append(labelNames(q), query.EstimatedLabel), names, rows)}
}

func largestAUCBound(expected map[seriesKey][]metrics.Expected) float64 {
	largest := 0.0
	for _, buckets := range expected {
		for _, x := range buckets {
			if b := x.ROCAUCErrorBound(); b != nil {
				largest = max(largest, *b)
			}
		}
	}
	return largest
}

// estimationNotices says which series have no labelled reference rows to calibrate on, and how
// many rows the realized values read.
func estimationNotices(q query.Query, c *counted, ref map[seriesKey]*calibrated) []data.Notice {
	var out []data.Notice
	for _, k := range c.keys {
		if r := ref[k]; r == nil || !r.ok {
			out = append(out, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
				"%s has no row with a score and ground truth in the reference window (%s to %s): its estimates are undefined; pick a reference window whose labels have arrived",
				seriesName(q, k), q.RefFrom.Format(time.RFC3339), q.RefTo.Format(time.RFC3339))})
		}
	}
	if t := c.total(); t.Unlabeled > 0 && slices.Contains(q.Metrics, query.Realized) {
		out = append(out, data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(
			"realized values read the %d of %d rows whose labels have arrived; the estimates read every row with a score and a prediction",
			t.Rows-t.Unlabeled, t.Rows)})
	}
	return out
}

// seriesName names a series in a notice: its version, and its group when grouped.
func seriesName(q query.Query, k seriesKey) string {
	s := fmt.Sprintf("version %q", k.Version)
	if q.GroupBy != "" {
		s += fmt.Sprintf(" (%s %q)", q.GroupBy, k.Group)
	}
	return s
}
