package query

import (
	"slices"
	"strings"

	"github.com/mlops/modelwatch/pkg/metrics"
)

// Estimation outputs: per estimated metric, its estimate from the scores alone, the band of
// metrics.SamplingBand sampling errors either side (clipped to [0, 1]), the sampling error, and
// the realized value over the rows whose labels have arrived.
const (
	Estimated     Metric = "estimated"
	EstimateLower Metric = "lower"
	EstimateUpper Metric = "upper"
	SamplingError Metric = "sampling_error"
	Realized      Metric = "realized"
)

// EstimationOutputs lists the estimation outputs in their documented order.
var EstimationOutputs = []Metric{Estimated, EstimateLower, EstimateUpper, SamplingError, Realized}

// EstimationDefaults are what an estimation query without metrics answers.
var EstimationDefaults = []Metric{Estimated, EstimateLower, EstimateUpper, Realized}

// Estimable lists the metrics an estimation query estimates, in their documented order; an
// empty estimate list means all of them.
var Estimable = func() []Metric {
	out := make([]Metric, len(metrics.EstimableMetrics))
	for i, m := range metrics.EstimableMetrics {
		out[i] = Metric(m)
	}
	return out
}()

// EstimatedLabel is the label naming the estimated metric of an estimation series or row.
const EstimatedLabel = "metric"

// Calibrations of the scores before estimation: isotonic regression fitted on the reference
// window (the default, NannyML's), or none (the scores are probabilities already).
const (
	CalibrationIsotonic = "isotonic"
	CalibrationNone     = "none"
)

// Calibrations lists the accepted calibrations.
var Calibrations = []string{CalibrationIsotonic, CalibrationNone}

// validateEstimation reads the estimated metrics and the calibration; the reference window is
// read as the per-feature families read theirs.
func validateEstimation(q *Query, raw Raw) error {
	if q.PositiveClass == "" {
		return invalid("positiveClass is required for estimation: name the class whose probability score is")
	}
	if strings.TrimSpace(raw.Average) != "" {
		return invalid("average is not available for estimation: it estimates a binary classifier's metrics for positiveClass")
	}
	if q.GroupBy == EstimatedLabel {
		return invalid("groupBy %q is the label estimation gives each estimated metric: group by another column, or filter on this one", EstimatedLabel)
	}
	q.Estimate = unique(raw.Estimate, trimmed)
	if len(q.Estimate) == 0 {
		q.Estimate = slices.Clone(Estimable)
	}
	for _, m := range q.Estimate {
		if !slices.Contains(Estimable, m) {
			return invalid("estimate %q is not estimated from scores: use any of %s", clip(m), join(Estimable))
		}
	}
	q.Calibration = strings.TrimSpace(raw.Calibration)
	if q.Calibration == "" {
		q.Calibration = CalibrationIsotonic
	}
	if !slices.Contains(Calibrations, q.Calibration) {
		return invalid("unknown calibration %q: use %s", clip(raw.Calibration), strings.Join(Calibrations, " or "))
	}
	return nil
}

// checkNotEstimation refuses the estimation fields on another family.
func checkNotEstimation(t Type, raw Raw) error {
	if t == TypeEstimation {
		return nil
	}
	if len(raw.Estimate) > 0 {
		return invalid("estimate applies to estimation queries, not to %s: remove it", t)
	}
	if strings.TrimSpace(raw.Calibration) != "" {
		return invalid("calibration applies to estimation queries, not to %s: remove it", t)
	}
	return nil
}
