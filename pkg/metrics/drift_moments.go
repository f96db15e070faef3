package metrics

import (
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Tests on the sizes of the values (moments, characteristic functions, distances between
// distribution functions), computed from counts per distinct value.

// tTest is Welch's unequal-variances t-test, as scipy.stats.ttest_ind(reference, current,
// equal_var=False): Statistic t = (mean_ref - mean_cur) / sqrt(s1^2/n1 + s2^2/n2) with sample
// variances (ddof 1), Welch-Satterthwaite degrees of freedom, two-sided p-value. pooled is
// Student's test with one pooled variance and n1 + n2 - 2 degrees of freedom
// (ttest_ind(reference, current), Evidently's t_test).
func tTest(s weightedSamples, pooled bool) testOutcome {
	if s.n1 < 2 || s.n2 < 2 {
		return undefinedOutcome("the test needs at least 2 rows per window, there are %d and %d", s.n1, s.n2)
	}
	// Both means from the smallest value, so that a large common offset does not cancel the
	// difference away.
	m1, v1 := weightedMoments(s.xs, s.ref, s.n1, s.xs[0])
	m2, v2 := weightedMoments(s.xs, s.cur, s.n2, s.xs[0])
	n1, n2 := float64(s.n1), float64(s.n2)
	a, b := v1/n1, v2/n2
	if a+b == 0 {
		return undefinedOutcome("both windows are constant (variance 0), so t is undefined")
	}
	t := (m1 - m2) / math.Sqrt(a+b)
	df := (a + b) * (a + b) / (a*a/(n1-1) + b*b/(n2-1))
	if pooled {
		df = n1 + n2 - 2
		sp := ((n1-1)*v1 + (n2-1)*v2) / df
		t = (m1 - m2) / math.Sqrt(sp*(1/n1+1/n2))
	}
	p := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t))
	return testOutcome{statistic: t, pValue: math.Min(p, 1)}
}

// weightedMoments are the mean less origin and the sample variance (ddof 1) of values with
// counts, in two passes.
func weightedMoments(xs []float64, counts []int64, n int64, origin float64) (mean, variance float64) {
	for i, x := range xs {
		mean += float64(counts[i]) * (x - origin)
	}
	mean /= float64(n)
	var ss float64
	for i, x := range xs {
		d := x - origin - mean
		ss += float64(counts[i]) * d * d
	}
	return mean, ss / float64(n-1)
}

// eppsSingletonT are scipy's default points of the empirical characteristic function.
var eppsSingletonT = []float64{0.4, 0.8}

// eppsSingleton is the Epps-Singleton test, as scipy.stats.epps_singleton_2samp(reference,
// current) (t = 0.4, 0.8): the empirical characteristic functions at t / (IQR/2) of the pooled
// rows, compared with the pseudo-inverse of their estimated covariance; W is chi-square with the
// covariance's rank as degrees of freedom, with the small-sample correction below 25 rows.
func eppsSingleton(s weightedSamples) testOutcome {
	if s.n1 < 5 || s.n2 < 5 {
		return undefinedOutcome("the test needs at least 5 rows per window, there are %d and %d", s.n1, s.n2)
	}
	iqr := pooledPercentile(s, 75) - pooledPercentile(s, 25)
	if !(iqr > 0) {
		return undefinedOutcome("the interquartile range of the two windows is 0, so the test has no scale")
	}
	sigma := iqr / 2
	dims := 2 * len(eppsSingletonT)
	ecf := func(counts []int64, n int64) ([]float64, *mat.SymDense) {
		g := func(x float64) []float64 {
			out := make([]float64, dims)
			for i, t := range eppsSingletonT {
				ts := t / sigma
				out[i], out[len(eppsSingletonT)+i] = math.Cos(ts*x), math.Sin(ts*x)
			}
			return out
		}
		mean := make([]float64, dims)
		for j, x := range s.xs {
			for i, v := range g(x) {
				mean[i] += float64(counts[j]) * v
			}
		}
		for i := range mean {
			mean[i] /= float64(n)
		}
		cov := mat.NewSymDense(dims, nil)
		for j, x := range s.xs {
			if counts[j] == 0 {
				continue
			}
			v := g(x)
			for a := range dims {
				for b := a; b < dims; b++ {
					cov.SetSym(a, b, cov.At(a, b)+float64(counts[j])*(v[a]-mean[a])*(v[b]-mean[b]))
				}
			}
		}
		cov.ScaleSym(1/float64(n), cov)
		return mean, cov
	}
	gx, cx := ecf(s.ref, s.n1)
	gy, cy := ecf(s.cur, s.n2)
	n1, n2 := float64(s.n1), float64(s.n2)
	n := n1 + n2
	est := mat.NewSymDense(dims, nil)
	est.AddSym(scaledSym(cx, n/n1), scaledSym(cy, n/n2))
	inv, rank, ok := pseudoInverse(est)
	if !ok {
		return undefinedOutcome("the covariance of the characteristic function could not be decomposed")
	}
	if rank < dims {
		// scipy warns and goes on with the rank it finds, which then depends on rounding: a
		// covariance of rank 1 comes out as rank 3 or 4.
		return undefinedOutcome("the covariance of the characteristic function has rank %d of %d (too few distinct values): the test is not consistent", rank, dims)
	}
	diff := mat.NewVecDense(dims, nil)
	for i := range dims {
		diff.SetVec(i, gx[i]-gy[i])
	}
	w := n * mat.Inner(diff, inv, diff)
	if max(s.n1, s.n2) < 25 {
		w *= 1 / (1 + math.Pow(n, -0.45) + 10.1*(math.Pow(n1, -1.7)+math.Pow(n2, -1.7)))
	}
	return testOutcome{statistic: w, pValue: chiSquareSF(w, rank)}
}

func scaledSym(a *mat.SymDense, f float64) *mat.SymDense {
	out := mat.NewSymDense(a.SymmetricDim(), nil)
	out.ScaleSym(f, a)
	return out
}

// pseudoInverse is numpy's pinv of a symmetric matrix: eigenvalues up to dim * eps times the
// largest are dropped; rank counts those kept.
func pseudoInverse(a *mat.SymDense) (*mat.Dense, int, bool) {
	var eig mat.EigenSym
	if !eig.Factorize(a, true) {
		return nil, 0, false
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	var largest float64
	for _, v := range vals {
		largest = math.Max(largest, math.Abs(v))
	}
	dim := len(vals)
	cutoff := float64(dim) * 2.220446049250313e-16 * largest
	inv := mat.NewDense(dim, dim, nil)
	rank := 0
	for k, v := range vals {
		if math.Abs(v) <= cutoff {
			continue
		}
		rank++
		for i := range dim {
			for j := range dim {
				inv.Set(i, j, inv.At(i, j)+vecs.At(i, k)*vecs.At(j, k)/v)
			}
		}
	}
	return inv, rank, true
}

// pooledPercentile is numpy.percentile(concatenate(reference, current), q) (method "linear"):
// the order statistics at the virtual index q/100 (N-1), interpolated as numpy's _lerp.
func pooledPercentile(s weightedSamples, q float64) float64 {
	n := float64(s.n1 + s.n2)
	frac := q / 100
	virtual := n*frac + (1 - frac) - 1 // numpy's n q + (alpha + q (1 - alpha - beta)) - 1, alpha = beta = 1
	lo := math.Floor(virtual)
	t := virtual - lo
	a, b := pooledOrderStatistic(s, int64(lo)), pooledOrderStatistic(s, min(int64(lo)+1, s.n1+s.n2-1))
	diff := b - a
	if t >= 0.5 {
		return b - diff*(1-t)
	}
	return a + diff*t
}

// pooledOrderStatistic is the k-th (0-based) smallest of the pooled rows.
func pooledOrderStatistic(s weightedSamples, k int64) float64 {
	var seen int64
	for j, x := range s.xs {
		seen += s.ref[j] + s.cur[j]
		if k < seen {
			return x
		}
	}
	return s.xs[len(s.xs)-1]
}

// energyDistance is the energy distance between the two windows, as
// scipy.stats.energy_distance(reference, current): sqrt(2) times the L2 distance between their
// distribution functions. It is in the feature's unit (not normed), so its threshold is too.
func energyDistance(s weightedSamples) testOutcome {
	var sum, c1, c2 float64
	for i := 0; i+1 < len(s.xs); i++ {
		c1 += float64(s.ref[i])
		c2 += float64(s.cur[i])
		d := c1/float64(s.n1) - c2/float64(s.n2)
		sum += (s.xs[i+1] - s.xs[i]) * d * d
	}
	return testOutcome{statistic: math.Sqrt2 * math.Sqrt(sum)}
}
