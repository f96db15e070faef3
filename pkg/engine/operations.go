package engine

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// Measures of the operations family, in this order.
var operationsMeasures = []store.Measure{
	{Kind: store.MeasureRows},
	{Kind: store.MeasureErrors},
	{Kind: store.MeasureLatencyQuantile, Q: 0.5},
	{Kind: store.MeasureLatencyQuantile, Q: 0.95},
	{Kind: store.MeasureLatencyQuantile, Q: 0.99},
	{Kind: store.MeasureLatencyMean},
	{Kind: store.MeasureLatencyMin},
	{Kind: store.MeasureLatencyMax},
}

// operations answers request volume, error rate and latency percentiles (linear interpolation
// between order statistics, numpy's default; from the rollups' sketch within its relative
// bound) and the latency mean, minimum and maximum per series.
func (e *Engine) operations(ctx context.Context, q query.Query) (data.Frames, error) {
	a, plan, err := e.operationsStatistics(ctx, q)
	if err != nil {
		return nil, err
	}
	secs := seconds(q)
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		rows := orZero(a.measure(k, b, 0))
		switch m {
		case query.Requests:
			return &rows
		case query.Throughput:
			return ratioOf(rows, secs)
		case query.ErrorRate:
			return ratioOf(orZero(a.measure(k, b, 1)), rows)
		case query.LatencyP50:
			return a.measure(k, b, 2)
		case query.LatencyP95:
			return a.measure(k, b, 3)
		case query.LatencyP99:
			return a.measure(k, b, 4)
		case query.LatencyMean:
			return a.measure(k, b, 5)
		case query.LatencyMin:
			return a.measure(k, b, 6)
		case query.LatencyMax:
			return a.measure(k, b, 7)
		}
		return nil
	}
	out := shape(q, a.keys, a.buckets, value)
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
// how long labels take to arrive.
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
	return shape(q, a.keys, a.buckets, value), nil
}
