package metrics

import "math"

// ReconstructionErrors are a window's rows and the sum and sum of squares of their
// reconstruction errors (store.ResidualRow).
type ReconstructionErrors struct {
	Rows            int64
	Sum, SumSquares float64
}

// Mean is the window's reconstruction error, the mean over its rows; nil without rows or with
// a non-finite error (a NaN or infinite value in a row).
func (r ReconstructionErrors) Mean() *float64 {
	if r.Rows <= 0 {
		return nil
	}
	return finite(r.Sum / float64(r.Rows))
}

// SamplingError is the standard error of the mean, NannyML's: the errors' sample standard
// deviation (ddof 1) over the square root of the rows; nil below two rows.
func (r ReconstructionErrors) SamplingError() *float64 {
	if r.Rows < 2 {
		return nil
	}
	n := float64(r.Rows)
	v := max((r.SumSquares-r.Sum*r.Sum/n)/(n-1), 0)
	return finite(math.Sqrt(v) / math.Sqrt(n))
}

// Band is the mean less and plus SamplingBand sampling errors, the lower bound held at 0 (an
// error is never negative).
func (r ReconstructionErrors) Band() (lower, upper *float64) {
	m, se := r.Mean(), r.SamplingError()
	if m == nil || se == nil {
		return nil, nil
	}
	lo, hi := max(*m-SamplingBand**se, 0), *m+SamplingBand**se
	return &lo, &hi
}

// ThresholdStds is the number of standard deviations of the reference buckets' errors either
// side of their mean that a bucket's error may lie (NannyML's StandardDeviationThreshold).
const ThresholdStds = 3

// ErrorThresholds are the bounds of a normal reconstruction error drawn from the reference
// window's buckets: their mean less and plus ThresholdStds population standard deviations. A
// lower bound at or below 0 is none (nil), as NannyML leaves it out; both are nil without a
// reference bucket.
func ErrorThresholds(reference []float64) (lower, upper *float64) {
	if len(reference) == 0 {
		return nil, nil
	}
	var sum float64
	for _, v := range reference {
		sum += v
	}
	n := float64(len(reference))
	mean := sum / n
	var ss float64
	for _, v := range reference {
		ss += (v - mean) * (v - mean)
	}
	std := math.Sqrt(ss / n)
	lo, hi := mean-ThresholdStds*std, mean+ThresholdStds*std
	if lo > 0 {
		lower = &lo
	}
	return lower, &hi
}

// Outside reports 1 when v lies outside the open interval (lower, upper) (a nil bound is no
// bound), else 0; nil without v or without any bound.
func Outside(v, lower, upper *float64) *float64 {
	if v == nil || (lower == nil && upper == nil) {
		return nil
	}
	out := 0.0
	if (lower != nil && *v <= *lower) || (upper != nil && *v >= *upper) {
		out = 1
	}
	return &out
}
