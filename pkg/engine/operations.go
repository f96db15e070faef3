package engine

import (
	"context"
	"slices"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// The measures of the operations family.
var (
	rowsMeasure        = store.Measure{Kind: store.MeasureRows}
	errorsMeasure      = store.Measure{Kind: store.MeasureErrors}
	latencyP50         = store.Measure{Kind: store.MeasureLatencyQuantile, Q: 0.5}
	latencyP95         = store.Measure{Kind: store.MeasureLatencyQuantile, Q: 0.95}
	latencyP99         = store.Measure{Kind: store.MeasureLatencyQuantile, Q: 0.99}
	latencyMeanMeasure = store.Measure{Kind: store.MeasureLatencyMean}
	latencyMinMeasure  = store.Measure{Kind: store.MeasureLatencyMin}
	latencyMaxMeasure  = store.Measure{Kind: store.MeasureLatencyMax}
)

// operationsNeeds declares the measures each operations metric reads: a latency quantile costs
// a sort of the rows' latencies, so a panel of counts must not pay for it.
var operationsNeeds = map[query.Metric][]store.Measure{
	query.Requests:    {rowsMeasure},
	query.Throughput:  {rowsMeasure},
	query.ErrorRate:   {rowsMeasure, errorsMeasure},
	query.LatencyP50:  {latencyP50},
	query.LatencyP95:  {latencyP95},
	query.LatencyP99:  {latencyP99},
	query.LatencyMean: {latencyMeanMeasure},
	query.LatencyMin:  {latencyMinMeasure},
	query.LatencyMax:  {latencyMaxMeasure},
}

// operations answers request volume, error rate and latency percentiles (linear interpolation
// between order statistics, numpy's default; from the rollups' sketch within its relative
// bound) and the latency mean, minimum and maximum per series.
func (e *Engine) operations(ctx context.Context, q query.Query) (data.Frames, error) {
	a, plan, err := e.operationsStatistics(ctx, q, measuresFor(q.Metrics, operationsNeeds))
	if err != nil {
		return nil, err
	}
	secs := seconds(q)
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		switch m {
		case query.Requests:
			rows := orZero(a.of(k, b, rowsMeasure))
			return &rows
		case query.Throughput:
			return ratioOf(orZero(a.of(k, b, rowsMeasure)), secs)
		case query.ErrorRate:
			return ratioOf(orZero(a.of(k, b, errorsMeasure)), orZero(a.of(k, b, rowsMeasure)))
		case query.LatencyP50:
			return a.of(k, b, latencyP50)
		case query.LatencyP95:
			return a.of(k, b, latencyP95)
		case query.LatencyP99:
			return a.of(k, b, latencyP99)
		case query.LatencyMean:
			return a.of(k, b, latencyMeanMeasure)
		case query.LatencyMin:
			return a.of(k, b, latencyMinMeasure)
		case query.LatencyMax:
			return a.of(k, b, latencyMaxMeasure)
		}
		return nil
	}
	out := shape(ctx, q, a.keys, a.buckets, value)
	annotateSource(out, plan, asksLatencyQuantile(q))
	return out, nil
}

// labelDelays maps the delay metrics to their measures.
var labelDelays = map[query.Metric]store.Measure{
	query.LabelDelayMean: {Kind: store.MeasureLabelDelayMean},
	query.LabelDelayP50:  {Kind: store.MeasureLabelDelayQuantile, Q: 0.5},
	query.LabelDelayP95:  {Kind: store.MeasureLabelDelayQuantile, Q: 0.95},
}

// coverage answers the share of rows whose ground truth has arrived and, with a labels table,
// how long labels take to arrive (from the rollups, the mean exactly and the quantiles from the
// label delay sketch within its relative bound, stated in
// meta.custom.labelDelayQuantileRelativeError).
func (e *Engine) coverage(ctx context.Context, q query.Query) (data.Frames, error) {
	measures := []store.Measure{{Kind: store.MeasureRows}, {Kind: store.MeasureLabeled}}
	delayIndex := map[query.Metric]int{}
	for _, m := range q.Metrics {
		if d, ok := labelDelays[m]; ok {
			delayIndex[m] = len(measures)
			measures = append(measures, d)
		}
	}
	a, err := e.aggregate(ctx, q, measures)
	if err != nil {
		return nil, err
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		labeled := orZero(a.measure(k, b, 1))
		switch m {
		case query.LabelCoverage:
			return ratioOf(labeled, orZero(a.measure(k, b, 0)))
		case query.LabeledRows:
			return &labeled
		}
		if i, ok := delayIndex[m]; ok {
			return a.measure(k, b, i)
		}
		return nil
	}
	out := shape(ctx, q, a.keys, a.buckets, value)
	annotateSource(out, a.plan, false)
	annotateSketchBound(out, a.plan, "labelDelayQuantileRelativeError", slices.ContainsFunc(q.Metrics, func(m query.Metric) bool {
		return labelDelays[m].Kind == store.MeasureLabelDelayQuantile
	}))
	return out, nil
}
