package engine

import (
	"context"
	"slices"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mlops/modelwatch/pkg/metrics"
	"github.com/mlops/modelwatch/pkg/query"
	"github.com/mlops/modelwatch/pkg/store"
)

// The measures of the regression family. The spread of the actuals comes as the engine's
// population variance (centred on the group mean), not as raw sums of squares, so that R2 keeps
// its precision when actuals are large compared with their spread.
var (
	pairedMeasure      = store.Measure{Kind: store.MeasurePaired}
	sumErrorMeasure    = store.Measure{Kind: store.MeasureSumError}
	sumAbsErrorMeasure = store.Measure{Kind: store.MeasureSumAbsError}
	sumSqErrorMeasure  = store.Measure{Kind: store.MeasureSumSqError}
	varPopActual       = store.Measure{Kind: store.MeasureVarPopActual}
	nonZeroActual      = store.Measure{Kind: store.MeasureNonZeroActual}
	sumAbsPctError     = store.Measure{Kind: store.MeasureSumAbsPctError}
	varSampError       = store.Measure{Kind: store.MeasureVarSampError}
	maxAbsError        = store.Measure{Kind: store.MeasureMaxAbsError}
	medianAbsError     = store.Measure{Kind: store.MeasureAbsErrorQuantile, Q: 0.5}
	sumSqLogError      = store.Measure{Kind: store.MeasureSumSqLogError}
	logInvalid         = store.Measure{Kind: store.MeasureLogInvalid}
)

// readDirectly are the regression metrics that are a measure themselves, not a function of
// the sums.
var readDirectly = map[query.Metric]store.Measure{
	query.ErrorP50: errorQuantiles[query.ErrorP50], query.ErrorP90: errorQuantiles[query.ErrorP90],
	query.ErrorP99: errorQuantiles[query.ErrorP99], query.MaxError: maxAbsError, query.MedianAbsoluteError: medianAbsError,
}

// errorQuantiles maps the quantile metrics to their measures.
var errorQuantiles = map[query.Metric]store.Measure{
	query.ErrorP50: {Kind: store.MeasureErrorQuantile, Q: 0.5},
	query.ErrorP90: {Kind: store.MeasureErrorQuantile, Q: 0.9},
	query.ErrorP99: {Kind: store.MeasureErrorQuantile, Q: 0.99},
}

// regressionNeeds declares the measures each regression metric reads (the sums of
// metrics.Regression's definition of it): an error quantile costs a sort of the rows' errors,
// so a panel of MAE and bias must not pay for it.
var regressionNeeds = map[query.Metric][]store.Measure{
	query.MAE:       {pairedMeasure, sumAbsErrorMeasure},
	query.MSE:       {pairedMeasure, sumSqErrorMeasure},
	query.RMSE:      {pairedMeasure, sumSqErrorMeasure},
	query.MAPE:      {nonZeroActual, sumAbsPctError},
	query.R2:        {pairedMeasure, sumSqErrorMeasure, varPopActual},
	query.MeanError: {pairedMeasure, sumErrorMeasure},
	query.ErrorP50:  {errorQuantiles[query.ErrorP50]},
	query.ErrorP90:  {errorQuantiles[query.ErrorP90]},
	query.ErrorP99:  {errorQuantiles[query.ErrorP99]},
	// max_error and median_absolute_error read the rows (the rollups keep neither).
	query.ExplainedVariance:   {pairedMeasure, sumSqErrorMeasure, varSampError, varPopActual},
	query.MaxError:            {maxAbsError},
	query.MedianAbsoluteError: {medianAbsError},
	query.Pinball:             {pairedMeasure, sumErrorMeasure, sumAbsErrorMeasure},
	// The logarithmic errors read the rows too.
	query.MSLE:  {pairedMeasure, sumSqLogError, logInvalid},
	query.RMSLE: {pairedMeasure, sumSqLogError, logInvalid},
}

// regression answers the error metrics of a regression model over rows with both a predicted
// and an actual value (the error quantiles from the rollups' error sketch within its relative
// bound, stated in meta.custom.errorQuantileRelativeError).
func (e *Engine) regression(ctx context.Context, q query.Query) (data.Frames, error) {
	a, err := e.aggregate(ctx, q, measuresFor(q.Metrics, regressionNeeds))
	if err != nil {
		return nil, err
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		if measure, ok := readDirectly[m]; ok {
			return a.of(k, b, measure)
		}
		// Sums a metric does not read were not asked for and stay zero here.
		n := int64(orZero(a.of(k, b, pairedMeasure)))
		sums := metrics.RegressionSums{
			N:            n,
			SumErr:       orZero(a.of(k, b, sumErrorMeasure)),
			SumAbsErr:    orZero(a.of(k, b, sumAbsErrorMeasure)),
			SumSqErr:     orZero(a.of(k, b, sumSqErrorMeasure)),
			SumSqActual:  float64(n) * orZero(a.of(k, b, varPopActual)),
			MapeN:        int64(orZero(a.of(k, b, nonZeroActual))),
			SumAbsPctErr: orZero(a.of(k, b, sumAbsPctError)),
			SumSqErrDev:  float64(max(n-1, 0)) * orZero(a.of(k, b, varSampError)),
			SumSqLogErr:  orZero(a.of(k, b, sumSqLogError)),
			LogInvalid:   int64(orZero(a.of(k, b, logInvalid))),
		}
		sums.ZeroActual = sums.N - sums.MapeN
		return metrics.Regression[string(m)](sums, q.RegressionOptions())
	}
	out := shape(ctx, q, a.keys, a.buckets, value)
	annotateSource(out, a.plan, false)
	annotateSketchBound(out, a.plan, "errorQuantileRelativeError", slices.ContainsFunc(q.Metrics, func(m query.Metric) bool {
		_, ok := errorQuantiles[m]
		return ok
	}))
	return out, nil
}
