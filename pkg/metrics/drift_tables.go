package metrics

import "math"

// Tests on the 2 x k table of reference and current counts per bucket (buckets empty in both
// windows already dropped).

// gTestHomogeneity is the G-test (log-likelihood ratio) of homogeneity on the 2 x k table, as
// scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood"): G = 2 sum
// observed ln(observed / expected), expected counts from the margins, dof = k-1; a single
// bucket gives 0 and p-value 1.
func gTestHomogeneity(ref, cur []float64) (stat float64, dof int, p float64) {
	return homogeneityTest(ref, cur, func(observed, expected float64) float64 {
		return 2 * relEntr(observed, expected)
	})
}

// fisherExact is Fisher's exact test on the 2 x 2 table [[ref_a, ref_b], [cur_a, cur_b]] (a the
// smaller category), as scipy.stats.fisher_exact (two-sided): the p-value sums the
// hypergeometric probabilities of the tables with the same margins that are at most as likely
// as the observed one (within scipy's relative 1e-14); the statistic is the odds ratio (ref_a
// cur_b) / (ref_b cur_a), nil when infinite or undefined. A table with an empty row or column
// (one category in all, or a window without rows) gives p-value 1, as scipy's.
//
// The probabilities are walked outward from the mode by the ratio of consecutive terms, so the
// sum costs the width of the distribution's bulk, not the rows.
func fisherExact(ref, cur []float64) (*float64, float64) {
	if len(ref) < 2 {
		return nil, 1
	}
	a, b, c, d := ref[0], ref[1], cur[0], cur[1]
	var odds *float64
	if c > 0 && b > 0 {
		odds = num(a * d / (c * b))
	}
	n1, n2, n := a+b, c+d, a+c // row sums and the first column's sum
	if n1 == 0 || n2 == 0 || n == 0 || b+d == 0 {
		return odds, 1
	}
	lo, hi := math.Max(0, n-n2), math.Min(n, n1)
	mode := math.Floor((n + 1) * (n1 + 1) / (n1 + n2 + 2))
	// ratio(x) = P(x+1) / P(x) for the hypergeometric of x successes in the first row.
	ratio := func(x float64) float64 { return (n1 - x) * (n - x) / ((x + 1) * (n2 - n + x + 1)) }
	// Relative probabilities, mode = 1; the observed table's, then the sums.
	// Far from the mode the observed table's probability relative to the mode's falls below
	// 1e-300: the p-value is then 0 at float precision, and the walk stops there (before the
	// subnormal numbers, which a ratio near 1 no longer lowers).
	const negligible = 1e-300
	observed := 1.0
	for x := mode; x < a && observed >= negligible; x++ {
		observed *= ratio(x)
	}
	for x := mode; x > a && observed >= negligible; x-- {
		observed /= ratio(x - 1)
	}
	if observed < negligible {
		return odds, 0
	}
	if math.Abs(observed-1) <= 1e-14 {
		return odds, 1
	}
	limit := observed * (1 + 1e-14)
	total, tail := 1.0, 0.0
	if 1 <= limit {
		tail = 1
	}
	for _, dir := range []float64{1, -1} {
		w := 1.0
		for x := mode; ; {
			if dir > 0 {
				if x >= hi {
					break
				}
				w *= ratio(x)
				x++
			} else {
				if x <= lo {
					break
				}
				w /= ratio(x - 1)
				x--
			}
			total += w
			if w <= limit {
				tail += w
			}
			if w < negligible || (w < observed*1e-20 && w < 1e-20) {
				break
			}
		}
	}
	return odds, math.Min(tail/total, 1)
}
