package metrics

import (
	"errors"
	"math"
)

// nannymlBins are the methods NannyML bins its own way: jensenshannon and hellinger.
func nannymlBins(method string) bool {
	return method == MethodJensenShannon || method == MethodHellinger
}

// nannymlBinned runs jensenshannon (base 2) or hellinger as NannyML's univariate drift does: on
// the reference's categories, or on numpy's "doane" bins of the reference's values (which need
// the value counts), the current window's rows outside them (unseen categories, values beyond
// the reference's range) in one leftover bucket the reference has none of.
func nannymlBinned(method string, in DriftInput, th float64) (DriftResult, error) {
	var ref, cur []int64
	switch {
	case !in.Numeric && in.Categories != nil:
		ref, cur = nannymlCategories(*in.Categories)
	case in.Numeric && in.Values != nil:
		xs, r, c, err := in.Values.sortedValues()
		if err != nil {
			return DriftResult{}, err
		}
		ref, cur = nannymlDoaneBins(xs, r, c)
	case in.Numeric:
		n1, n2 := int64(0), int64(0)
		if in.Bins != nil {
			n1, n2 = countTotal(in.Bins.Reference), countTotal(in.Bins.Current)
		}
		return undefinedResult(method, th, n1, n2,
			"NannyML's bins of a number are drawn from the reference's values, and a window has more distinct values than are counted one by one: use definitions \"modelwatch\" (bins on the reference range) or a rounded column"), nil
	default:
		return DriftResult{}, errors.New("no category counts for the feature")
	}
	n1, n2 := countTotal(ref), countTotal(cur)
	r := DriftResult{Method: method, ScoreKind: ScoreDistance, Threshold: th, ReferenceCount: n1, CurrentCount: n2}
	if reason := emptyWindowReason(n1, n2); reason != "" {
		return undefinedResult(method, th, n1, n2, reason), nil
	}
	p, q := make([]float64, len(ref)), make([]float64, len(cur))
	for i := range ref {
		p[i], q[i] = float64(ref[i])/float64(n1), float64(cur[i])/float64(n2)
	}
	var d float64
	if method == MethodJensenShannon {
		// scipy.spatial.distance.jensenshannon(p, q, base=2).
		var js float64
		for i := range p {
			m := (p[i] + q[i]) / 2
			js += relEntr(p[i], m) + relEntr(q[i], m)
		}
		d = math.Sqrt(math.Max(js/2/math.Ln2, 0))
	} else {
		d = hellingerDistance(p, q)
	}
	r.Statistic = num(d)
	return decideDrift(r, d), nil
}

// nannymlCategories are the counts on the reference's categories, and when the current window
// has rows in categories the reference lacks, one leftover bucket with them.
func nannymlCategories(c Categories) (ref, cur []int64) {
	var leftover int64
	for i := range c.Labels {
		if c.Reference[i] > 0 {
			ref = append(ref, c.Reference[i])
			cur = append(cur, c.Current[i])
		} else {
			leftover += c.Current[i]
		}
	}
	if leftover > 0 {
		ref, cur = append(ref, 0), append(cur, leftover)
	}
	return ref, cur
}

// nannymlDoaneBins counts both windows on numpy.histogram_bin_edges(reference, "doane"), the
// current rows outside the edges in a leftover bucket.
func nannymlDoaneBins(xs []float64, ref, cur []int64) (refBins, curBins []int64) {
	edges := doaneEdges(xs, ref)
	refBins, curBins = binValues(edges, xs, ref), binValues(edges, xs, cur)
	if outside := countTotal(cur) - countTotal(curBins); outside > 0 {
		refBins, curBins = append(refBins, 0), append(curBins, outside)
	}
	return refBins, curBins
}

// doaneEdges are numpy's "doane" bin edges of the values with counts (the reference), as
// BinsByRule draws them from the values' skewness; one bin of width 1 around a single value.
func doaneEdges(xs []float64, counts []int64) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, x := range xs {
		if counts[i] > 0 {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if lo == hi {
		return []float64{lo - 0.5, hi + 0.5}
	}
	skewness, _ := ShapeOfCounts(xs, counts)
	bins, _ := BinsByRule(BinRuleDoane, BinStats{N: float64(countTotal(counts)), PTP: hi - lo, Skewness: skewness})
	edges, err := EqualWidthEdges(lo, hi, bins)
	if err != nil {
		return []float64{lo, hi}
	}
	return edges
}
