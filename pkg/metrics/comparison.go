package metrics

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Comparison is one metric for a champion and a challenger version over the same time range,
// with the challenger's difference from the champion, a 95% confidence interval for it,
// a two-sided p-value for "no difference", and the verdict.
type Comparison struct {
	// Method names the test: MethodTwoProportionZ or MethodWelchT.
	Method string
	// Champion and Challenger are the metric of each version; nil where it is undefined
	// (no rows).
	Champion, Challenger *float64
	// Delta is Challenger - Champion, whichever direction is better.
	Delta *float64
	// CILow and CIHigh bound the 95% confidence interval of Delta.
	CILow, CIHigh *float64
	// PValue is the two-sided p-value of the hypothesis that both versions have the same
	// underlying value.
	PValue *float64
	// ChallengerBetter is true when the challenger is better in the metric's direction and
	// the difference is significant: p < ComparisonAlpha.
	ChallengerBetter bool
}

// Comparison methods.
const (
	MethodTwoProportionZ = "two_proportion_z"
	MethodWelchT         = "welch_t"
)

// ComparisonAlpha is the significance level of the verdict; the interval is the matching
// 1 - ComparisonAlpha (95%) one.
const ComparisonAlpha = 0.05

// z975 is the 0.975 quantile of the standard normal distribution (scipy.stats.norm.ppf(0.975)).
const z975 = 1.959963984540054

// Proportion is a metric that is a share of rows: Successes out of Trials. Accuracy is
// correct/rows, precision TP/(TP+FP), recall TP/(TP+FN), specificity TN/(TN+FP); Proportions
// derives them from a confusion matrix.
type Proportion struct {
	Successes, Trials int64
}

// ProportionFunc reduces a confusion matrix to the successes and trials of one proportion
// metric for a positive class.
type ProportionFunc func(c Confusion, positive string) Proportion

// Proportions maps the names of the classification metrics that are proportions to their
// successes and trials, for CompareProportions. The other classification metrics (f1, mcc,
// balanced accuracy) are not a share of independent rows and have no such test here.
var Proportions = map[string]ProportionFunc{
	"accuracy": func(c Confusion, _ string) Proportion {
		return Proportion{Successes: rows(c.Correct()), Trials: rows(c.Total())}
	},
	"precision": func(c Confusion, positive string) Proportion {
		b := c.Binary(positive)
		return Proportion{Successes: rows(b.TP), Trials: rows(b.TP + b.FP)}
	},
	"recall": func(c Confusion, positive string) Proportion {
		b := c.Binary(positive)
		return Proportion{Successes: rows(b.TP), Trials: rows(b.TP + b.FN)}
	},
	"specificity": func(c Confusion, positive string) Proportion {
		b := c.Binary(positive)
		return Proportion{Successes: rows(b.TN), Trials: rows(b.TN + b.FP)}
	},
}

// rows reads a count of an unweighted confusion matrix (whole numbers in floats) as rows: the
// tests between versions count rows, never weights.
func rows(n float64) int64 { return int64(math.Round(n)) }

// CompareProportions compares a proportion metric between two versions with the two-sample
// z-test, statsmodels' proportions_ztest on [challenger, champion]: z = Delta / SE_pooled with
// SE_pooled = sqrt(P(1-P)(1/n1 + 1/n2)), P the pooled share, and p-value 2(1 - Phi(|z|)). The
// interval is the unpooled Wald interval Delta ± 1.96 sqrt(p1(1-p1)/n1 + p2(1-p2)/n2), the
// usual pairing (the pooled SE is only right under the null); the two can disagree at the
// margin, and the verdict follows the p-value. Both are large-sample approximations: with a
// handful of trials they are rough, and the Wald interval has width 0 when a share is 0 or 1.
//
// For precision the trials (rows predicted positive) are themselves random; the test is then
// conditional on them, as is usual. higherIsBetter is true for all four metrics of Proportions
// but is taken for symmetry with CompareMeans (an error rate is a proportion where lower is
// better).
//
// With no trials in a version everything but the other version's value is nil. When both
// shares are 0 or both are 1 the test has no variance: Delta is 0 and the p-value 1 (no
// evidence of a difference; statsmodels divides 0 by 0 and returns nan), the interval [0, 0].
func CompareProportions(champion, challenger Proportion, higherIsBetter bool) Comparison {
	out := Comparison{
		Method:     MethodTwoProportionZ,
		Champion:   ratio(float64(champion.Successes), float64(champion.Trials)),
		Challenger: ratio(float64(challenger.Successes), float64(challenger.Trials)),
	}
	if out.Champion == nil || out.Challenger == nil {
		return out
	}
	p1, p2 := *out.Champion, *out.Challenger
	n1, n2 := float64(champion.Trials), float64(challenger.Trials)
	delta := p2 - p1
	out.Delta = num(delta)

	se := math.Sqrt(p1*(1-p1)/n1 + p2*(1-p2)/n2)
	out.CILow, out.CIHigh = num(delta-z975*se), num(delta+z975*se)

	pooled := float64(champion.Successes+challenger.Successes) / (n1 + n2)
	sePooled := math.Sqrt(pooled * (1 - pooled) * (1/n1 + 1/n2))
	if sePooled == 0 {
		out.PValue = num(1)
	} else {
		// erfc keeps small p-values accurate where 1 - Phi(|z|) would round to 0.
		out.PValue = num(math.Erfc(math.Abs(delta/sePooled) / math.Sqrt2))
	}
	out.ChallengerBetter = better(out, higherIsBetter)
	return out
}

// MeanStats summarises a per-row quantity of one version: row count, mean, and sample
// variance (divisor N-1). For the regression metrics that are means of a per-row error e =
// predicted - actual the store sends, per version,
//
//	mae         count(*), avg(abs(e)), var_samp(abs(e))
//	mse         count(*), avg(e*e),    var_samp(e*e)
//	mean_error  count(*), avg(e),      var_samp(e)
//
// var_samp is NULL below two rows: send NaN or any value, it is not read then. var_samp is
// numerically stable in DuckDB and PostgreSQL; use varSampStable in ClickHouse.
type MeanStats struct {
	N        int64
	Mean     float64
	Variance float64
}

// CompareMeans compares a mean-type metric between two versions with Welch's unequal-variance
// t-test, scipy.stats.ttest_ind_from_stats(challenger, champion, equal_var=False): t = Delta /
// SE with SE = sqrt(v1/n1 + v2/n2), Welch–Satterthwaite degrees of freedom, two-sided p-value,
// and the interval Delta ± t(0.975, df) SE. higherIsBetter is false for error metrics (mae,
// mse), where the challenger is better when Delta < 0; for mean_error neither direction is
// better (compare absolute biases as separate metrics if needed), and the caller should ignore
// the verdict.
//
// The means are given whenever a version has rows; the test needs two rows in each version
// (nil below). When both variances are 0 the test is degenerate: a Delta of 0 gives p-value 1
// and the interval [0, 0], another Delta leaves them nil (scipy returns nan in both cases).
func CompareMeans(champion, challenger MeanStats, higherIsBetter bool) Comparison {
	out := Comparison{Method: MethodWelchT}
	if champion.N > 0 {
		out.Champion = num(champion.Mean)
	}
	if challenger.N > 0 {
		out.Challenger = num(challenger.Mean)
	}
	if out.Champion == nil || out.Challenger == nil {
		return out
	}
	delta := challenger.Mean - champion.Mean
	out.Delta = num(delta)
	if champion.N < 2 || challenger.N < 2 || !(champion.Variance >= 0) || !(challenger.Variance >= 0) {
		return out
	}
	n1, n2 := float64(champion.N), float64(challenger.N)
	a, b := champion.Variance/n1, challenger.Variance/n2
	se := math.Sqrt(a + b)
	if se == 0 {
		if delta == 0 {
			out.PValue, out.CILow, out.CIHigh = num(1), num(0), num(0)
		}
		return out
	}
	df := welchDF(a, b, n1, n2)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	// 2 CDF(-|t|) rather than 2(1 - CDF(|t|)): no cancellation for small p-values.
	out.PValue = num(2 * t.CDF(-math.Abs(delta/se)))
	q := t.Quantile(1 - ComparisonAlpha/2)
	out.CILow, out.CIHigh = num(delta-q*se), num(delta+q*se)
	out.ChallengerBetter = better(out, higherIsBetter)
	return out
}

func better(c Comparison, higherIsBetter bool) bool {
	if c.Delta == nil || c.PValue == nil || !(*c.PValue < ComparisonAlpha) {
		return false
	}
	if higherIsBetter {
		return *c.Delta > 0
	}
	return *c.Delta < 0
}

// welchDF is the Welch–Satterthwaite degrees of freedom (a+b)²/(a²/(n1-1) + b²/(n2-1)) for the
// squared standard errors a = v1/n1 and b = v2/n2, written in their ratio so that tiny
// variances cannot underflow the denominator to 0.
func welchDF(a, b, n1, n2 float64) float64 {
	if a < b {
		a, b, n1, n2 = b, a, n2, n1
	}
	r := b / a // in [0, 1]; a > 0 here
	return (1 + r) * (1 + r) / (1/(n1-1) + r*r/(n2-1))
}
