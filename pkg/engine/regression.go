package engine

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// Measures of the regression family, in this order. The spread of the actuals comes as the
// engine's population variance (centred on the group mean), not as raw sums of squares, so that
// R2 keeps its precision when actuals are large compared with their spread.
var regressionMeasures = []store.Measure{
	{Kind: store.MeasurePaired},
	{Kind: store.MeasureSumError},
	{Kind: store.MeasureSumAbsError},
	{Kind: store.MeasureSumSqError},
	{Kind: store.MeasureVarPopActual},
	{Kind: store.MeasureNonZeroActual},
	{Kind: store.MeasureSumAbsPctError},
	{Kind: store.MeasureErrorQuantile, Q: 0.5},
	{Kind: store.MeasureErrorQuantile, Q: 0.9},
	{Kind: store.MeasureErrorQuantile, Q: 0.99},
}

// errorQuantiles maps the quantile metrics to their measure index.
var errorQuantiles = map[query.Metric]int{query.ErrorP50: 7, query.ErrorP90: 8, query.ErrorP99: 9}

// regression answers the error metrics of a regression model over rows with both a predicted
// and an actual value.
func (e *Engine) regression(ctx context.Context, q query.Query) (data.Frames, error) {
	a, err := e.aggregate(ctx, q, regressionMeasures)
	if err != nil {
		return nil, err
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		if i, ok := errorQuantiles[m]; ok {
			return a.measure(k, b, i)
		}
		n := int64(orZero(a.measure(k, b, 0)))
		sums := metrics.RegressionSums{
			N:            n,
			SumErr:       orZero(a.measure(k, b, 1)),
			SumAbsErr:    orZero(a.measure(k, b, 2)),
			SumSqErr:     orZero(a.measure(k, b, 3)),
			SumSqActual:  float64(n) * orZero(a.measure(k, b, 4)),
			MapeN:        int64(orZero(a.measure(k, b, 5))),
			SumAbsPctErr: orZero(a.measure(k, b, 6)),
		}
		sums.ZeroActual = sums.N - sums.MapeN
		return metrics.Regression[string(m)](sums)
	}
	return shape(q, a.keys, a.buckets, value), nil
}
