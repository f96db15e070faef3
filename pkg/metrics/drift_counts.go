package metrics

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
)

// CompareCounts runs one of the binned methods (chisquare, z, jensenshannon, psi, kl,
// hellinger, tvd, fisher, gtest, linf) on paired reference and current counts over the same buckets (bins or
// categories, underflow/overflow and unseen buckets included).
//
// Buckets empty in both windows are dropped first: they carry no information, scipy's
// chi2_contingency would divide by their zero expected count, and Evidently's epsilon would
// turn them into noise.
func CompareCounts(method string, reference, current []int64, threshold float64) (DriftResult, error) {
	return compareCounts(method, reference, current, threshold, DefinitionsModelwatch)
}

// compareCounts is CompareCounts with the given definitions: Evidently's chi-square and G-test
// are goodness-of-fit tests against the reference shares, its Hellinger distance sqrt(1 - the
// sum of sqrt(p q)).
func compareCounts(method string, reference, current []int64, threshold float64, defs Definitions) (DriftResult, error) {
	if len(reference) != len(current) {
		return DriftResult{}, fmt.Errorf("reference has %d buckets, current %d", len(reference), len(current))
	}
	var ref, cur []float64
	var refN, curN int64
	for i := range reference {
		if reference[i] < 0 || current[i] < 0 {
			return DriftResult{}, fmt.Errorf("negative count in bucket %d", i)
		}
		refN += reference[i]
		curN += current[i]
		if reference[i]+current[i] > 0 {
			ref = append(ref, float64(reference[i]))
			cur = append(cur, float64(current[i]))
		}
	}
	r := DriftResult{Method: method, ScoreKind: ScoreKindOf(method), Threshold: threshold, ReferenceCount: refN, CurrentCount: curN}
	if r.ScoreKind == "" || ComparesValues(method) {
		return DriftResult{}, fmt.Errorf("%q is not a binned drift method", method)
	}
	if reason := emptyWindowReason(refN, curN); reason != "" {
		return undefinedResult(method, threshold, refN, curN, reason), nil
	}
	evidently := defs == DefinitionsEvidently
	switch method {
	case MethodChiSquare, MethodGTest:
		if !evidently {
			break
		}
		stat, dof, p := goodnessOfFit(method, ref, cur)
		r.Statistic, r.DOF, r.PValue = finite(stat), dof, num(p)
		return decideDrift(r, p), nil
	case MethodHellinger:
		if evidently {
			r.Statistic = num(evidentlyHellinger(normalizeShares(ref), normalizeShares(cur)))
			return decideDrift(r, *r.Statistic), nil
		}
	case MethodTVD:
		if evidently { // Evidently's TVD test: the distance, and its permutation p-value as the score (evidentlyVerdict)
			d := totalVariation(normalizeShares(ref), normalizeShares(cur))
			p := tvdPermutation(ref, cur, d)
			r.Statistic, r.PValue = num(d), num(p)
			return decideDrift(r, p), nil
		}
	}
	switch method {
	case MethodChiSquare:
		stat, dof, p := chiSquareHomogeneity(ref, cur)
		r.Statistic, r.DOF, r.PValue = num(stat), dof, num(p)
		return decideDrift(r, p), nil
	case MethodZ:
		z, p := twoProportionZ(reference, current)
		r.Statistic, r.PValue = num(z), num(p)
		return decideDrift(r, p), nil
	case MethodGTest:
		stat, dof, p := gTestHomogeneity(ref, cur)
		r.Statistic, r.DOF, r.PValue = num(stat), dof, num(p)
		return decideDrift(r, p), nil
	case MethodFisher:
		if len(ref) > 2 {
			r.Reason = fmt.Sprintf("Fisher's exact test compares two categories, the feature has %d", len(ref))
			return r, nil
		}
		odds, p := fisherExact(ref, cur)
		r.Statistic, r.PValue = odds, num(p)
		return decideDrift(r, p), nil
	}
	var d float64
	switch method {
	case MethodJensenShannon:
		d = jensenShannon(normalizeShares(ref), normalizeShares(cur))
	case MethodPSI:
		d = psiIndex(fillEmptyShares(normalizeShares(ref)), fillEmptyShares(normalizeShares(cur)))
	case MethodKL:
		// scipy.stats.entropy renormalizes its inputs, so after Evidently's zero fill the
		// shares are normalized again.
		d = klDivergence(normalizeShares(fillEmptyShares(normalizeShares(ref))), normalizeShares(fillEmptyShares(normalizeShares(cur))))
	case MethodHellinger:
		d = hellingerDistance(normalizeShares(ref), normalizeShares(cur))
	case MethodTVD:
		d = totalVariation(normalizeShares(ref), normalizeShares(cur))
	case MethodLInf:
		d = lInfinity(normalizeShares(ref), normalizeShares(cur))
	}
	r.Statistic = num(d)
	return decideDrift(r, d), nil
}

// chiSquareHomogeneity is Pearson's test of homogeneity on the 2 x k table (reference and
// current rows, bucket columns), as scipy.stats.chi2_contingency(correction=False): expected
// counts from the margins, dof = k-1.
//
// It differs from Evidently's chi-square, a goodness-of-fit of the current counts against
// the reference shares, which treats the reference as exact and so overstates drift when the
// reference window is small.
func chiSquareHomogeneity(ref, cur []float64) (stat float64, dof int, p float64) {
	return homogeneityTest(ref, cur, func(observed, expected float64) float64 {
		d := observed - expected
		return d * d / expected
	})
}

// homogeneityTest sums a divergence of each cell of the 2 x k table (reference and current
// rows, bucket columns) from its expected count under homogeneity (from the margins) and reads
// the sum as chi-square with k-1 degrees of freedom. With a single bucket there is nothing to
// test: statistic 0 and p-value 1, as scipy.
func homogeneityTest(ref, cur []float64, divergence func(observed, expected float64) float64) (stat float64, dof int, p float64) {
	k := len(ref)
	dof = k - 1
	if dof <= 0 {
		return 0, 0, 1
	}
	var refN, curN float64
	for i := range ref {
		refN += ref[i]
		curN += cur[i]
	}
	n := refN + curN
	for i := range ref {
		col := ref[i] + cur[i]
		stat += divergence(ref[i], refN*col/n) + divergence(cur[i], curN*col/n)
	}
	return stat, dof, chiSquareSF(stat, dof)
}

// chiSquareSF is the chi-square survival function, the regularized upper incomplete gamma
// Q(dof/2, x/2).
func chiSquareSF(x float64, dof int) float64 {
	if x <= 0 {
		return 1
	}
	return mathext.GammaIncRegComp(float64(dof)/2, x/2)
}

// twoProportionZ is the pooled two-proportion z-test as Evidently computes it: the smallest
// bucket (the first in the caller's order, which is sorted) is "0", every other bucket "1";
// z = (p_ref - p_cur) / sqrt(P(1-P)(1/n_ref + 1/n_cur)) with P the pooled share; two-sided
// p-value 2(1 - Phi(|z|)), computed as erfc(|z|/sqrt 2) to keep small p-values accurate.
// When both windows hold only the same single value there is no difference: z 0, p-value 1.
func twoProportionZ(reference, current []int64) (z, p float64) {
	first := -1
	for i := range reference {
		if reference[i]+current[i] > 0 {
			first = i
			break
		}
	}
	var refN, curN, refOnes, curOnes float64
	for i := range reference {
		refN += float64(reference[i])
		curN += float64(current[i])
		if i != first {
			refOnes += float64(reference[i])
			curOnes += float64(current[i])
		}
	}
	p1, p2 := refOnes/refN, curOnes/curN
	pooled := (refOnes + curOnes) / (refN + curN)
	den := math.Sqrt(pooled * (1 - pooled) * (1/refN + 1/curN))
	if den == 0 {
		// Only possible when every row of both windows is in one bucket.
		return 0, 1
	}
	z = (p1 - p2) / den
	return z, math.Erfc(math.Abs(z) / math.Sqrt2)
}

// normalizeShares divides by the sum (scipy's distance functions normalize their inputs).
func normalizeShares(v []float64) []float64 {
	var t float64
	for _, x := range v {
		t += x
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x / t
	}
	return out
}

// fillEmptyShares is Evidently's convention for empty buckets in PSI and KL (get_binned_data with
// feel_zeroes): a zero share becomes 0.0001, or the smallest non-zero share / 1e6 when that
// share is itself at most 0.0001, so that the logarithms stay finite. Each window is filled
// on its own.
func fillEmptyShares(shares []float64) []float64 {
	minNonZero := math.Inf(1)
	for _, s := range shares {
		if s > 0 && s < minNonZero {
			minNonZero = s
		}
	}
	eps := 0.0001
	if minNonZero <= 0.0001 {
		eps = minNonZero / 1e6
	}
	out := make([]float64, len(shares))
	for i, s := range shares {
		if s == 0 {
			s = eps
		}
		out[i] = s
	}
	return out
}

// jensenShannon is scipy.spatial.distance.jensenshannon with the natural logarithm: the
// distance, the square root of the mean of KL(p||m) and KL(q||m) with m = (p+q)/2. Empty
// buckets need no epsilon (0 log 0 = 0), as Evidently passes feel_zeroes=False.
func jensenShannon(p, q []float64) float64 {
	var js float64
	for i := range p {
		m := (p[i] + q[i]) / 2
		js += relEntr(p[i], m) + relEntr(q[i], m)
	}
	return math.Sqrt(math.Max(js, 0) / 2)
}

// relEntr is scipy.special.rel_entr: x log(x/y), 0 when x is 0.
func relEntr(x, y float64) float64 {
	if x == 0 {
		return 0
	}
	return x * math.Log(x/y)
}

// psiIndex is the population stability index sum (r - c) ln(r/c) over zero-filled shares (as
// Evidently's psi: no renormalization after the fill).
func psiIndex(ref, cur []float64) float64 {
	var s float64
	for i := range ref {
		s += (ref[i] - cur[i]) * math.Log(ref[i]/cur[i])
	}
	return s
}

// klDivergence is KL(reference || current) = sum r ln(r/c), the direction of Evidently's
// kl_div (scipy.stats.entropy(reference, current)).
func klDivergence(ref, cur []float64) float64 {
	var s float64
	for i := range ref {
		s += relEntr(ref[i], cur[i])
	}
	return s
}

// hellingerDistance is the Hellinger distance sqrt(sum (sqrt r - sqrt c)^2 / 2), in [0, 1]. It equals
// Evidently's sqrt(1 - sum sqrt(r c)) on normalized shares; this form has no cancellation
// when the distributions are close.
func hellingerDistance(ref, cur []float64) float64 {
	var s float64
	for i := range ref {
		d := math.Sqrt(ref[i]) - math.Sqrt(cur[i])
		s += d * d
	}
	return math.Min(math.Sqrt(s/2), 1)
}

// totalVariation is the total variation distance, half the L1 distance between the shares, in [0, 1].
// Evidently's "TVD" test reports a permutation p-value instead (tvdPermutation, with
// definitions "evidently"); here it is the distance.
func totalVariation(ref, cur []float64) float64 {
	var s float64
	for i := range ref {
		s += math.Abs(ref[i] - cur[i])
	}
	return s / 2
}

// lInfinity is the L-infinity distance between the shares, the largest difference in one
// bucket (NannyML's L-Infinity), in [0, 1].
func lInfinity(ref, cur []float64) float64 {
	var d float64
	for i := range ref {
		d = math.Max(d, math.Abs(ref[i]-cur[i]))
	}
	return d
}

// sortedValues returns the value counts ordered by value, refusing NaN, infinite and
// repeated values (each distinct value must appear once) and negative counts.
func (v ValueCounts) sortedValues() ([]float64, []int64, []int64, error) {
	if err := v.validate(); err != nil {
		return nil, nil, nil, err
	}
	idx := make([]int, len(v.Values))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v.Values[idx[a]] < v.Values[idx[b]] })
	xs := make([]float64, len(idx))
	rs := make([]int64, len(idx))
	cs := make([]int64, len(idx))
	for k, i := range idx {
		xs[k], rs[k], cs[k] = v.Values[i], v.Reference[i], v.Current[i]
		if k > 0 && xs[k] == xs[k-1] {
			return nil, nil, nil, fmt.Errorf("value %v appears twice in the value counts", xs[k])
		}
	}
	return xs, rs, cs, nil
}

// validate checks lengths, finiteness and signs.
func (v ValueCounts) validate() error {
	if len(v.Reference) != len(v.Values) || len(v.Current) != len(v.Values) {
		return fmt.Errorf("%d values with %d reference and %d current counts", len(v.Values), len(v.Reference), len(v.Current))
	}
	for i, x := range v.Values {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("value %v is not finite (nulls are counted apart)", x)
		}
		if v.Reference[i] < 0 || v.Current[i] < 0 {
			return fmt.Errorf("negative count for value %v", x)
		}
	}
	return nil
}
