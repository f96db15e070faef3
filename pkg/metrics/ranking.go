package metrics

import (
	"math"
	"slices"
)

// ScoreCount is one bar of a score histogram for a binary classifier: how many rows with ground
// truth had this score (or, weighted, their sum of sample weights), split by whether the actual
// label was the positive class. Grouped by the
// exact score (GROUP BY score), the ranking metrics below equal scikit-learn's on the rows.
//
// The store groups by a cell of a fixed grid instead (see score_grid.go), so that the histogram
// stays small whatever the row count: a bar is then one cell, and Spread says whether the cell
// held more than one distinct score. The metrics treat every bar as one tied score; a spread
// bar is where the grid may differ from the exact rows, and the *ErrorBound functions say by at
// most how much.
type ScoreCount struct {
	Score     float64
	Positives float64
	Negatives float64
	// Spread: the bar's rows had different scores whose order among themselves is unknown (a grid
	// cell with min < max). False for a bar of one exact score.
	Spread bool
}

// RankingFunc computes one score-based metric from a score histogram.
type RankingFunc func(h []ScoreCount) *float64

// Ranking maps the public names of the score-based binary metrics to their definitions on a
// histogram (any order; equal scores may repeat and are merged). All are nil on an empty
// histogram, a NaN score or a negative count (scikit-learn raises on NaN). log_loss and brier
// read the histogram's scores as probabilities of the positive class; on a grid histogram with
// spread cells they are only approximations, so the engine reads ProbabilitySums, summed per
// row, and calls LogLoss and Brier directly.
var Ranking = map[string]RankingFunc{
	"roc_auc":           ROCAUC,
	"average_precision": AveragePrecision,
	"log_loss": func(h []ScoreCount) *float64 {
		p, ok := ProbabilitySumsOf(h)
		if !ok {
			return nil
		}
		return LogLoss(p)
	},
	"brier": func(h []ScoreCount) *float64 {
		p, ok := ProbabilitySumsOf(h)
		if !ok {
			return nil
		}
		return Brier(p)
	},
}

// ROCAUC is the area under the ROC curve, scikit-learn's roc_auc_score: the trapezoids between
// the (false positive rate, true positive rate) points of the distinct scores taken as
// thresholds, so that tied positive and negative rows count half. Equivalently, the share of
// (positive, negative) pairs ranked correctly, ties counting one half. Nil when either class
// is missing (scikit-learn warns and returns nan).
func ROCAUC(h []ScoreCount) *float64 {
	return sortedBars(h).rocAUC()
}

func (s sorted) rocAUC() *float64 {
	if !s.ok || s.pos == 0 || s.neg == 0 {
		return nil
	}
	// Twice the area in units of one (positive, negative) pair: each bar's negatives form a
	// trapezoid of width neg and heights tp (above the bar) and tp + pos. The terms are
	// integers, exact in float64 up to 2^53, so the only rounding is the final division.
	var area, tp float64
	for _, b := range s.bars {
		area += float64(b.Negatives) * (2*tp + float64(b.Positives))
		tp += float64(b.Positives)
	}
	return num(area / (2 * float64(s.pos) * float64(s.neg)))
}

// AveragePrecision is scikit-learn's average_precision_score: the sum over the distinct scores,
// taken as thresholds from the highest, of (R_n - R_(n-1)) P_n, with recall R and precision P
// of the rows scoring at or above the threshold (a step function, no interpolation). Nil when
// there are no positive rows: recall is undefined, and scikit-learn returns 0 with a warning,
// which would read as a collapse of the model. With no negative rows it is 1, as in
// scikit-learn.
func AveragePrecision(h []ScoreCount) *float64 {
	return sortedBars(h).averagePrecision()
}

func (s sorted) averagePrecision() *float64 {
	if !s.ok || s.pos == 0 {
		return nil
	}
	var ap, tp, fp float64
	for _, b := range s.bars {
		tp += float64(b.Positives)
		fp += float64(b.Negatives)
		if b.Positives > 0 {
			ap += float64(b.Positives) / float64(s.pos) * (tp / (tp + fp))
		}
	}
	return num(ap)
}

// sorted is a histogram sorted by descending score with equal scores merged and empty bars
// dropped, with its total positives and negatives; ok is false when the histogram had a NaN
// score or a negative count.
type sorted struct {
	bars     []ScoreCount
	pos, neg float64
	ok       bool
	weighted bool // the counts are sample weights (RankGridWeighted)
}

// sortedBars sorts a copy of the histogram (see sorted); the caller's slice is not modified.
func sortedBars(h []ScoreCount) sorted {
	bars := make([]ScoreCount, 0, len(h))
	for _, b := range h {
		if math.IsNaN(b.Score) || b.Positives < 0 || b.Negatives < 0 {
			return sorted{}
		}
		if b.Positives+b.Negatives > 0 {
			bars = append(bars, b)
		}
	}
	slices.SortFunc(bars, func(a, b ScoreCount) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	s := sorted{ok: true}
	merged := bars[:0]
	for _, b := range bars {
		if n := len(merged); n > 0 && merged[n-1].Score == b.Score {
			merged[n-1].Positives += b.Positives
			merged[n-1].Negatives += b.Negatives
			merged[n-1].Spread = merged[n-1].Spread || b.Spread
		} else {
			merged = append(merged, b)
		}
		s.pos += b.Positives
		s.neg += b.Negatives
	}
	s.bars = merged
	return s
}

// LogLossEps is the clipping bound of log loss: probabilities are clipped to
// [LogLossEps, 1-LogLossEps] before the logarithm, as current scikit-learn (1.9) clips to the
// machine epsilon of the float64 input (releases before 1.3 clipped to 1e-15), so a confident
// wrong answer costs -ln(2^-52), about 36, instead of infinity.
const LogLossEps = 0x1p-52

// ProbabilitySums are the per-row sums behind log loss and the Brier score, for a binary
// classifier whose score is the probability p of the positive class and y is 1 for a positive
// row, 0 otherwise. With q = p for positive rows and 1 - p for negative ones:
//
//	N               count of rows with a score and ground truth, p in [0, 1]
//	SumLogLoss      sum(-ln(least(greatest(q, eps), 1 - eps)))   eps = LogLossEps
//	SumSquaredError sum((p - y)^2)
//	OutOfRange      count of rows with p < 0 or p > 1 (left out of the sums above)
//
// 1 - p must be computed in double precision before clipping, as scikit-learn does. These are
// exact however the scores are distributed; from a histogram grouped by exact score
// ProbabilitySumsOf gives the same numbers.
type ProbabilitySums struct {
	N               float64 // rows, or with sample weights their weight
	SumLogLoss      float64
	SumSquaredError float64
	OutOfRange      float64
}

// ProbabilitySumsOf sums a histogram's bars into ProbabilitySums, reading each score as the
// probability of the positive class. ok is false on a NaN score or a negative count.
func ProbabilitySumsOf(h []ScoreCount) (p ProbabilitySums, ok bool) {
	for _, b := range h {
		if math.IsNaN(b.Score) || b.Positives < 0 || b.Negatives < 0 {
			return ProbabilitySums{}, false
		}
		if b.Score < 0 || b.Score > 1 {
			p.OutOfRange += b.Positives + b.Negatives
			continue
		}
		pos, neg := b.Positives, b.Negatives
		p.N += b.Positives + b.Negatives
		if b.Positives > 0 {
			p.SumLogLoss += pos * -math.Log(clipProbability(b.Score))
			p.SumSquaredError += pos * (b.Score - 1) * (b.Score - 1)
		}
		if b.Negatives > 0 {
			p.SumLogLoss += neg * -math.Log(clipProbability(1-b.Score))
			p.SumSquaredError += neg * b.Score * b.Score
		}
	}
	return p, true
}

func clipProbability(q float64) float64 {
	return math.Min(math.Max(q, LogLossEps), 1-LogLossEps)
}

// LogLoss is scikit-learn's log_loss for binary labels: the mean of -[y ln p + (1-y) ln(1-p)]
// with p clipped (see LogLossEps). It is defined with a single class present (scikit-learn
// needs labels=[0, 1] to be told the other class exists; we know it). Nil on no rows, or when
// any score is outside [0, 1] (scikit-learn raises: those are not probabilities).
func LogLoss(p ProbabilitySums) *float64 {
	if p.OutOfRange > 0 {
		return nil
	}
	return meanOver(p.SumLogLoss, p.N)
}

// Brier is scikit-learn's brier_score_loss for binary labels: the mean of (p - y)^2. Nil on no
// rows, or when any score is outside [0, 1] (scikit-learn raises).
func Brier(p ProbabilitySums) *float64 {
	if p.OutOfRange > 0 {
		return nil
	}
	return meanOver(p.SumSquaredError, p.N)
}
