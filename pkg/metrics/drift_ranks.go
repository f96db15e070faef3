package metrics

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Tests on the order of the values (ranks, with ties sharing their mean rank), computed from
// counts per distinct value: each sums over the distinct values, never over the rows.

// andersonDarling is the k-sample Anderson-Darling test for the two windows, as
// scipy.stats.anderson_ksamp([reference, current]) (variant "midrank", Scholz and Stephens'
// A2akN for data with ties): Statistic is the standardized statistic (A2akN - 1) / sigma, the
// p-value scipy's interpolation of Scholz and Stephens' table (quadratic in the critical values
// for the log significance), capped at 0.25 and floored at 0.001 as scipy caps it.
func andersonDarling(s weightedSamples) testOutcome {
	n := float64(s.n1 + s.n2)
	if len(s.xs) < 2 {
		return undefinedOutcome("both windows hold a single value, %v: the test needs two", s.xs[0])
	}
	if s.n1+s.n2 < 4 {
		return undefinedOutcome("the test needs at least 4 rows in the two windows, there are %d", s.n1+s.n2)
	}
	var a2 float64
	for _, w := range [][]int64{s.ref, s.cur} {
		ni := float64(countTotal(w))
		var inner, before, wBefore float64
		for j := range s.xs {
			l := float64(s.ref[j] + s.cur[j])
			b := before + l/2
			m := wBefore + float64(w[j])/2
			d := n*m - b*ni
			inner += l / n * d * d / (b*(n-b) - n*l/4)
			before += l
			wBefore += float64(w[j])
		}
		a2 += inner / ni
	}
	a2 *= (n - 1) / n
	const k = 2.0
	h, g := andersonHarmonics(s.n1 + s.n2)
	hh := 1/float64(s.n1) + 1/float64(s.n2)
	a := (4*g-6)*(k-1) + (10-6*g)*hh
	b := (2*g-4)*k*k + 8*h*k + (2*g-14*h-4)*hh - 8*h + 4*g - 6
	c := (6*h+2*g-2)*k*k + (4*h-4*g+6)*k + (2*h-6)*hh + 4*h
	dd := (2*h+6)*k*k - 4*h*k
	sigmasq := (a*n*n*n + b*n*n + c*n + dd) / ((n - 1) * (n - 2) * (n - 3))
	const m = k - 1
	stat := (a2 - m) / math.Sqrt(sigmasq)
	return testOutcome{statistic: stat, pValue: andersonPValue(stat, m)}
}

// andersonHarmonics are scipy's h = sum_{i=1}^{N-1} 1/i and g = sum_{i=2}^{N-1}
// (sum_{j=N-i+1}^{N-1} 1/j) / i, summed as scipy sums them up to a million rows; above, from
// the closed forms h = H(N-1) and g = H2(N) - 2 H(N-1) / N - 1/N^2 (H2 the sum of inverse
// squares), with the harmonic numbers' asymptotic series, exact to rounding there.
func andersonHarmonics(rows int64) (h, g float64) {
	n := float64(rows)
	if rows <= 1_000_000 {
		var cum float64
		for i := rows - 1; i > 1; i-- {
			cum += 1 / float64(i)
			g += cum / float64(rows-i+1)
		}
		return cum + 1, g
	}
	harmonic := func(x float64) float64 { // H(x) for large x
		return math.Log(x) + 0.5772156649015329 + 1/(2*x) - 1/(12*x*x) + 1/(120*x*x*x*x)
	}
	inverseSquares := func(x float64) float64 { // H2(x) for large x
		return math.Pi*math.Pi/6 - 1/x + 1/(2*x*x) - 1/(6*x*x*x) + 1/(30*x*x*x*x*x)
	}
	h = harmonic(n - 1)
	return h, inverseSquares(n) - 2*h/n - 1/(n*n)
}

// andersonPValue is scipy's p-value for the standardized statistic with m = k-1: Scholz and
// Stephens' critical values for m, the least-squares quadratic through (critical value, log
// significance level), capped to [0.001, 0.25] outside the table.
func andersonPValue(stat, m float64) float64 {
	b0 := []float64{0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085}
	b1 := []float64{-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615}
	b2 := []float64{-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154}
	sig := []float64{0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001}
	crit := make([]float64, len(b0))
	for i := range crit {
		crit[i] = b0[i] + b1[i]/math.Sqrt(m) + b2[i]/m
	}
	switch {
	case stat < crit[0]:
		return sig[0]
	case stat > crit[len(crit)-1]:
		return sig[len(sig)-1]
	}
	vander := mat.NewDense(len(crit), 3, nil)
	logs := mat.NewVecDense(len(crit), nil)
	for i, x := range crit {
		vander.SetRow(i, []float64{x * x, x, 1})
		logs.SetVec(i, math.Log(sig[i]))
	}
	var coef mat.VecDense
	if err := coef.SolveVec(vander, logs); err != nil {
		return math.NaN()
	}
	return math.Exp((coef.AtVec(0)*stat+coef.AtVec(1))*stat + coef.AtVec(2))
}

// cramerVonMises is the two-sample Cramér-von Mises test, as
// scipy.stats.cramervonmises_2samp(reference, current) (method "auto"): U from the mean ranks
// (Anderson 1962, eq. 10), Statistic T = U / (n1 n2 N) - (4 n1 n2 - 1) / (6N); the p-value exact
// (Xiao, Gordon and Yakovlev's lattice-path count) when neither window has more than 20 rows,
// else from the limiting distribution of the normalized statistic (Anderson's eq. 15,
// Csörgő and Faraway's series).
func cramerVonMises(s weightedSamples) testOutcome {
	if s.n1 < 2 || s.n2 < 2 {
		return undefinedOutcome("the test needs at least 2 rows per window, there are %d and %d", s.n1, s.n2)
	}
	// A window's rows at one value hold consecutive indices in their own window and share the
	// mean rank of that value in both: the sum of (rank - index)^2 over them is c d^2 +
	// c(c^2-1)/12, d the gap between the mean rank and the mean index, which is the other
	// window's rows below the value plus half of those at it.
	var sumRef, sumCur, refBefore, curBefore float64
	for j := range s.xs {
		r, c := float64(s.ref[j]), float64(s.cur[j])
		d := curBefore + c/2
		sumRef += r*d*d + r*(r*r-1)/12
		e := refBefore + r/2
		sumCur += c*e*e + c*(c*c-1)/12
		refBefore += r
		curBefore += c
	}
	n1, n2 := float64(s.n1), float64(s.n2)
	u := n1*sumRef + n2*sumCur
	k, n := n1*n2, n1+n2
	t := u/(k*n) - (4*k-1)/(6*n)
	if s.n1 <= 20 && s.n2 <= 20 {
		return testOutcome{statistic: t, pValue: cramerVonMisesExactP(u, int(s.n1), int(s.n2))}
	}
	et := (1 + 1/n) / 6
	vt := (n + 1) * (4*k*n - 3*(n1*n1+n2*n2) - 2*k) / (45 * n * n * 4 * k)
	tn := 1.0/6 + (t-et)/math.Sqrt(45*vt)
	if tn < 0.003 {
		return testOutcome{statistic: t, pValue: 1}
	}
	return testOutcome{statistic: t, pValue: math.Max(1-cramerVonMisesLimitCDF(tn), 0)}
}

// cramerVonMisesExactP is Pr(U' >= U) over the C(m+n, m) equally likely orderings of m
// reference and n current rows, counted on the lattice of paths (Xiao, Gordon and Yakovlev
// 2006, algorithm 1), with scipy's integer threshold zeta.
func cramerVonMisesExactP(u float64, m, n int) float64 {
	l := lcm(int64(m), int64(n))
	a, b := l/int64(m), l/int64(n)
	mn := int64(m * n)
	zeta := pyFloorDiv(float64(l*l*int64(m+n))*(6*u-float64(mn*(4*mn-1))), float64(6*mn*mn))
	gs := make([]map[int64]float64, m+1)
	gs[0] = map[int64]float64{0: 1}
	for v := 1; v <= m; v++ {
		gs[v] = map[int64]float64{}
	}
	for j := int64(0); j <= int64(n); j++ {
		next := make([]map[int64]float64, m+1)
		tmp := map[int64]float64{}
		for v, g := range gs {
			shift := a*int64(v) - b*j
			shift *= shift
			merged := make(map[int64]float64, len(tmp)+len(g))
			for x, f := range tmp {
				merged[x+shift] += f
			}
			for x, f := range g {
				merged[x+shift] += f
			}
			tmp = merged
			next[v] = tmp
		}
		gs = next
	}
	var hits float64
	for x, f := range gs[m] {
		if float64(x) >= zeta {
			hits += f
		}
	}
	return hits / binomial(m+n, m)
}

// cramerVonMisesLimitCDF is the limiting distribution function of the one-sample Cramér-von
// Mises statistic (Csörgő and Faraway 1996, eq. 1.3), summed as scipy's _cdf_cvm_inf sums it:
// until a term is below 1e-7.
func cramerVonMisesLimitCDF(x float64) float64 {
	var total float64
	for k := 0.0; ; k++ {
		lk, _ := math.Lgamma(k + 0.5)
		lk1, _ := math.Lgamma(k + 1)
		u := math.Exp(lk-lk1) / (math.Pow(math.Pi, 1.5) * math.Sqrt(x))
		y := 4*k + 1
		q := y * y / (16 * x)
		term := u * math.Sqrt(y) * math.Exp(-2*q) * besselKQuarterScaled(q)
		total += term
		if math.Abs(term) < 1e-7 {
			return total
		}
	}
}

// besselKQuarterScaled is exp(z) K_{1/4}(z) for z > 0, from K_nu(z) = integral over t >= 0 of
// exp(-z cosh t) cosh(nu t): the integrand, even and analytic in t, is summed on a trapezoid
// rule, whose error falls exponentially as the step shrinks against the integrand's width (1
// for small z, 1/sqrt(z) for large z), until the terms are negligible: within 1e-14 of scipy's
// kve(0.25, z) from z = 1e-8 to 1e4, in about a hundred terms.
func besselKQuarterScaled(z float64) float64 {
	step := 0.25 / math.Max(1, math.Sqrt(z))
	sum := 0.5 // t = 0: exp(-z (cosh 0 - 1)) cosh 0, halved
	for t := step; ; t += step {
		f := math.Exp(-z*(math.Cosh(t)-1)) * math.Cosh(t/4)
		sum += f
		if f < 1e-18*sum {
			return sum * step
		}
	}
}

// mannWhitney is the Mann-Whitney U test, as scipy.stats.mannwhitneyu(reference, current)
// (two-sided, continuity correction, method "auto"): Statistic is the reference's U1, the pairs
// in which the reference row is the greater plus half the ties; the p-value exact when a window
// has at most 8 rows and no value repeats (the null distribution of U counted as Gaussian
// binomial coefficients), else the normal approximation with the tie correction. scipy's exact
// path is kept while the count fits 64 bits and U has at most a million values; beyond (at most
// 8 rows against several hundred) the normal approximation answers. less is Evidently's
// one-sided test (alternative="less": the reference tends to lie below the current window),
// whose p-value is the survival function at U2 = n1 n2 - U1, not doubled.
func mannWhitney(s weightedSamples, less bool) testOutcome {
	var u1, curBefore, ties float64
	repeated := false
	for j := range s.xs {
		r, c := float64(s.ref[j]), float64(s.cur[j])
		u1 += r * (curBefore + c/2)
		curBefore += c
		t := r + c
		ties += t*t*t - t
		repeated = repeated || t > 1
	}
	n1, n2 := float64(s.n1), float64(s.n2)
	u, sides := math.Max(u1, n1*n2-u1), 2.0
	if less {
		u, sides = n1*n2-u1, 1
	}
	if (s.n1 <= 8 || s.n2 <= 8) && !repeated {
		if p, ok := mannWhitneyExactSF(int64(u), s.n1, s.n2); ok {
			return testOutcome{statistic: u1, pValue: math.Min(sides*p, 1)}
		}
	}
	n := n1 + n2
	sd := math.Sqrt(n1 * n2 / 12 * ((n + 1) - ties/(n*(n-1))))
	z := (u - n1*n2/2 - 0.5) / sd
	p := math.Erfc(z/math.Sqrt2) / 2
	if math.IsNaN(p) { // every row at one value: no difference
		p = 1
	}
	return testOutcome{statistic: u1, pValue: math.Min(math.Max(sides*p, 0), 1)}
}

// mannWhitneyExactSF is Pr(U' >= u) under the null for window sizes n1 and n2 without ties: the
// orderings with U' = v are the coefficient of q^v in the Gaussian binomial [n1+n2 choose m]_q,
// m the smaller size, built as the product over j of (1 - q^(n+j)) / (1 - q^j). ok is false when
// the counts would not fit 64 bits or U has more than a million values.
func mannWhitneyExactSF(u, n1, n2 int64) (float64, bool) {
	m, n := min(n1, n2), max(n1, n2)
	if m*n > 1_000_000 || binomial(int(m+n), int(m)) > 1<<62 {
		return 0, false
	}
	c := make([]int64, m*n+1)
	c[0] = 1
	for j := int64(1); j <= m; j++ {
		for i := int64(len(c)) - 1; i >= n+j; i-- {
			c[i] -= c[i-n-j]
		}
		for i := j; i < int64(len(c)); i++ {
			c[i] += c[i-j]
		}
	}
	var tail, total float64
	for v, k := range c {
		total += float64(k)
		if int64(v) >= u {
			tail += float64(k)
		}
	}
	return tail / total, true
}

// pyFloorDiv is Python's floor division of floats (CPython's float_floor_div), which scipy's
// exact Cramér-von Mises threshold uses.
func pyFloorDiv(a, b float64) float64 {
	mod := math.Mod(a, b)
	div := (a - mod) / b
	if mod != 0 && (b < 0) != (mod < 0) {
		div--
	}
	if div == 0 {
		return math.Copysign(0, a/b)
	}
	f := math.Floor(div)
	if div-f > 0.5 {
		f++
	}
	return f
}

// binomial is C(n, k) as a float (exact below 2^53).
func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return math.Round(r)
}

func lcm(a, b int64) int64 { return a / gcd64(a, b) * b }
