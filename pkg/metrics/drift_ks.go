package metrics

import (
	"math"
)

// ksExactMaxN is the largest sample size for which the two-sample KS p-value is exact, as in
// scipy.stats.ks_2samp(method="auto") (its MAX_AUTO_N).
const ksExactMaxN = 10000

// KS is the two-sample Kolmogorov-Smirnov test on value counts, as
// scipy.stats.ks_2samp(reference, current) (two-sided, method "auto"): Statistic is D, the
// largest gap between the two empirical CDFs, evaluated after every distinct value so ties
// count as scipy's searchsorted(side="right") counts them; Score is the p-value.
//
// The p-value follows scipy's choice of method:
//   - both windows of at most 10,000 rows: the exact null distribution of D for these sample
//     sizes (Hodges' lattice-path count; for equal sizes the closed alternating binomial sum,
//     otherwise the "inside" recursion rewritten for 1-p, Viehmann 2021, which stays in [0,1]);
//   - otherwise: the one-sample Kolmogorov distribution at the effective size
//     en = n*m/(n+m), rounded half to even, Pr(D_en >= D), as scipy's kstwo.sf(D, round(en)),
//     evaluated with Simard and L'Ecuyer's choice of algorithm (see kolmogorovSF).
//
// The row counts are the sample sizes, so a quantile sketch with counts gives an approximate
// D but the p-value of the full windows' sizes.
func KS(v ValueCounts, threshold float64) (DriftResult, error) {
	_, ref, cur, err := v.sortedValues()
	if err != nil {
		return DriftResult{}, err
	}
	n1, n2 := countTotal(ref), countTotal(cur)
	if reason := emptyWindowReason(n1, n2); reason != "" {
		return undefinedResult(MethodKS, threshold, n1, n2, reason), nil
	}
	d, h := ksStatistic(ref, cur, n1, n2)
	p := ksTwoSampleP(n1, n2, d, h)
	r := DriftResult{Method: MethodKS, Statistic: num(d), PValue: num(p), Threshold: threshold, ReferenceCount: n1, CurrentCount: n2}
	return decideDrift(r, p), nil
}

// ksStatistic returns D and, when both samples are small enough for the exact method, the
// integer h = D * lcm(n1, n2), computed without rounding (scipy rounds D*lcm to recover it).
func ksStatistic(ref, cur []int64, n1, n2 int64) (d float64, h int64) {
	g := gcd64(n1, n2)
	n1g, n2g := n1/g, n2/g
	exact := n1 <= ksExactMaxN && n2 <= ksExactMaxN
	var c1, c2 int64
	for i := range ref {
		c1 += ref[i]
		c2 += cur[i]
		gap := math.Abs(float64(c1)/float64(n1) - float64(c2)/float64(n2))
		if gap > d {
			d = gap
		}
		if exact {
			// c1/n1 - c2/n2 = (c1*n2g - c2*n1g) / lcm; each product is below 10^8.
			if hi := absInt64(c1*n2g - c2*n1g); hi > h {
				h = hi
			}
		}
	}
	if exact {
		// The exact D, free of the rounding in c1/n1 - c2/n2.
		d = float64(h) / float64(n1g*n2)
	}
	return d, h
}

// ksTwoSampleP is the two-sided p-value Pr(D >= d) for sample sizes n1 and n2, exact when
// both are at most 10,000 (h is then D*lcm), asymptotic otherwise (see KS).
func ksTwoSampleP(n1, n2 int64, d float64, h int64) float64 {
	if n1 <= ksExactMaxN && n2 <= ksExactMaxN {
		if h == 0 {
			return 1
		}
		var p float64
		if n1 == n2 {
			p = ksOutsideSquare(n1, h)
		} else {
			p = ksOutsideBand(n1, n2, gcd64(n1, n2), h)
		}
		if p >= 0 && p <= 1 {
			return p
		}
		// Like scipy, fall back to the asymptotic distribution if the exact sum misbehaves.
	}
	m, n := float64(n1), float64(n2)
	en := math.RoundToEven(m * n / (m + n))
	if en < 1 {
		en = 1
	}
	return clampProbability(kolmogorovSF(int64(en), d))
}

// ksOutsideSquare is Pr(D_{n,n} >= h/n) for two samples of size n: the share of the
// lattice paths from (0,0) to (n,n) that touch a diagonal |x-y| = h, by reflection
// 2 * sum_k (-1)^(k+1) C(2n, n-kh) / C(2n, n). Dividing each term by the previous one turns it
// into nested products (a Horner scheme), which avoids both the huge binomials and the
// cancellation of the alternating sum.
func ksOutsideSquare(n, h int64) float64 {
	p := 0.0
	for k := n / h; k >= 0; k-- {
		// ratio = C(2n, n-(k+1)h) / C(2n, n-kh), a product of h factors.
		ratio := 1.0
		for j := int64(0); j < h; j++ {
			ratio = ratio * float64(n-k*h-j) / float64(n+k*h+j+1)
		}
		p = ratio * (1 - p)
	}
	return 2 * p
}

// ksOutsideBand is Pr(D_{m,n} >= h/lcm) for samples of sizes m != n with gcd g: the share of
// the lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm, i.e.
// |ng*x - mg*y| < h with mg = m/g, ng = n/g (Hodges' "inside" method). Rather than counting
// paths (numbers that overflow), it carries b(x,y), the share of paths to (x,y) that have
// already left the band, which obeys the same recursion as path counts divided by the
// binomial: b(x,y) = (x b(x-1,y) + y b(x,y-1)) / (x+y), with b = 1 outside the band. Every
// step is a convex combination, so the result stays in [0,1] (Viehmann 2021). One column of b
// is kept; only the band's rows change from one column to the next.
func ksOutsideBand(m, n, g, h int64) float64 {
	if m < n {
		m, n = n, m
	}
	mg, ng := m/g, n/g
	b := make([]float64, n+1)
	for j := range b {
		b[j] = 1
	}
	// Column x = 0: the single path up the axis is inside while mg*y < h.
	hi := ceilDiv64(h, mg)
	if hi > n+1 {
		hi = n + 1
	}
	for j := int64(0); j < hi; j++ {
		b[j] = 0
	}
	lo := int64(0)
	for x := int64(1); x <= m; x++ {
		// Rows y with |ng*x - mg*y| < h: (ng*x - h)/mg < y < (ng*x + h)/mg.
		newLo := floorDiv64(ng*x-h, mg) + 1
		if newLo < 0 {
			newLo = 0
		}
		if newLo > n {
			newLo = n
		}
		newHi := ceilDiv64(ng*x+h, mg)
		if newHi > n+1 {
			newHi = n + 1
		}
		if newHi <= newLo {
			return 1
		}
		// Rows that fell below the band are outside it from now on.
		for j := lo; j < newLo; j++ {
			b[j] = 1
		}
		below := 1.0 // b(x, newLo-1): outside the band, or unused when newLo is 0
		fx := float64(x)
		for j := newLo; j < newHi; j++ {
			fj := float64(j)
			below = (fx*b[j] + fj*below) / (fx + fj)
			b[j] = below
		}
		lo = newLo
	}
	return b[n]
}

// kolmogorovSF is Pr(D_n >= x) for the one-sample two-sided Kolmogorov-Smirnov statistic
// (scipy.stats.kstwo.sf(x, n)), with the algorithm chosen as Simard and L'Ecuyer (2011)
// recommend and scipy does:
//   - x <= 1/n and x >= 1 - 1/n: Ruben and Gambino's closed forms;
//   - x >= 0.5 or n*x^2 large: twice the one-sided Smirnov tail (exact there, the two tails
//     cannot both be crossed);
//   - otherwise the exact Durbin matrix (Marsaglia, Tsang and Wang 2003), or for large n the
//     Pelz-Good asymptotic series. Where scipy uses Pomeranz' recursion (n <= 140,
//     0.754693 < n*x^2 <= 4) the Durbin matrix is used too: both are exact.
func kolmogorovSF(n int64, x float64) float64 {
	if x >= 1 {
		return 0
	}
	if x <= 0 {
		return 1
	}
	fn := float64(n)
	t := fn * x
	if t <= 1 {
		if t <= 0.5 {
			return 1
		}
		// Pr(D_n <= x) = n!/n^n (2t-1)^n.
		var cdf float64
		if n <= 140 {
			cdf = 1
			for i := int64(1); i <= n; i++ {
				cdf *= float64(i) / fn * (2*t - 1)
			}
		} else {
			lg, _ := math.Lgamma(fn + 1)
			cdf = math.Exp(lg - fn*math.Log(fn) + fn*math.Log(2*t-1))
		}
		return clampProbability(1 - cdf)
	}
	if t >= fn-1 {
		return clampProbability(2 * math.Pow(1-x, fn))
	}
	if x >= 0.5 {
		return clampProbability(2 * smirnovSF(n, x))
	}
	nxx := t * x
	if n <= 140 {
		if nxx <= 4 {
			return clampProbability(1 - durbinCDF(n, x))
		}
		return clampProbability(2 * smirnovSF(n, x))
	}
	if nxx >= 370 {
		return 0
	}
	if nxx >= 2.2 {
		return clampProbability(2 * smirnovSF(n, x))
	}
	if n <= 100000 && fn*math.Pow(x, 1.5) <= 1.4 {
		return clampProbability(1 - durbinCDF(n, x))
	}
	return clampProbability(1 - pelzGoodCDF(n, x))
}

// smirnovSF is the one-sided tail Pr(D+_n >= x) (scipy.special.smirnov), from Birnbaum and
// Tingey's sum x * sum_{v=0}^{floor(n(1-x))} C(n,v) (x+v/n)^(v-1) (1-x-v/n)^(n-v), whose
// terms are all positive; each is evaluated through logarithms. Above a million rows, like
// scipy, the approximation exp(-(6nx+1)^2 / 18n) replaces the sum.
func smirnovSF(n int64, x float64) float64 {
	fn := float64(n)
	switch {
	case x <= 0:
		return 1
	case x >= 1:
		return 0
	case n == 1:
		return 1 - x
	}
	if x <= 1/fn {
		return clampProbability(1 - x*math.Pow(1+x, fn-1))
	}
	if -2*fn*x*x < -708.39 {
		return 0
	}
	if x >= 1-1/fn {
		return math.Pow(1-x, fn)
	}
	if n > 1000000 {
		a := 6*fn*x + 1
		return math.Exp(-a * a / 18 / fn)
	}
	lgN, _ := math.Lgamma(fn + 1)
	last := int64(math.Floor(fn * (1 - x)))
	var s float64
	for v := int64(0); v <= last; v++ {
		fv := float64(v)
		rest := float64(n-v)/fn - x
		if rest <= 0 {
			break
		}
		lv, _ := math.Lgamma(fv + 1)
		lnv, _ := math.Lgamma(fn - fv + 1)
		term := math.Exp(lgN - lv - lnv + (fv-1)*math.Log(x+fv/fn) + (fn-fv)*math.Log(rest))
		s += term
		// Past the peak the terms fall fast; stop once the rest cannot matter (scipy's rule).
		if term > 0 && 4*float64(last-v)*term < 2.220446049250313e-16*s {
			break
		}
	}
	return clampProbability(x * s)
}

// durbinCDF is Pr(D_n <= d), exact, from Durbin's matrix: write n*d = k - h with k an
// integer and 0 <= h < 1; the answer is n!/n^n times entry (k,k) of H^n for a (2k-1)-square
// matrix H (Marsaglia, Tsang and Wang 2003). Powers are scaled by 2^-128 as they grow, with
// the exponent kept apart.
func durbinCDF(n int64, d float64) float64 {
	if d >= 1 {
		return 1
	}
	fn := float64(n)
	nd := fn * d
	if nd <= 0.5 {
		return 0
	}
	k := int(math.Ceil(nd))
	h := float64(k) - nd
	m := 2*k - 1

	// v[j] = (1 - h^(j+1)) / (j+1)!, the first column (and, reversed, the last row);
	// w[j] = 1/j!, the band below the diagonal.
	v := make([]float64, m)
	w := make([]float64, m)
	fac := 1.0
	for j := 1; j <= m; j++ {
		w[j-1] = fac
		fac /= float64(j)
		v[j-1] = (1 - math.Pow(h, float64(j))) * fac
	}
	v[m-1] = (1 - 2*math.Pow(h, float64(m)) + math.Pow(math.Max(2*h-1, 0), float64(m))) * fac
	H := newSquare(m)
	for c := 1; c < m; c++ {
		for r := c - 1; r < m; r++ {
			H[r][c] = w[r-c+1]
		}
	}
	for r := 0; r < m; r++ {
		H[r][0] = v[r]
	}
	for c := 0; c < m; c++ {
		H[m-1][c] = v[m-1-c]
	}

	const scaleExp = 128
	scale := math.Ldexp(1, scaleExp)
	P := identitySquare(m)
	pExp, hExp := 0, 0
	for e := n; e > 0; e /= 2 {
		if e%2 == 1 {
			P = mulSquare(P, H)
			pExp += hExp
		}
		H = mulSquare(H, H)
		hExp *= 2
		if math.Abs(H[k-1][k-1]) > scale {
			scaleSquare(H, 1/scale)
			hExp += scaleExp
		}
	}
	p := P[k-1][k-1]
	// Times n!/n^n, one factor at a time.
	for i := int64(1); i <= n; i++ {
		p = float64(i) * p / fn
		if math.Abs(p) < 1/scale {
			p *= scale
			pExp -= scaleExp
		}
	}
	return clampProbability(math.Ldexp(p, pExp))
}

// pelzGoodCDF is Pelz and Good's (1976) approximation of Pr(D_n <= x) for large n: the
// Li-Chien/Korolyuk expansion K0 + K1/sqrt(n) + K2/n + K3/n^1.5 in z = x sqrt(n), rewritten
// with Jacobi theta identities into sums that converge fast for small z.
func pelzGoodCDF(n int64, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	fn := float64(n)
	z := math.Sqrt(fn) * x
	z2, z3, z4, z6 := z*z, z*z*z, z*z*z*z, math.Pow(z, 6)
	pi2, pi4, pi6 := math.Pi*math.Pi, math.Pow(math.Pi, 4), math.Pow(math.Pi, 6)

	qlog := -pi2 / 8 / z2
	if qlog < -708 {
		return 0
	}
	q := math.Exp(qlog)

	k1a, k1b := -z2, pi2/4
	k2a := 6*z6 + 2*z4
	k2b := (2*z4 - 5*z2) * pi2 / 4
	k2c := pi4 * (1 - 2*z2) / 16
	k3d := pi6 * (5 - 30*z2) / 64
	k3c := pi4 * (-60*z2 + 212*z4) / 16
	k3b := pi2 * (135*z4 - 96*z6) / 4
	k3a := -30*z6 - 90*math.Pow(z, 8)

	// Sums over odd m = 2k-1 of c_i(m) q^(m^2), by Horner in q^8k.
	var K [4]float64
	maxk := int(math.Ceil(16 * z / math.Pi))
	for k := maxk; k >= 1; k-- {
		m := float64(2*k - 1)
		m2 := m * m
		m4 := m2 * m2
		m6 := m4 * m2
		qp := math.Pow(q, float64(8*k))
		c := [4]float64{
			1,
			k1a + k1b*m2,
			k2a + k2b*m2 + k2c*m4,
			k3a + k3b*m2 + k3c*m4 + k3d*m6,
		}
		for i := range K {
			K[i] = K[i]*qp + c[i]
		}
	}
	den := [4]float64{z, 6 * z4, 72 * math.Pow(z, 7), 6480 * math.Pow(z, 10)}
	for i := range K {
		K[i] *= q * math.Sqrt(2*math.Pi) / den[i]
	}
	// The terms over all integers k of K2 and K3.
	q = math.Exp(-pi2 / 2 / z2)
	var k2extra, k3extra float64
	sqrt3z := math.Sqrt(3) * z
	for k := maxk; k >= 1; k-- {
		fk := float64(k)
		qp := math.Pow(q, fk*fk)
		k2extra += fk * fk * qp
		kpi := math.Pi * fk
		k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * fk * fk * qp
	}
	K[2] += k2extra * pi2 * math.Sqrt(2*math.Pi) / (-36 * z3)
	K[3] += k3extra * pi2 * math.Sqrt(2*math.Pi) / (216 * z6)
	total := 0.0
	for i := range K {
		total += K[i] / math.Pow(fn, float64(i)/2)
	}
	return total
}

// Wasserstein is the first Wasserstein (earth mover's) distance between the two windows'
// value distributions, as scipy.stats.wasserstein_distance(reference, current): the area
// between the two empirical CDFs, exact for the given value counts. Statistic is W1; Score is
// Evidently's normed form W1 / std(reference), with the population standard deviation
// (numpy's default ddof=0, which Evidently uses).
//
// A constant reference (std 0) has no scale: the score is 0 when W1 is 0 (nothing moved)
// and undefined otherwise. Evidently floors the std at 0.001 instead, which depends on the
// feature's unit; an undefined score says plainly that the normed distance does not exist.
func Wasserstein(v ValueCounts, threshold float64) (DriftResult, error) {
	return wasserstein(v, threshold, false)
}

// evidentlyStdFloor is the least reference standard deviation Evidently norms W1 by.
const evidentlyStdFloor = 0.001

// wasserstein is Wasserstein, with Evidently's floor of the norm when floored.
func wasserstein(v ValueCounts, threshold float64, floored bool) (DriftResult, error) {
	xs, ref, cur, err := v.sortedValues()
	if err != nil {
		return DriftResult{}, err
	}
	n1, n2 := countTotal(ref), countTotal(cur)
	if reason := emptyWindowReason(n1, n2); reason != "" {
		return undefinedResult(MethodWasserstein, threshold, n1, n2, reason), nil
	}
	var w, c1, c2 float64
	for i := 0; i+1 < len(xs); i++ {
		c1 += float64(ref[i])
		c2 += float64(cur[i])
		w += (xs[i+1] - xs[i]) * math.Abs(c1/float64(n1)-c2/float64(n2))
	}
	std := populationStd(xs, ref, n1)
	if floored {
		std = math.Max(std, evidentlyStdFloor)
	}
	r := DriftResult{Method: MethodWasserstein, Statistic: num(w), Threshold: threshold, ReferenceCount: n1, CurrentCount: n2}
	switch {
	case std > 0:
		return decideDrift(r, w/std), nil
	case w == 0:
		return decideDrift(r, 0), nil
	}
	r.ScoreKind = ScoreDistance
	r.Reason = "the reference is constant (standard deviation 0), so the normed distance is undefined"
	return r, nil
}

// ReferenceStd is the population standard deviation (ddof=0) of the reference values.
func (v ValueCounts) ReferenceStd() *float64 {
	xs, ref, _, err := v.sortedValues()
	if err != nil {
		return nil
	}
	n := countTotal(ref)
	if n == 0 {
		return nil
	}
	return num(populationStd(xs, ref, n))
}

// populationStd is the weighted standard deviation with ddof=0, in two passes (mean first)
// so that large offsets do not cancel the variance away.
func populationStd(xs []float64, counts []int64, n int64) float64 {
	var mean float64
	for i, x := range xs {
		mean += float64(counts[i]) * x
	}
	mean /= float64(n)
	var ss float64
	for i, x := range xs {
		d := x - mean
		ss += float64(counts[i]) * d * d
	}
	return math.Sqrt(ss / float64(n))
}

func newSquare(m int) [][]float64 {
	a := make([][]float64, m)
	for i := range a {
		a[i] = make([]float64, m)
	}
	return a
}

func identitySquare(m int) [][]float64 {
	a := newSquare(m)
	for i := range a {
		a[i][i] = 1
	}
	return a
}

func mulSquare(a, b [][]float64) [][]float64 {
	m := len(a)
	c := newSquare(m)
	for i := 0; i < m; i++ {
		for k := 0; k < m; k++ {
			aik := a[i][k]
			if aik == 0 {
				continue
			}
			for j := 0; j < m; j++ {
				c[i][j] += aik * b[k][j]
			}
		}
	}
	return c
}

func scaleSquare(a [][]float64, s float64) {
	for i := range a {
		for j := range a[i] {
			a[i][j] *= s
		}
	}
}

func gcd64(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func absInt64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// floorDiv64 and ceilDiv64 divide by a positive b, rounding toward -inf and +inf.
func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func ceilDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a > 0 {
		q++
	}
	return q
}

func clampProbability(p float64) float64 {
	return math.Max(0, math.Min(1, p))
}
