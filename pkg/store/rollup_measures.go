package store

import (
	"context"
	"time"
)

// MeasureRollupStore is implemented by stores whose rollups also keep the summable measures
// (counts and sums of errors) per hour, model and version, from which the regression, coverage
// and mean-error comparison measures follow exactly (up to floating-point summation order).
type MeasureRollupStore interface {
	RollupStore
	// RollupMeasuresUsable reports whether the measures rollup can answer: the rollups are
	// usable (Rollups) and were built with it; reason says why not.
	RollupMeasuresUsable(ctx context.Context) (usable bool, reason string, err error)
	// RollupMeasureSums returns the statistics of every rolled-up hour of the request, one
	// element per hour and version, with Bucket the bucket (of req.Bucket) holding the hour.
	// measures are checked against the schema as the raw Aggregates checks them, so that a
	// query the raw rows refuse (a regression metric on a table without predicted_value) is
	// refused the same way.
	RollupMeasureSums(ctx context.Context, req RollupRequest, measures []Measure) ([]MeasureSums, error)
	// RawMeasureSums computes the same statistics from raw rows over a scope (without filters
	// or groupBy), per bucket and version: the partial hours at a range's ends.
	RawMeasureSums(ctx context.Context, sc Scope, bucket time.Duration) ([]MeasureSums, error)
}

// MeasureSums is the summable statistics of some rows of one version: counts, sums over the
// paired rows (predicted_value and actual_value both present; error is predicted − actual), and
// the sums of squared deviations from the mean (M2) of the actual value, the error, its absolute
// value and its square over the same rows, which merge exactly (Chan et al.) where a sum of
// squares would lose the spread of large values. The M2 leave out the paired rows out of scale
// (OutOfScale: an actual or error that is NaN, infinite or beyond MeasureScale), on which the
// engine's variance fails: with any of them a variance is NaN.
type MeasureSums struct {
	Bucket  time.Time
	Version string
	Group   string // the groupBy column's value ("" without one)

	Rows, Labeled, Paired int64
	NonZeroActual         int64 // paired rows with actual != 0 (MAPE's rows)
	OutOfScale            int64 // paired rows left out of the M2

	SumError, SumAbsError, SumSqError, SumActual float64
	SumAbsPctError                               float64 // sum |error / actual| over NonZeroActual rows

	M2Actual, M2Error, M2AbsError, M2SqError float64
}

// MeasureScale bounds the actual values and errors whose spread the M2 keep: their squares and
// the squares of their deviations stay finite for any number of rows.
const MeasureScale = 1e50

// SummableMeasures are the measures MeasureSums answers: every other measure (quantiles, label
// delay, feature and probability measures) reads raw rows.
var SummableMeasures = map[MeasureKind]bool{
	MeasureRows: true, MeasureLabeled: true, MeasurePaired: true, MeasureNonZeroActual: true,
	MeasureSumError: true, MeasureSumAbsError: true, MeasureSumSqError: true, MeasureSumAbsPctError: true,
	MeasureVarPopActual: true, MeasureVarSampError: true, MeasureVarSampAbsError: true, MeasureVarSampSqError: true,
}
