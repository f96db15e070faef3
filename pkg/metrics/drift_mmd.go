package metrics

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// MMDPermutations is the number of random splits of Evidently's empirical MMD test.
const MMDPermutations = 100

// MMDMaxValues bounds the distinct values the MMD test reads: its kernel is a matrix over them
// and each split costs one product of that matrix with a vector. More distinct values (both
// windows together) are read as MMDMaxValues equal-width cells over their range, each cell's
// rows at the mean of its rows (Result.Approximation says so).
const MMDMaxValues = 1024

// mmdTest is Evidently's empirical_mmd on value counts: the unbiased squared maximum mean
// discrepancy between the windows under a Gaussian (RBF) kernel whose width is the median
// heuristic on the reference, sigma = sqrt(median(d) / 2) over the reference's pairwise
// squared distances d (every ordered pair, itself included; numpy's "nearest" median; 1/sqrt(2)
// when it is 0), and its permutation p-value: the share of MMDPermutations random splits of the
// pooled rows into windows of the observed sizes whose statistic is at least the observed one.
//
// Rows with the same value share a kernel row, so the statistic is a quadratic form in the
// windows' counts per value: with K the kernel between distinct values, r and c the counts,
//
//	MMD^2 = (r'Kr - n) / (n(n-1)) + (c'Kc - m) / (m(m-1)) - 2 r'Kc / (nm)
//
// (the diagonal, a row with itself, left out as Evidently zeroes it). A split draws the
// reference's rows of each value without replacement (hypergeometric, as the TVD test), seeded.
// Each squared distance is computed as numpy computes it, b^2 - 2ab + a^2.
func mmdTest(s weightedSamples) (testOutcome, *Approximation) {
	if s.n1 < 2 || s.n2 < 2 {
		return undefinedOutcome("the MMD needs at least 2 rows in each window (reference %d, current %d)", s.n1, s.n2), nil
	}
	var approx *Approximation
	if len(s.xs) > MMDMaxValues {
		s, approx = s.coarsened(MMDMaxValues)
	}
	d := len(s.xs)
	sigma := mmdSigma(s)
	gamma := 1 / (2 * sigma * sigma)
	if math.IsInf(sigma, 0) || math.IsNaN(sigma) || gamma == 0 {
		return undefinedOutcome("the values are too large for the MMD's kernel: their squared distances overflow"), approx
	}
	// Column-major: kernel[b*d+a] is K[a][b] (a's row, b's column, as numpy's), so that the
	// products with a vector below read memory in order.
	kernel := make([]float64, d*d)
	for a, x := range s.xs {
		for b, y := range s.xs {
			kernel[b*d+a] = math.Exp(-gamma * squaredDistance(x, y))
		}
	}
	pooled := make([]int64, d)
	ref := make([]float64, d)
	cur := make([]float64, d)
	for i := range pooled {
		pooled[i] = s.ref[i] + s.cur[i]
		ref[i], cur[i] = float64(s.ref[i]), float64(s.cur[i])
	}
	// pooledK[b] = sum over a of pooled[a] K[a][b]: a split's current side is the pooled rows
	// less its reference side, so one product with the kernel per split gives all three sums.
	pooledK := make([]float64, d)
	for b := range d {
		column := kernel[b*d : (b+1)*d]
		for a, k := range pooled {
			pooledK[b] += float64(k) * column[a]
		}
	}
	n, m := float64(s.n1), float64(s.n2)
	observed := mmdOf(kernel, ref, cur, pooledK, n, m)
	if math.IsNaN(observed) || math.IsInf(observed, 0) {
		return undefinedOutcome("the MMD is not finite for these values"), approx
	}
	rng := rand.New(rand.NewPCG(permutationSeed, permutationSeed)) //nolint:gosec // G404: a seeded statistical sample, reproducible on purpose; nothing secret
	limit := observed - 1e-12*math.Max(1, math.Abs(observed))
	split := make([]int64, d)
	x, y := make([]float64, d), make([]float64, d)
	hits := 0
	for range MMDPermutations {
		drawSplit(rng, pooled, s.n1+s.n2, s.n1, split)
		for i := range split {
			x[i], y[i] = float64(split[i]), float64(pooled[i]-split[i])
		}
		if mmdOf(kernel, x, y, pooledK, n, m) >= limit {
			hits++
		}
	}
	return testOutcome{statistic: observed, pValue: float64(hits) / MMDPermutations}, approx
}

// mmdOf is the unbiased MMD^2 of the split x (reference side) and y = pooled - x, with
// pooledK the pooled counts' product with the kernel (column-major, as mmdTest builds it).
func mmdOf(kernel, x, y, pooledK []float64, n, m float64) float64 {
	d := len(x)
	var xKx, xKy, yKy float64
	for b := range d {
		xk := dot(x, kernel[b*d:(b+1)*d]) // (x'K)[b]
		yk := pooledK[b] - xk             // (y'K)[b]
		xKx += xk * x[b]
		xKy += xk * y[b]
		yKy += yk * y[b]
	}
	return (xKx-n)/(n*(n-1)) + (yKy-m)/(m*(m-1)) - 2*xKy/(n*m)
}

// dot is the dot product of two vectors of the same length, in four running sums (the
// additions of one sum wait on each other; four overlap).
func dot(u, v []float64) float64 {
	v = v[:len(u)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(u); i += 4 {
		s0 += u[i] * v[i]
		s1 += u[i+1] * v[i+1]
		s2 += u[i+2] * v[i+2]
		s3 += u[i+3] * v[i+3]
	}
	for ; i < len(u); i++ {
		s0 += u[i] * v[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// squaredDistance is (a - b)^2 as numpy's squared_paired_dist computes it (b^2 - 2ab + a^2),
// so that the kernel's width and values agree with Evidently's to the last bits.
func squaredDistance(a, b float64) float64 {
	return (b*b - 2*(a*b)) + a*a
}

// mmdSigma is the median heuristic over the reference's rows: sqrt(median / 2) of the squared
// distances of every ordered pair of reference rows (n^2 of them, a row with itself included),
// the median taken as numpy's percentile(q=50, method="nearest") does: the element at
// round-half-even((N - 1) / 2) in sorted order. 1/sqrt(2) when the median is 0.
func mmdSigma(s weightedSamples) float64 {
	type pair struct{ d, w float64 } // weights in floats, as numpy computes the rank: exact below 2^53 pairs
	var pairs []pair
	for a, x := range s.xs {
		if s.ref[a] == 0 {
			continue
		}
		for b, y := range s.xs {
			if s.ref[b] > 0 {
				pairs = append(pairs, pair{squaredDistance(x, y), float64(s.ref[a]) * float64(s.ref[b])})
			}
		}
	}
	slices.SortFunc(pairs, func(p, q pair) int { return cmp.Compare(p.d, q.d) })
	total := float64(s.n1) * float64(s.n1)
	rank := math.Min(math.Max(math.RoundToEven(total*0.5+0.5-1), 0), total-1)
	median := pairs[len(pairs)-1].d
	var seen float64
	for _, p := range pairs {
		seen += p.w
		if seen > rank {
			median = p.d
			break
		}
	}
	sigma := math.Pow(0.5*median, 0.5)
	if sigma == 0 {
		return math.Sqrt(0.5)
	}
	return sigma
}

// coarsened reads the samples as equal-width cells over their range: each cell's rows of
// both windows at the mean of its rows (so a cell's two windows are ties, and the pooled mean
// stays exact), with the Approximation that says so.
func (s weightedSamples) coarsened(cells int) (weightedSamples, *Approximation) {
	lo, hi := s.xs[0], s.xs[len(s.xs)-1]
	width := (hi - lo) / float64(cells)
	ref, cur := make([]int64, cells), make([]int64, cells)
	means := make([]float64, cells)
	for i, x := range s.xs {
		c := 0
		if f := (x - lo) / width; f > 0 { // false for a zero or infinite width (NaN, 0)
			c = min(int(f), cells-1)
		}
		k := s.ref[i] + s.cur[i]
		before := ref[c] + cur[c]
		ref[c] += s.ref[i]
		cur[c] += s.cur[i]
		// A running mean: no sum of values near the largest float overflows.
		means[c] += (x - means[c]) * float64(k) / float64(before+k)
	}
	out := weightedSamples{n1: s.n1, n2: s.n2}
	for c := range cells {
		if ref[c]+cur[c] > 0 {
			out.xs = append(out.xs, means[c])
			out.ref = append(out.ref, ref[c])
			out.cur = append(out.cur, cur[c])
		}
	}
	return out, &Approximation{Kind: ApproximationGrid, Cells: cells, CellWidth: width}
}
