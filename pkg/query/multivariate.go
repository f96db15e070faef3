package query

import (
	"math"
	"strings"
)

// TypeMultivariate is multivariate drift: how well the reference window's principal components
// reconstruct each row of several features at once (NannyML's data reconstruction drift).
const TypeMultivariate Type = "multivariate"

// Multivariate drift outputs: per bucket, the mean reconstruction error of its rows, its
// sampling error and band (SamplingError, EstimateLower, EstimateUpper, as estimation's), the
// thresholds drawn from the reference window's buckets, and drifted (1 outside them, else 0).
const (
	ReconstructionError Metric = "reconstruction_error"
	ThresholdLower      Metric = "threshold_lower"
	ThresholdUpper      Metric = "threshold_upper"
)

// MultivariateOutputs lists the multivariate drift outputs in their documented order.
var MultivariateOutputs = []Metric{ReconstructionError, SamplingError, EstimateLower, EstimateUpper, ThresholdLower, ThresholdUpper, Drifted}

// MultivariateDefaults are what a multivariate query without metrics answers: the error, its
// band and the thresholds, what the panel draws.
var MultivariateDefaults = []Metric{ReconstructionError, EstimateLower, EstimateUpper, ThresholdLower, ThresholdUpper}

// DefaultComponents keeps the principal components that explain 65% of the reference's
// variance, as NannyML does.
const DefaultComponents = 0.65

// MaxMultivariateFeatures bounds the features of one multivariate query: the reference's
// covariance has features x (features + 1) / 2 sums, and each row's error features x
// components products in the store.
const MaxMultivariateFeatures = 64

// validateMultivariate reads components: a share of the reference's variance in (0, 1) the
// kept components explain, or a whole number of components; features are read as drift's.
func validateMultivariate(q *Query, raw Raw) error {
	if len(raw.Features) > MaxMultivariateFeatures {
		return invalid("multivariate drift reads at most %d features at once, got %d: list fewer in features", MaxMultivariateFeatures, len(raw.Features))
	}
	if strings.TrimSpace(raw.Method) != "" || raw.DriftThreshold != nil || !raw.Bins.IsZero() {
		return invalid("method, bins and driftThreshold apply to drift per feature: multivariate drift's thresholds come from the reference window's buckets; remove them")
	}
	q.Components = DefaultComponents
	if raw.Components == nil {
		return nil
	}
	c := *raw.Components
	switch {
	case c > 0 && c < 1:
	case c >= 1 && c <= MaxMultivariateFeatures && c == math.Trunc(c):
	default:
		return invalid("components is %v: use a share of the reference's variance between 0 and 1 (0.65 keeps the components that explain 65%%), or a whole number of components from 1 to %d", c, MaxMultivariateFeatures)
	}
	q.Components = c
	return nil
}

// checkNotMultivariate refuses components on another family.
func checkNotMultivariate(t Type, raw Raw) error {
	if t != TypeMultivariate && raw.Components != nil {
		return invalid("components applies to multivariate drift, not to %s: remove it", t)
	}
	return nil
}
