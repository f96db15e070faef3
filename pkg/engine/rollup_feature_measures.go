package engine

import (
	"math"
	"slices"

	"github.com/mlops/modelwatch/pkg/store"
)

// nonNull is the series' rows with a value.
func (v *featureValues) nonNull() int64 {
	var n int64
	for _, k := range v.numbers {
		n += k
	}
	for _, k := range v.texts {
		n += k
	}
	for _, c := range v.cells {
		n += c.n
	}
	return n
}

// decides reports whether the series' values answer m: always without cells; with them,
// every measure but the exact distinct values (which cells do not keep; the estimate is a
// lower bound, see measure), and the values outside [Lo, Hi] when no cell holds values on
// both sides of Lo or Hi (or a NaN).
func (v *featureValues) decides(m store.Measure) bool {
	if len(v.cells) == 0 {
		return true
	}
	switch m.Kind {
	case store.MeasureDistinct:
		return false
	case store.MeasureOutside:
		for _, c := range v.cells {
			if _, ok := c.outside(m.Lo, m.Hi); !ok {
				return false
			}
		}
	}
	return true
}

// outside is the cell's rows outside [lo, hi]; ok is false when the cell has values on both
// sides of a bound (or NaN values), so that only its rows can tell.
func (c featureCell) outside(lo, hi float64) (n int64, ok bool) {
	switch {
	case c.Max < lo || c.Min > hi:
		return c.n, true
	case c.Min >= lo && c.Max <= hi:
		return 0, true
	}
	return 0, false
}

// measure computes one feature measure from the series' values (and cells) as the store's SQL
// does from its rows: counts as numbers, nil (SQL NULL) for a mean, minimum or maximum without
// values and a sample standard deviation of fewer than two. A measure the cells do not decide
// (decides) is nil.
func (v *featureValues) measure(m store.Measure) *float64 {
	if !v.decides(m) {
		return nil
	}
	n := v.nonNull()
	switch m.Kind {
	case store.MeasureNonNull:
		return number(float64(n))
	case store.MeasureNotIn:
		out := n
		for x, k := range v.texts {
			if slices.Contains(m.Values, x) {
				out -= k
			}
		}
		return number(float64(out))
	case store.MeasureDistinct, store.MeasureApproxDistinct:
		// The rollup counts values exactly: an exact count is the best estimate. An hour kept
		// per cell had more than the cap: the estimate is then that lower bound.
		if len(v.cells) > 0 {
			return number(float64(max(len(v.numbers), store.FeatureRollupCap+1)))
		}
		return number(float64(len(v.numbers)))
	case store.MeasureOutside:
		var out int64
		for x, k := range v.numbers {
			if x < m.Lo || x > m.Hi || math.IsNaN(x) { // NaN above every number, as the store orders it
				out += k
			}
		}
		for _, c := range v.cells {
			k, _ := c.outside(m.Lo, m.Hi)
			out += k
		}
		return number(float64(out))
	case store.MeasurePositive:
		return number(float64(v.positives(m)))
	}
	if n == 0 {
		return nil
	}
	if m.Kind == store.MeasureSum {
		return number(v.sum(m))
	}
	values := sortedKeys(v.numbers)
	lo, hi := math.NaN(), math.NaN()
	for i, c := range v.cells {
		if i == 0 {
			lo, hi = c.Min, c.Max
		}
		lo, hi = minNaN(lo, c.Min), maxNaN(hi, c.Max)
	}
	if len(values) > 0 {
		if len(v.cells) == 0 {
			lo, hi = values[0], values[len(values)-1]
		}
		lo, hi = minNaN(lo, values[0]), maxNaN(hi, values[len(values)-1])
	}
	switch m.Kind {
	case store.MeasureMin:
		return number(lo)
	case store.MeasureMax:
		return number(hi)
	}
	mean := v.mean(values, n)
	switch m.Kind {
	case store.MeasureMean:
		return number(mean)
	case store.MeasureStd:
		if n < 2 {
			return nil
		}
		if math.Abs(lo) > store.MeasureScale || math.Abs(hi) > store.MeasureScale {
			return number(math.NaN()) // undefined, as the rows' statement says (sqlstore's spread)
		}
		// The squared deviations of the values, and of each cell: its own (M2) and its mean's
		// (Chan's update).
		var ss float64
		for _, x := range values {
			d := x - mean
			ss += d * d * float64(v.numbers[x])
		}
		for _, c := range v.cells {
			d := c.Sum/float64(c.n) - mean
			ss += c.M2 + d*d*float64(c.n)
		}
		return number(math.Sqrt(ss / float64(n-1)))
	}
	return nil
}

// positives is the series' positive outcomes, as the store's SQL counts them: the rows equal to
// a text column's positive value (positiveText), the non-zero numbers (NaN among them, as in
// SQL; a cell of zeros has sign 0).
func (v *featureValues) positives(m store.Measure) int64 {
	n := v.texts[positiveText(m)]
	for x, k := range v.numbers {
		if x != 0 {
			n += k
		}
	}
	for _, c := range v.cells {
		if c.Sign != 0 {
			n += c.n
		}
	}
	return n
}

// sum is the series' outcome sum: true as 1 for a boolean column, else the sum of its numbers.
func (v *featureValues) sum(m store.Measure) float64 {
	total := float64(v.texts[positiveText(m)])
	for x, k := range v.numbers {
		total += x * float64(k)
	}
	for _, c := range v.cells {
		total += c.Sum
	}
	return total
}

// positiveText is the text the feature rollup keeps for a positive outcome of a text or boolean
// column: the measure's value, or true as the store casts a boolean.
func positiveText(m store.Measure) string {
	if len(m.Values) == 1 {
		return m.Values[0]
	}
	return "true"
}

// mean is the series' mean over its n values: exactly its value when it has one value and no
// cells, as the engine's running mean keeps it.
func (v *featureValues) mean(values []float64, n int64) float64 {
	if len(values) == 1 && len(v.cells) == 0 {
		return values[0]
	}
	var sum float64
	for _, x := range values {
		sum += x * float64(v.numbers[x])
	}
	for _, c := range v.cells {
		sum += c.Sum
	}
	return sum / float64(n)
}

// minNaN and maxNaN are min and max in the store's order, where NaN is above every number
// (DuckDB's): the least value is a number when there is one, the greatest NaN when any is.
func minNaN(a, b float64) float64 {
	switch {
	case math.IsNaN(a):
		return b
	case math.IsNaN(b):
		return a
	}
	return math.Min(a, b)
}

func maxNaN(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return math.Max(a, b)
}

func sortedKeys(m map[float64]int64) []float64 {
	out := make([]float64, 0, len(m))
	for x := range m {
		out = append(out, x)
	}
	slices.Sort(out)
	return out
}
