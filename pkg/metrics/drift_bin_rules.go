package metrics

import "math"

// MaxBins bounds the reference bins of a numeric feature, given or picked by a rule.
const MaxBins = 1000

// numpy's automatic bin rules (numpy.histogram_bin_edges with bins="<rule>") that depend only on
// the reference's row count, range and population standard deviation, which the store returns
// with the range.
const (
	BinRuleSturges = "sturges"
	BinRuleSqrt    = "sqrt"
	BinRuleRice    = "rice"
	BinRuleScott   = "scott"
)

// BinRules lists the rules a drift query may name for bins.
var BinRules = []string{BinRuleSturges, BinRuleSqrt, BinRuleRice, BinRuleScott}

// BinsByRule is the number of equal-width bins numpy's rule gives n values spanning ptp with
// population standard deviation std: the rule's bin width, raised to 1 for integer data as
// numpy raises it, then ceil(ptp / width) bins, at least 1 and at most MaxBins (numpy has no
// upper bound; the square-root rule gives 31,623 bins for a billion rows). capped says the bound
// cut it.
func BinsByRule(rule string, n, ptp, std float64, integer bool) (bins int, capped bool) {
	if !(n > 0) || !(ptp > 0) {
		return 1, false
	}
	var width float64
	switch rule {
	case BinRuleSturges:
		width = ptp / (math.Log2(n) + 1)
	case BinRuleSqrt:
		width = ptp / math.Sqrt(n)
	case BinRuleRice:
		width = ptp / (2 * math.Pow(n, 1.0/3))
	case BinRuleScott:
		width = math.Pow(24*math.Pow(math.Pi, 0.5)/n, 1.0/3) * std
	}
	if integer && width < 1 {
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
