package metrics

import (
	"math"
	"slices"
)

// MaxBins bounds the reference bins of a numeric feature, given or picked by a rule.
const MaxBins = 1000

// numpy's automatic bin rules (numpy.histogram_bin_edges with bins="<rule>"): the first four
// depend only on the reference's row count, range and population standard deviation, which the
// store returns with the range; doane also reads the reference's skewness, fd its interquartile
// range, and auto is the narrower of sturges and fd (fd held to at most twice the square-root
// rule's bins), as numpy 2 defines it.
const (
	BinRuleSturges = "sturges"
	BinRuleSqrt    = "sqrt"
	BinRuleRice    = "rice"
	BinRuleScott   = "scott"
	BinRuleDoane   = "doane"
	BinRuleFD      = "fd"
	BinRuleAuto    = "auto"
)

// BinRules lists the rules a drift query may name for bins.
var BinRules = []string{BinRuleSturges, BinRuleSqrt, BinRuleRice, BinRuleScott, BinRuleDoane, BinRuleFD, BinRuleAuto}

// BinRuleReadsShape reports whether a rule reads the reference's skewness or quartiles (from
// its value counts), beyond its row count, range and standard deviation.
func BinRuleReadsShape(rule string) bool {
	return rule == BinRuleDoane || rule == BinRuleFD || rule == BinRuleAuto
}

// BinStats is what numpy's rules read of a feature's reference values.
type BinStats struct {
	N, PTP, Std float64 // rows, max - min, population standard deviation
	// Skewness (population, numpy's g1) and IQR (75th minus 25th percentile, numpy's linear
	// interpolation), for the rules that read the shape.
	Skewness, IQR float64
	Integer       bool // integer data: numpy raises a width below 1 to 1
}

// BinsByRule is the number of equal-width bins numpy's rule gives the reference values: the
// rule's bin width, raised to 1 for integer data as numpy raises it, then ceil(ptp / width)
// bins, at least 1 and at most MaxBins (numpy has no upper bound; the square-root rule gives
// 31,623 bins for a billion rows). A width of 0 (doane on 2 rows, fd on a reference whose
// middle half is one value) is one bin, as numpy draws it. capped says the bound cut it.
func BinsByRule(rule string, s BinStats) (bins int, capped bool) {
	n, ptp := s.N, s.PTP
	if !(n > 0) || !(ptp > 0) {
		return 1, false
	}
	sturges := ptp / (math.Log2(n) + 1)
	fd := 2 * s.IQR * math.Pow(n, -1.0/3)
	var width float64
	switch rule {
	case BinRuleSturges:
		width = sturges
	case BinRuleSqrt:
		width = ptp / math.Sqrt(n)
	case BinRuleRice:
		width = ptp / (2 * math.Pow(n, 1.0/3))
	case BinRuleScott:
		width = math.Pow(24*math.Pow(math.Pi, 0.5)/n, 1.0/3) * s.Std
	case BinRuleDoane:
		if n > 2 {
			sg1 := math.Sqrt(6 * (n - 2) / ((n + 1) * (n + 3)))
			width = ptp / (1 + math.Log2(n) + math.Log2(1+math.Abs(s.Skewness)/sg1))
		}
	case BinRuleFD:
		width = fd
	case BinRuleAuto:
		// numpy 2's auto: the narrower of sturges and fd, fd widened to at least half the
		// square-root rule's width (no more than twice its bins).
		width = min(max(fd, ptp/math.Sqrt(n)/2), sturges)
	}
	if s.Integer && width > 0 && width < 1 {
		width = 1
	}
	if !(width > 0) {
		return 1, false
	}
	b := math.Ceil(ptp / width)
	if b > MaxBins {
		return MaxBins, true
	}
	return int(b), false
}

// ShapeOfCounts is the skewness (population, as numpy's doane computes it: the mean of the
// cubed standardised values) and the interquartile range (numpy's percentile with linear
// interpolation) of values given as counts per value, in any order. Both are 0 without values
// or without spread.
func ShapeOfCounts(values []float64, counts []int64) (skewness, iqr float64) {
	type vc struct {
		v float64
		n int64
	}
	pairs := make([]vc, 0, len(values))
	var n int64
	var sum float64
	for i, v := range values {
		if counts[i] > 0 && !math.IsNaN(v) {
			pairs = append(pairs, vc{v, counts[i]})
			n += counts[i]
			sum += v * float64(counts[i])
		}
	}
	if n == 0 {
		return 0, 0
	}
	slices.SortFunc(pairs, func(a, b vc) int { return cmpFloat(a.v, b.v) })
	mean := sum / float64(n)
	var m2, m3 float64
	for _, p := range pairs {
		d := p.v - mean
		m2 += float64(p.n) * d * d
		m3 += float64(p.n) * d * d * d
	}
	m2 /= float64(n)
	m3 /= float64(n)
	if m2 > 0 {
		skewness = m3 / math.Pow(m2, 1.5)
	}
	// The value of 0-based rank r in the sorted rows.
	at := func(r int64) float64 {
		var seen int64
		for _, p := range pairs {
			seen += p.n
			if r < seen {
				return p.v
			}
		}
		return pairs[len(pairs)-1].v
	}
	percentile := func(q float64) float64 {
		h := q * float64(n-1)
		lo := int64(math.Floor(h))
		a := at(lo)
		if lo+1 >= n {
			return a
		}
		return a + (h-float64(lo))*(at(lo+1)-a)
	}
	return skewness, percentile(0.75) - percentile(0.25)
}
