package metrics

import "math"

// ScoreGridCells is the resolution of the score grid: the store counts positives and negatives
// per cell of ScoreGridCells equal cells over [0, 1], cell i = [i/n, (i+1)/n), the last one
// closed. A power of two makes score * n exact in floating point, so a score's cell is never
// off by one through rounding. Cells are 1/16384 (about 6.1e-5) wide, narrower than the 1e-4
// between scores rounded to 4 decimals: such scores (and those to 1, 2 or 3 decimals) never
// share a cell, and their metrics are exact.
const ScoreGridCells = 1 << 14

// ScoreErrorTolerance is the error bound above which a score metric is reported with a notice:
// the design's accuracy contract for ROC AUC (0.001 from scikit-learn), applied to average
// precision too.
const ScoreErrorTolerance = 1e-3

// GridCell is the cell of a score on a grid of cells over [0, 1], as the store computes it in
// SQL: scores below 0 (and -Inf) go to the first cell, above 1 (+Inf, NaN) to the last. The
// loader only admits scores in [0, 1]; the clamp keeps anything else from breaking the query.
func GridCell(score float64, cells int) int {
	if !(score >= 0) && !math.IsNaN(score) {
		return 0
	}
	if !(score <= 1) {
		return cells - 1
	}
	return min(int(math.Floor(score*float64(cells))), cells-1)
}

// GridBar turns one cell of a score grid (its index, the least and greatest score in it, and its
// positive and negative rows) into a histogram bar. A cell of one distinct score keeps that
// score: a bar of the exact histogram. A cell of several stands at its midpoint and is Spread.
// Either way the bars order as the cells do, which is all the ranking metrics read.
func GridBar(cell, cells int, least, greatest, positives, negatives float64) ScoreCount {
	if least == greatest { // false for NaN: a NaN cell is spread
		return ScoreCount{Score: least, Positives: positives, Negatives: negatives}
	}
	return ScoreCount{Score: (float64(cell) + 0.5) / float64(cells), Positives: positives, Negatives: negatives, Spread: true}
}

// ROCAUCErrorBound bounds |ROCAUC(h) - the exact rows' ROC AUC| for a histogram whose Spread
// bars hide the order of their rows. ROC AUC is the share of (positive, negative) pairs ranked
// right, ties counting one half. A pair in different bars is ranked as the exact scores rank it
// (bars order as the scores do); a pair inside a spread bar counts one half on the histogram and
// 0, 1/2 or 1 on the exact rows. So
//
//	|AUC_grid - AUC_exact| <= 1/2 * sum over spread bars c of P_c * N_c / (P * N)
//
// with P_c, N_c the bar's positives and negatives and P, N the totals. The bound is reached when
// every spread bar's positives all score above (or all below) its negatives. Zero when no bar
// is spread: the histogram is then exact. Nil where ROCAUC is nil.
func ROCAUCErrorBound(h []ScoreCount) *float64 {
	return sortedBars(h).rocAUCErrorBound()
}

func (s sorted) rocAUCErrorBound() *float64 {
	if !s.ok || s.pos == 0 || s.neg == 0 {
		return nil
	}
	var pairs float64
	for _, b := range s.bars {
		if b.Spread {
			pairs += float64(b.Positives) * float64(b.Negatives)
		}
	}
	return num(pairs / (2 * float64(s.pos) * float64(s.neg)))
}

// AveragePrecisionErrorBound bounds |AveragePrecision(h) - the exact rows' average precision|
// for a histogram whose Spread bars hide the order of their rows.
//
// Average precision is (1/P) times the sum over positive rows of the precision at the row's
// score taken as threshold (tied rows all get the precision at the end of their tie). Rows
// above a bar are the same on the histogram and on the exact rows, so each bar's share of the
// sum depends only on A and B, the positives and negatives above it, and on how its own p
// positives and m negatives are ordered. On the histogram, all tied:
//
//	S_grid = p * g,  g = (A + p) / (A + p + B + m)
//
// On the exact rows, the i-th positive of the bar (from the top) has a >= i positives and b <= m
// negatives of the bar at or above it, and its precision (A + a) / (A + a + B + b) grows with a
// and falls with b, so
//
//	S_min = sum_{i=1..p} (A + i) / (A + i + B + m) <= S_exact <= p * (A + p) / (A + p + B) = S_max
//
// the lower end reached when all negatives score above positives of distinct scores, the upper
// when all positives tie above all negatives. The bars' orders are independent, so
//
//	|AP_grid - AP_exact| <= max( sum_c (S_max,c - S_grid,c), sum_c (S_grid,c - S_min,c) ) / P
//
// over the spread bars c: the largest move up and the largest move down of the sum, each
// reached by some arrangement of the rows within their cells (up to a bar that must hold two
// distinct scores and has one class only). Unlike ROC AUC, a bar of positives only counts: ties
// among positives change their precision. S_min is summed term by term up to p = 4096 and
// replaced above that by its integral lower bound p - K ln((A + p + K) / (A + K)), K = B + m,
// which only widens the bound. Zero when no bar is spread. Nil where AveragePrecision is nil.
func AveragePrecisionErrorBound(h []ScoreCount) *float64 {
	return sortedBars(h).averagePrecisionErrorBound()
}

func (s sorted) averagePrecisionErrorBound() *float64 {
	if !s.ok || s.pos == 0 {
		return nil
	}
	var up, down, above, aboveNeg float64
	for _, b := range s.bars {
		p, m := float64(b.Positives), float64(b.Negatives)
		if b.Spread && b.Positives > 0 {
			g := (above + p) / (above + p + aboveNeg + m)
			up += p * ((above+p)/(above+p+aboveNeg) - g)
			down += p*g - leastPrecisionSum(above, aboveNeg+m, b.Positives, s.weighted)
		}
		above += p
		aboveNeg += m
	}
	return num(math.Max(math.Max(up, down), 0) / float64(s.pos))
}

// GridRanking is ROC AUC and average precision of one (grid) histogram with their error bounds;
// nil where undefined.
type GridRanking struct {
	ROCAUC, ROCAUCErrorBound, AveragePrecision, AveragePrecisionErrorBound *float64
}

// RankGrid computes the GridRanking of a histogram from one sorted copy of it (the functions
// above each sort their own).
func RankGrid(h []ScoreCount) GridRanking {
	return sortedBars(h).rank()
}

// RankGridWeighted is RankGrid for a histogram of sample weights: a cell's positives are a
// weight, not rows, so average precision's bound takes the least precision sum's integral,
// below the sum for any weights of the rows.
func RankGridWeighted(h []ScoreCount) GridRanking {
	s := sortedBars(h)
	s.weighted = true
	return s.rank()
}

func (s sorted) rank() GridRanking {
	return GridRanking{
		ROCAUC: s.rocAUC(), ROCAUCErrorBound: s.rocAUCErrorBound(),
		AveragePrecision: s.averagePrecision(), AveragePrecisionErrorBound: s.averagePrecisionErrorBound(),
	}
}

// leastPrecisionSum is sum_{i=1..p} (a + i) / (a + i + k), exactly for p up to 4096 rows and as
// the integral of x / (x + k) from a to a + p above that (a lower bound: the terms increase).
// Weighted positives (p a weight, not rows) take the integral always: it is below the sum for
// any weights of the rows, each row's term taken at its cumulative weight (a right Riemann sum).
func leastPrecisionSum(a, k, p float64, weighted bool) float64 {
	if k == 0 {
		return p
	}
	if weighted || p > 4096 {
		return p - k*math.Log1p(p/(a+k))
	}
	var s float64
	for i := 1.0; i <= p; i++ {
		x := a + float64(i)
		s += x / (x + k)
	}
	return s
}
