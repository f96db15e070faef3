package metrics

import (
	"math"
	"math/rand/v2"
)

// PermutationIterations is the number of random splits of Evidently's TVD permutation test.
const PermutationIterations = 1000

// PermutationSlack is how far two permutation p-values of a method's splits each (independent
// draws, e.g. Evidently's and this one) may lie apart: 5 standard errors of their difference at
// p, plus one split. Tests compare with it, and the query reference quotes it. Zero for a
// method without splits.
func PermutationSlack(method string, p float64) float64 {
	splits := map[string]float64{MethodTVD: PermutationIterations, MethodMMD: MMDPermutations}[method]
	if splits == 0 {
		return 0
	}
	return 5*math.Sqrt(2*p*(1-p)/splits) + 1/splits
}

// permutationSeed seeds the splits, so that a query answers the same p-value every time (as
// Evidently seeds numpy's generator with 0; the draws differ, the distribution does not).
const permutationSeed = 0

// tvdPermutation is Evidently's TVD p-value: the share of PermutationIterations random splits
// of the pooled rows into windows of the observed sizes whose total variation distance is at
// least the observed one (Evidently's permutation_test). It runs on the buckets' counts, not
// the rows: a split draws the reference's rows of each bucket without replacement, bucket after
// bucket (a multivariate hypergeometric draw, exact), so that its cost is iterations x buckets x
// the draws' spread, whatever the rows.
func tvdPermutation(ref, cur []float64, observed float64) float64 {
	n := len(ref)
	var refN, curN int64
	pooled := make([]int64, n)
	for i := range ref {
		pooled[i] = int64(ref[i] + cur[i])
		refN += int64(ref[i])
		curN += int64(cur[i])
	}
	rng := rand.New(rand.NewPCG(permutationSeed, permutationSeed)) //nolint:gosec // G404: a seeded statistical sample, reproducible on purpose; nothing secret
	// Splits as far as the observed distance count as far: the same sums in another order may
	// differ in the last bits.
	limit := observed - 1e-12*math.Max(1, observed)
	split := make([]int64, n)
	hits := 0
	for range PermutationIterations {
		drawSplit(rng, pooled, refN+curN, refN, split)
		var d float64
		for i, k := range pooled {
			d += math.Abs(float64(split[i])/float64(refN) - float64(k-split[i])/float64(curN))
		}
		if d/2 >= limit {
			hits++
		}
	}
	return float64(hits) / PermutationIterations
}

// drawSplit draws a random split of pooled rows (counts per value or bucket, total rows in
// all) into draws rows and the rest: each value's share of the draws without replacement, value
// after value (a multivariate hypergeometric draw, exact), written to split.
func drawSplit(rng *rand.Rand, pooled []int64, total, draws int64, split []int64) {
	left := total
	for i, k := range pooled {
		x := draws
		if i < len(pooled)-1 {
			x = hypergeometric(rng, left, k, draws)
		}
		split[i] = x
		left -= k
		draws -= x
	}
}

// hypergeometric draws the successes among n draws without replacement from a population of
// total items of which k are successes, by inversion from the mode: a uniform number less the
// probabilities walked outward from the mode, alternately below and above, by the ratio of
// consecutive terms (as fisherExact walks them). Exact to float precision; the walk costs about
// the distribution's standard deviation, not the population.
func hypergeometric(rng *rand.Rand, total, k, n int64) int64 {
	lo, hi := max(0, n-(total-k)), min(n, k)
	if lo == hi {
		return lo
	}
	N, K, fn := float64(total), float64(k), float64(n)
	mode := int64(math.Floor((fn + 1) * (K + 1) / (N + 2)))
	mode = min(max(mode, lo), hi)
	m := float64(mode)
	p := math.Exp(logChoose(K, m) + logChoose(N-K, fn-m) - logChoose(N, fn))
	// ratio(x) = P(x+1) / P(x).
	ratio := func(x float64) float64 { return (K - x) * (fn - x) / ((x + 1) * (N - K - fn + x + 1)) }
	u := rng.Float64() - p
	if u <= 0 {
		return mode
	}
	below, above := mode, mode
	pBelow, pAbove := p, p
	for below > lo || above < hi {
		if below > lo {
			pBelow /= ratio(float64(below - 1))
			below--
			if u -= pBelow; u <= 0 {
				return below
			}
		}
		if above < hi {
			pAbove *= ratio(float64(above))
			above++
			if u -= pAbove; u <= 0 {
				return above
			}
		}
	}
	return mode // the probabilities summed to a hair under 1: the mode is as good as any
}

// logChoose is ln(n choose k).
func logChoose(n, k float64) float64 {
	a, _ := math.Lgamma(n + 1)
	b, _ := math.Lgamma(k + 1)
	c, _ := math.Lgamma(n - k + 1)
	return a - b - c
}
