package engine

import (
	"context"
	"math"
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
	needs := regressionNeeds
	var c centers
	if q.Weight != "" {
		var err error
		if c, err = e.weightedCenters(ctx, q); err != nil {
			return nil, err
		}
		needs = weightedRegressionNeeds(c)
	}
	a, err := e.aggregate(ctx, q, measuresFor(q.Metrics, needs))
	if err != nil {
		return nil, err
	}
	value := func(k seriesKey, m query.Metric, b int) *float64 {
		if measure, ok := readDirectly[m]; ok {
			return a.of(k, b, measure)
		}
		if q.Weight != "" {
			return metrics.Regression[string(m)](weightedSums(a, k, b, c), q.RegressionOptions())
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

// centers are the shifts of a weighted query's spreads: the weighted means of the actual
// values and of the errors over the query's whole range and series.
type centers struct{ actual, err float64 }

// The weighted measures. Every sum but the row counts is of weight times the row's term.
var (
	pairedWeight  = store.Measure{Kind: store.MeasurePairedWeight}
	nonZeroWeight = store.Measure{Kind: store.MeasureNonZeroWeight}
)

// weightedRegressionNeeds declares the measures of the weighted regression metrics: the same
// weighted sums, the weights they divide by, and for R2 and explained variance the spreads of
// the actuals and errors about the query's centers.
func weightedRegressionNeeds(c centers) map[query.Metric][]store.Measure {
	actual := []store.Measure{{Kind: store.MeasureShiftedActual, Lo: c.actual}, {Kind: store.MeasureShiftedSqActual, Lo: c.actual}}
	errs := []store.Measure{{Kind: store.MeasureShiftedError, Lo: c.err}, {Kind: store.MeasureShiftedSqError, Lo: c.err}}
	base := []store.Measure{pairedMeasure, pairedWeight}
	with := func(ms ...store.Measure) []store.Measure { return append(slices.Clone(base), ms...) }
	return map[query.Metric][]store.Measure{
		query.MAE:               with(sumAbsErrorMeasure),
		query.MSE:               with(sumSqErrorMeasure),
		query.RMSE:              with(sumSqErrorMeasure),
		query.MAPE:              {pairedMeasure, nonZeroActual, nonZeroWeight, sumAbsPctError},
		query.R2:                with(append([]store.Measure{sumSqErrorMeasure}, actual...)...),
		query.MeanError:         with(sumErrorMeasure),
		query.ExplainedVariance: with(append(append([]store.Measure{sumSqErrorMeasure}, actual...), errs...)...),
		query.Pinball:           with(sumErrorMeasure, sumAbsErrorMeasure),
		query.MSLE:              with(sumSqLogError, logInvalid),
		query.RMSLE:             with(sumSqLogError, logInvalid),
	}
}

// weightedCenters reads the weighted means of the actual values and of the errors over the
// query's whole range (one aggregate, only when R2 or explained variance needs a spread): a
// shift inside the data keeps the weighted spreads' precision, as the unweighted path's
// variances do.
func (e *Engine) weightedCenters(ctx context.Context, q query.Query) (centers, error) {
	if !slices.Contains(q.Metrics, query.R2) && !slices.Contains(q.Metrics, query.ExplainedVariance) {
		return centers{}, nil
	}
	whole := q
	whole.Format, whole.GroupBy, whole.Change = query.FormatNumeric, "", nil
	sumActual := store.Measure{Kind: store.MeasureShiftedActual}
	a, err := e.aggregate(ctx, whole, []store.Measure{pairedWeight, sumActual, sumErrorMeasure})
	if err != nil {
		return centers{}, err
	}
	var w, sa, se float64
	for _, k := range a.keys {
		w += orZero(a.of(k, 0, pairedWeight))
		sa += orZero(a.of(k, 0, sumActual))
		se += orZero(a.of(k, 0, sumErrorMeasure))
	}
	if !(w > 0) || math.IsInf(sa/w, 0) || math.IsInf(se/w, 0) || math.IsNaN(sa/w) || math.IsNaN(se/w) {
		return centers{}, nil // no weight (nothing to center) or sums beyond a float: about 0
	}
	return centers{actual: sa / w, err: se / w}, nil
}

// weightedSums reads a series' weighted sums in a bucket.
func weightedSums(a *aggregated, k seriesKey, b int, c centers) metrics.RegressionSums {
	of := func(m store.Measure) float64 { return orZero(a.of(k, b, m)) }
	n := int64(of(pairedMeasure))
	s := metrics.RegressionSums{
		N: n, Weighted: true, W: of(pairedWeight),
		SumErr: of(sumErrorMeasure), SumAbsErr: of(sumAbsErrorMeasure), SumSqErr: of(sumSqErrorMeasure),
		SumActual:   of(store.Measure{Kind: store.MeasureShiftedActual, Lo: c.actual}),
		SumSqActual: of(store.Measure{Kind: store.MeasureShiftedSqActual, Lo: c.actual}),
		MapeN:       int64(of(nonZeroActual)), MapeW: of(nonZeroWeight), SumAbsPctErr: of(sumAbsPctError),
		SumSqLogErr: of(sumSqLogError), LogInvalid: int64(of(logInvalid)),
	}
	s.ZeroActual = s.N - s.MapeN
	if s.W > 0 {
		d := of(store.Measure{Kind: store.MeasureShiftedError, Lo: c.err})
		s.SumSqErrDev = max(of(store.Measure{Kind: store.MeasureShiftedSqError, Lo: c.err})-d*d/s.W, 0)
	}
	return s
}
