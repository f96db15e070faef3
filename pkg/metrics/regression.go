package metrics

import "math"

// RegressionSums are the sufficient statistics of the regression metrics over one group of rows
// (a bucket, a version, a segment). Every field is a plain COUNT or SUM, so the store fills one
// value per GROUP BY group and groups over the same shift can be added field by field.
// With error e = predicted - actual and actual a, over the rows that have both values:
//
//	N            count(*)
//	SumErr       sum(e)
//	SumAbsErr    sum(abs(e))
//	SumSqErr     sum(e*e)
//	SumActual    sum(a - c)          c: a shift, see below
//	SumSqActual  sum((a - c)*(a - c))
//	MapeN        count of rows with a <> 0
//	SumAbsPctErr sum(abs(e) / abs(a)) over the rows with a <> 0
//	ZeroActual   count of rows with a = 0
//
// A SUM over no rows is NULL in SQL: the store passes 0.
//
// The shift c exists because R2 needs the spread of the actuals, SStot = SumSqActual -
// SumActual²/N, and that difference cancels catastrophically when the actuals are far from 0
// compared with their spread: for 100000 actuals around 1e6 with a standard deviation of 1,
// raw sums added row by row leave no correct digit of SStot (R2 comes out as 0, as if the
// actuals were constant, instead of 0.75), while sums about a value inside the data give R2
// to 3e-16 relative (TestR2Cancellation). SStot does not depend on c, so the store may take
// any c near the data: one actual value of the model in the range (a scalar subquery with
// LIMIT 1), or a reference mean. With such a c the spread keeps its precision and constant
// actuals give exactly zero. The store may also send SumActual = 0 and SumSqActual =
// N * var_pop(a), i.e. c = the group mean, since var_pop is numerically stable (DuckDB,
// PostgreSQL; in ClickHouse use varPopStable, whose plain varPop is not); groups centred on
// their own means can no longer be added together.
//
// The errors themselves are computed per row before summing, so MAE, MSE, RMSE, MAPE and the
// mean error do not cancel.
//
// Error quantiles are not computed here: the store takes quantile_cont(e, q), which is
// numpy.quantile's default "linear" method (Hyndman and Fan type 7), in SQL.
type RegressionSums struct {
	N            int64
	SumErr       float64
	SumAbsErr    float64
	SumSqErr     float64
	SumActual    float64
	SumSqActual  float64
	MapeN        int64
	SumAbsPctErr float64
	ZeroActual   int64
	// SumSqErrDev is the sum of the squared deviations of the errors from their mean (the
	// store's stable sample variance of the errors times N-1), explained variance's numerator.
	SumSqErrDev float64
	// SumSqLogErr is sum((ln(1 + actual) - ln(1 + predicted))^2) and LogInvalid the rows with a
	// value at or below -1, where that logarithm is undefined.
	SumSqLogErr float64
	LogInvalid  int64
	// Weighted sums carry sample weights (scikit-learn's sample_weight): every sum above but the
	// counts is then of weight times the row's term, W is the rows' total weight and MapeW that
	// of the rows with a <> 0; the means divide by them instead of N and MapeN. N still counts
	// the rows (R2 needs two).
	Weighted bool
	W, MapeW float64
}

// total is what the means divide by: the rows, or their weight.
func (s RegressionSums) total() float64 {
	if s.Weighted {
		return s.W
	}
	return float64(s.N)
}

// mapeTotal is MAPE's divisor: the rows with a <> 0, or their weight.
func (s RegressionSums) mapeTotal() float64 {
	if s.Weighted {
		return s.MapeW
	}
	return float64(s.MapeN)
}

// RegressionOptions are scikit-learn's options of the regression metrics.
type RegressionOptions struct {
	// Alpha is mean_pinball_loss's alpha, the quantile the loss scores (0.5 when 0).
	Alpha float64
	// KeepNonFinite is force_finite=False: R2 and explained variance of constant actuals are
	// undefined (scikit-learn's nan or -inf) instead of 1 for a perfect fit and 0 otherwise.
	KeepNonFinite bool
}

// RegressionFunc computes one regression metric from the sums.
type RegressionFunc func(s RegressionSums, o RegressionOptions) *float64

// Regression maps the public metric names to their definitions. Each equals scikit-learn's
// function of the same meaning on the rows that the sums cover (nil where scikit-learn gives nan
// or raises, e.g. on no rows):
//
//	mae         mean_absolute_error
//	mse         mean_squared_error
//	rmse        root_mean_squared_error
//	mape        mean_absolute_percentage_error on the rows whose actual is not 0 (a fraction,
//	            not a percentage); nil when every actual is 0. scikit-learn would divide by
//	            machine epsilon there instead, giving numbers near 1e15 that mean nothing.
//	r2          r2_score; nil below two rows; with constant actuals 1 for perfect predictions
//	            and 0 otherwise (scikit-learn's force_finite default)
//	mean_error  mean(predicted - actual), the bias: positive when the model over-predicts
//	explained_variance  explained_variance_score: 1 - Var(actual - predicted) / Var(actual),
//	            constant actuals as r2
//	pinball     mean_pinball_loss at alpha: alpha times the mean shortfall (actual above the
//	            prediction) plus 1 - alpha times the mean excess, from the sums of the errors
//	            and of their absolute values
//	msle, rmsle mean_squared_log_error and root_mean_squared_log_error; nil when a value is at
//	            or below -1
var Regression = map[string]RegressionFunc{
	"mae":                func(s RegressionSums, _ RegressionOptions) *float64 { return meanOver(s.SumAbsErr, s.total()) },
	"mse":                func(s RegressionSums, _ RegressionOptions) *float64 { return meanOver(s.SumSqErr, s.total()) },
	"rmse":               rmse,
	"mape":               func(s RegressionSums, _ RegressionOptions) *float64 { return meanOver(s.SumAbsPctErr, s.mapeTotal()) },
	"r2":                 r2,
	"mean_error":         func(s RegressionSums, _ RegressionOptions) *float64 { return meanOver(s.SumErr, s.total()) },
	"explained_variance": explainedVariance,
	"pinball":            pinball,
	"msle":               msle,
	"rmsle": func(s RegressionSums, o RegressionOptions) *float64 {
		if m := msle(s, o); m != nil {
			return num(math.Sqrt(*m))
		}
		return nil
	},
}

// msle is scikit-learn's mean_squared_log_error; undefined when a value is at or below -1
// (scikit-learn refuses such targets) or without rows.
func msle(s RegressionSums, _ RegressionOptions) *float64 {
	if s.LogInvalid > 0 {
		return nil
	}
	return meanOver(s.SumSqLogErr, s.total())
}

// r2ConstantSpread is the share of SumSqActual below which SStot counts as zero, i.e. the
// actuals as constant. Constant actuals that are not exact binary fractions (0.1, say) leave a
// few units of rounding in the last places of the sums instead of an exact zero; without this
// floor R2 would be 1 - SSres/(rounding), a huge negative number. With a shift inside the data
// a real spread is orders of magnitude above the floor; without a shift, data whose standard
// deviation is below 1e-6 of its mean has lost its spread to rounding anyway.
const r2ConstantSpread = 1e-12

// r2 is 1 - SSres/SStot, as scikit-learn's r2_score computes it.
func r2(s RegressionSums, o RegressionOptions) *float64 {
	if s.N < 2 {
		// scikit-learn: "R^2 score is not well-defined with less than two samples" (nan).
		return nil
	}
	return oneLess(s, s.SumSqErr, o)
}

// explainedVariance is 1 - Var(error)/Var(actual), scikit-learn's explained_variance_score: R2
// with the errors' mean taken out of the residuals. One row has no spread in either, which
// scikit-learn's force_finite scores 1.
func explainedVariance(s RegressionSums, o RegressionOptions) *float64 {
	if s.N < 1 {
		return nil
	}
	dev := s.SumSqErrDev
	if dev <= r2ConstantSpread*s.SumSqErr {
		dev = 0 // a constant error (a pure bias) leaves only rounding
	}
	return oneLess(s, dev, o)
}

// oneLess is 1 - residual/SStot for R2 and explained variance. Constant actuals give, as
// scikit-learn's force_finite=True, 1 for no residual and 0 otherwise rather than nan or -inf,
// numbers an alert can use; undefined with KeepNonFinite (force_finite=False).
func oneLess(s RegressionSums, residual float64, o RegressionOptions) *float64 {
	ssTot := s.SumSqActual - s.SumActual*s.SumActual/s.total()
	if ssTot <= r2ConstantSpread*s.SumSqActual {
		switch {
		case o.KeepNonFinite:
			return nil
		case residual == 0:
			return num(1)
		}
		return num(0)
	}
	return num(1 - residual/ssTot)
}

// pinball is scikit-learn's mean_pinball_loss(actual, predicted, alpha): with d = actual -
// predicted = -error, mean(alpha max(d, 0) + (1 - alpha) max(-d, 0)). The sums of max(-e, 0)
// and max(e, 0) are (sum|e| - sum e)/2 and (sum|e| + sum e)/2.
func pinball(s RegressionSums, o RegressionOptions) *float64 {
	if s.N <= 0 {
		return nil
	}
	alpha := o.Alpha
	if alpha == 0 {
		alpha = 0.5
	}
	short := math.Max((s.SumAbsErr-s.SumErr)/2, 0)
	excess := math.Max((s.SumAbsErr+s.SumErr)/2, 0)
	return num((alpha*short + (1-alpha)*excess) / s.total())
}

func rmse(s RegressionSums, _ RegressionOptions) *float64 {
	m := meanOver(s.SumSqErr, s.total())
	if m == nil {
		return nil
	}
	return num(math.Sqrt(*m))
}

func meanOver(sum, n float64) *float64 {
	if n <= 0 {
		return nil
	}
	return num(sum / n)
}
