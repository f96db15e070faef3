package store

import "time"

// MeasureKind names an aggregate the store computes per bucket, version and group. Each kind
// maps to generated SQL over known columns; users never supply expressions.
type MeasureKind string

// Measures. Error is predicted_value − actual_value over rows that have both.
const (
	MeasureRows            MeasureKind = "rows"             // count(*)
	MeasureErrors          MeasureKind = "errors"           // rows with a non-null error
	MeasureLabeled         MeasureKind = "labeled"          // rows with actual_label or actual_value
	MeasureLatencyQuantile MeasureKind = "latency_quantile" // quantile of latency_ms (linear interpolation)
	MeasureLatencyMean     MeasureKind = "latency_mean"     // mean of latency_ms over rows that have one
	MeasureLatencyMin      MeasureKind = "latency_min"
	MeasureLatencyMax      MeasureKind = "latency_max"
	MeasurePaired          MeasureKind = "paired" // rows with predicted_value and actual_value
	MeasureSumError        MeasureKind = "sum_error"
	MeasureSumAbsError     MeasureKind = "sum_abs_error"
	MeasureSumSqError      MeasureKind = "sum_sq_error"
	MeasureVarPopActual    MeasureKind = "var_pop_actual"    // population variance of actual_value over paired rows, computed stably
	MeasureNonZeroActual   MeasureKind = "nonzero_actual"    // paired rows with actual != 0 (MAPE's rows)
	MeasureSumAbsPctError  MeasureKind = "sum_abs_pct_error" // sum |error / actual| over those rows
	MeasureErrorQuantile   MeasureKind = "error_quantile"    // quantile of error (linear interpolation)
	MeasureMaxAbsError     MeasureKind = "max_abs_error"     // max |error|
	// MeasureSumSqLogError is sum((ln(1 + actual) - ln(1 + predicted))^2) over the paired rows
	// whose values are both above -1; MeasureLogInvalid counts the paired rows with one at or
	// below -1, where the logarithmic errors are undefined.
	MeasureSumSqLogError MeasureKind = "sum_sq_log_error"
	MeasureLogInvalid    MeasureKind = "log_invalid"
	// MeasureAbsErrorQuantile is a quantile of |error| (linear interpolation).
	MeasureAbsErrorQuantile MeasureKind = "abs_error_quantile"

	// With sample weights (Scope.Weight) the sums above (of errors, absolute, squared,
	// percentage and logarithmic errors) are of weight times the row's term, and these give the
	// weights themselves and the spreads about a shift (Lo): the paired rows' weight, that of
	// the rows with actual <> 0, and sum(w (x - Lo)) and sum(w (x - Lo)^2) of the actual and of
	// the error (weighted R2 and explained variance: the engine's variances are unweighted, and
	// about a shift near the data the sums keep their precision). Without weights, w is 1.
	MeasurePairedWeight    MeasureKind = "paired_weight"
	MeasureNonZeroWeight   MeasureKind = "nonzero_weight"
	MeasureShiftedActual   MeasureKind = "shifted_actual"
	MeasureShiftedSqActual MeasureKind = "shifted_sq_actual"
	MeasureShiftedError    MeasureKind = "shifted_error"
	MeasureShiftedSqError  MeasureKind = "shifted_sq_error"

	// Coverage of a classification model's rows, as the confusion counts report it, for a query
	// that reads no confusion counts (score metrics alone): rows without ground truth, and rows
	// with ground truth but without the prediction the confusion would use (the logged label,
	// or the score under a threshold).
	MeasureUnlabeled        MeasureKind = "unlabeled"         // rows with a null actual_label
	MeasureUnpredictedLabel MeasureKind = "unpredicted_label" // rows with an actual_label and a null predicted_label
	MeasureUnscored         MeasureKind = "unscored"          // rows with an actual_label and a null score

	// Probability measures over rows with a score and ground truth; Values[0] is the positive
	// class. Log loss clips each probability to [2^-52, 1 - 2^-52] as scikit-learn does. With
	// sample weights the count is of weight and the sums of weight times the row's term.
	MeasureScoredLabeled MeasureKind = "scored_labeled"
	MeasureLogLossSum    MeasureKind = "log_loss_sum"
	MeasureBrierSum      MeasureKind = "brier_sum"

	// Multiclass probability measures: Values are every class, each with its probability column
	// score_<class> (ClassScoreColumn), over rows with ground truth among the classes and every
	// class's probability. Log loss reads the actual class's probability, clipped as above;
	// Brier sums (p_c - y_c)^2 over the classes.
	MeasureClassScoredLabeled MeasureKind = "class_scored_labeled"
	MeasureClassLogLossSum    MeasureKind = "class_log_loss_sum"
	MeasureClassBrierSum      MeasureKind = "class_brier_sum"

	// Sample variances over paired rows, for comparing two versions' mean errors.
	MeasureVarSampError    MeasureKind = "var_samp_error"
	MeasureVarSampAbsError MeasureKind = "var_samp_abs_error"
	MeasureVarSampSqError  MeasureKind = "var_samp_sq_error"

	// Label delay in seconds (labeled_at − ts) over rows whose label arrived, from the labels
	// table.
	MeasureLabelDelayMean     MeasureKind = "label_delay_mean"
	MeasureLabelDelayQuantile MeasureKind = "label_delay_quantile"

	// Measures of one feature column (Measure.Column).
	MeasureNonNull MeasureKind = "non_null" // rows where the column is not null
	MeasureMean    MeasureKind = "mean"
	MeasureStd     MeasureKind = "std" // sample standard deviation (ddof 1, as pandas)
	MeasureMin     MeasureKind = "min"
	MeasureMax     MeasureKind = "max"
	MeasureOutside MeasureKind = "outside" // non-null values below Lo or above Hi
	MeasureNotIn   MeasureKind = "not_in"  // non-null values (as text) not among Values
	// MeasureDistinct is the exact number of distinct non-null values of a number column.
	MeasureDistinct MeasureKind = "distinct"
	// MeasureApproxDistinct estimates the distinct non-null values of a number column without
	// holding them all (a HyperLogLog sketch on DuckDB: a few per cent off, far less than a
	// factor of two); an engine without an estimate counts them exactly.
	MeasureApproxDistinct MeasureKind = "approx_distinct"
	// MeasureQuantile is a quantile (Q) of a number column's non-null values, interpolated
	// linearly between order statistics as numpy's default.
	MeasureQuantile MeasureKind = "quantile"

	// MeasureLastTS is the latest ts of the rows, in seconds since the epoch (nil: no rows).
	MeasureLastTS MeasureKind = "last_ts"
)

// Measure is one aggregate. Q is the quantile in [0, 1] for the quantile kinds; Column names the
// feature of the feature measures; Lo, Hi and Values are MeasureOutside's and MeasureNotIn's
// bounds and known values (bound as parameters).
type Measure struct {
	Kind   MeasureKind
	Q      float64
	Column string
	Lo, Hi float64
	Values []string
}

// AggregateRequest asks for measures over a scope, per bucket (zero Bucket: the whole range).
type AggregateRequest struct {
	Scope
	Bucket   time.Duration
	Measures []Measure
}

// AggregateRow holds the measures of one bucket, version and group, in request order; a nil
// value is SQL NULL (a quantile or sum over no rows).
type AggregateRow struct {
	Bucket  time.Time
	Version string
	Group   string
	Values  []*float64
}
