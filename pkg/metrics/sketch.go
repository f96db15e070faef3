package metrics

import (
	"math"
	"slices"
)

// SketchAlpha is the relative accuracy of the latency sketch: every value is kept as the bucket
// of its logarithm base SketchGamma, and a bucket stands for its values within SketchAlpha of
// each (DDSketch's log-spaced buckets).
const SketchAlpha = 0.01

// SketchGamma is the ratio of a bucket's upper to its lower bound, (1+a)/(1-a).
const SketchGamma = (1 + SketchAlpha) / (1 - SketchAlpha)

// SketchInfinity is the key of an infinite value (its own bucket, estimated as ±Inf).
const SketchInfinity = math.MaxInt32

// SketchBucket counts the values of one sign (-1, 0 or 1) whose magnitude x has
// ceil(log_gamma(x)) = Key: the bucket (gamma^(Key-1), gamma^Key]. Zero has Sign 0 and Key 0.
type SketchBucket struct {
	Sign  int
	Key   int
	Count int64
}

// SketchKey is the bucket key of a magnitude x > 0 (what the rollup's SQL computes).
func SketchKey(x float64) int {
	if math.IsInf(x, 0) {
		return SketchInfinity
	}
	return int(math.Ceil(math.Log(x) / math.Log(SketchGamma)))
}

// sketchValue is the estimate of every value in a bucket: 2 gamma^key / (gamma + 1), within
// SketchAlpha of any magnitude in (gamma^(key-1), gamma^key].
func sketchValue(b SketchBucket) float64 {
	if b.Sign == 0 {
		return 0
	}
	v := math.Inf(1)
	if b.Key != SketchInfinity {
		v = 2 * math.Pow(SketchGamma, float64(b.Key)) / (SketchGamma + 1)
	}
	return float64(b.Sign) * v
}

// SketchQuantile estimates the q-quantile of the sketched values the way the exact path
// computes it (linear interpolation between the order statistics at rank q(n-1), as numpy and
// DuckDB's quantile_cont): both neighbouring order statistics are estimated from their buckets
// and interpolated with the same weight. For values of one sign, each estimate is within
// SketchAlpha of its order statistic, so the result is within SketchAlpha of the exact
// quantile. Estimates are clamped to the exact [lo, hi] (which only brings them closer). The
// buckets may come in any order and repeat keys (merged sketches); nil when there are none.
func SketchQuantile(buckets []SketchBucket, q, lo, hi float64) *float64 {
	merged := map[[2]int]int64{}
	var n int64
	for _, b := range buckets {
		if b.Count > 0 {
			merged[[2]int{b.Sign, b.Key}] += b.Count
			n += b.Count
		}
	}
	if n == 0 {
		return nil
	}
	sorted := make([]SketchBucket, 0, len(merged))
	for k, c := range merged {
		sorted = append(sorted, SketchBucket{Sign: k[0], Key: k[1], Count: c})
	}
	// Ascending value: negatives by descending key, then zero, then positives by ascending key.
	slices.SortFunc(sorted, func(a, b SketchBucket) int {
		if a.Sign != b.Sign {
			return a.Sign - b.Sign
		}
		if a.Sign < 0 {
			return b.Key - a.Key
		}
		return a.Key - b.Key
	})
	at := func(rank int64) float64 {
		var seen int64
		for _, b := range sorted {
			seen += b.Count
			if rank < seen {
				return min(max(sketchValue(b), lo), hi)
			}
		}
		return hi
	}
	h := q * float64(n-1)
	k := int64(math.Floor(h))
	f := h - float64(k)
	v := at(k)
	if f > 0 {
		if w := at(k + 1); w != v { // equal infinities would make NaN
			v += f * (w - v)
		}
	}
	return &v
}
