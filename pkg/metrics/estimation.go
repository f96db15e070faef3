package metrics

import (
	"math"
	"slices"
)

// Performance estimation before the labels arrive: confidence-based performance estimation
// (NannyML's CBPE). A labelled reference window calibrates the scores (isotonic regression of
// the actual label on the score); the calibrated score of an unlabelled row is the probability
// that its actual label is the positive class, so a window's expected confusion matrix is the sum
// of those probabilities over the rows predicted positive and negative, and every metric of the
// matrix follows. The sufficient statistic is a score histogram on the fixed grid of
// ScoreGridCells cells: per cell, the rows predicted positive and negative with the sums of
// their scores (current window) and the labelled rows with their positives (reference window).

// EstimateCell is one cell of a window's score grid split by the prediction: the rows predicted
// as the positive class and as another, with the sums of their scores (clamped to [0, 1]).
type EstimateCell struct {
	Cell                                 int
	Spread                               bool // the cell held more than one distinct score
	PredictedPositive, PredictedNegative int64
	SumPositive, SumNegative             float64
}

// CalibrationCell is one cell of the reference window's score grid: labelled rows, how many of
// them were of the positive class, and the sum of their scores.
type CalibrationCell struct {
	Rows, Positives int64
	SumScores       float64
}

// Calibration maps a score to the probability of the positive class. The zero value is the
// identity (the scores are taken as calibrated).
type Calibration struct {
	x, y []float64
}

// FitIsotonic fits scikit-learn's IsotonicRegression(increasing=True, out_of_bounds="clip") of
// the actual label on the score, one point per cell at the cell's mean score with the cell's
// positive share, weighted by its rows (scikit-learn merges tied scores the same way, so on
// cells of one distinct score the fit is scikit-learn's on the rows). ok is false without a
// labelled row.
func FitIsotonic(cells []CalibrationCell) (c Calibration, ok bool) {
	type point struct{ x, y, w float64 }
	points := make([]point, 0, len(cells))
	for _, cell := range cells {
		if cell.Rows <= 0 || cell.Positives < 0 || cell.Positives > cell.Rows {
			continue
		}
		n := float64(cell.Rows)
		points = append(points, point{cell.SumScores / n, float64(cell.Positives) / n, n})
	}
	if len(points) == 0 {
		return Calibration{}, false
	}
	slices.SortFunc(points, func(a, b point) int { return cmpFloat(a.x, b.x) })
	// Pool adjacent violators over blocks of points: a block's value is its weighted mean.
	type block struct {
		sum, w float64
		first  int // index of the block's first point
	}
	blocks := make([]block, 0, len(points))
	for i, p := range points {
		blocks = append(blocks, block{p.y * p.w, p.w, i})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/a.w <= b.sum/b.w {
				break
			}
			blocks = blocks[:len(blocks)-1]
			blocks[len(blocks)-1] = block{a.sum + b.sum, a.w + b.w, a.first}
		}
	}
	c.x, c.y = make([]float64, len(points)), make([]float64, len(points))
	for i, b := range blocks {
		end := len(points)
		if i+1 < len(blocks) {
			end = blocks[i+1].first
		}
		for j := b.first; j < end; j++ {
			c.x[j], c.y[j] = points[j].x, b.sum/b.w
		}
	}
	return c, true
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Points is the number of fitted points (0 for the identity).
func (c Calibration) Points() int { return len(c.x) }

// Apply is the calibrated probability of a score: numpy's interp between the fitted points,
// clipped to the first and last (scikit-learn's predict with out_of_bounds="clip").
func (c Calibration) Apply(score float64) float64 {
	if len(c.x) == 0 {
		return score
	}
	if score <= c.x[0] {
		return c.y[0]
	}
	if score >= c.x[len(c.x)-1] {
		return c.y[len(c.y)-1]
	}
	i, _ := slices.BinarySearch(c.x, score) // c.x[i-1] < score <= c.x[i]
	if c.x[i] == score {
		return c.y[i]
	}
	x0, x1, y0, y1 := c.x[i-1], c.x[i], c.y[i-1], c.y[i]
	return y0 + (score-x0)*(y1-y0)/(x1-x0)
}

// Expected is a window's expected confusion matrix and ROC AUC under a calibration.
type Expected struct {
	Rows           int64
	TP, FP, FN, TN float64
	// rocAUC and its grid bound; nil without both classes.
	rocAUC, aucBound *float64
}

// Expect computes a window's expected confusion from its cells: a row predicted positive is a
// true positive with its calibrated probability and a false positive otherwise; a row predicted
// negative is a false negative with its probability. Each cell's rows take the calibration of
// the cell's mean score (exact for a cell of one distinct score, and for every cell under the
// identity calibration, which sums the scores themselves).
//
// The expected ROC AUC (NannyML's estimate_roc_auc) ranks the rows by score and counts each
// row as calibrated-probability positive and the rest negative: the share of (positive, negative)
// pairs ranked correctly, pairs within a cell counting one half. Rows sharing one score share
// one probability, so this equals the trapezoid over the rows; a spread cell's pairs may differ
// from their exact order by up to one half each, which ROCAUCErrorBound reports.
func Expect(cells []EstimateCell, c Calibration) Expected {
	sorted := slices.Clone(cells)
	slices.SortFunc(sorted, func(a, b EstimateCell) int { return a.Cell - b.Cell })
	var e Expected
	type side struct{ positives, rows float64 }
	sides := make([]side, 0, len(sorted))
	for _, cell := range sorted {
		tp := expectedPositives(cell.PredictedPositive, cell.SumPositive, c)
		fn := expectedPositives(cell.PredictedNegative, cell.SumNegative, c)
		e.TP += tp
		e.FP += float64(cell.PredictedPositive) - tp
		e.FN += fn
		e.TN += float64(cell.PredictedNegative) - fn
		rows := cell.PredictedPositive + cell.PredictedNegative
		e.Rows += rows
		sides = append(sides, side{tp + fn, float64(rows)})
	}
	p := e.TP + e.FN
	n := float64(e.Rows) - p
	if !(p > 0 && n > 0) { // also NaN
		return e
	}
	// Pairs ranked correctly: a positive above every negative of the lower cells.
	var correct, spread, negativesBelow float64
	for i, s := range sides {
		negatives := s.rows - s.positives
		correct += s.positives*negativesBelow + s.positives*negatives/2
		if sorted[i].Spread {
			spread += s.positives * negatives / 2
		}
		negativesBelow += negatives
	}
	e.rocAUC, e.aucBound = num(correct/(p*n)), num(spread/(p*n))
	return e
}

func expectedPositives(rows int64, sum float64, c Calibration) float64 {
	if rows <= 0 {
		return 0
	}
	if len(c.x) == 0 {
		return sum
	}
	return float64(rows) * c.Apply(sum/float64(rows))
}

// EstimatedMetric computes one estimated metric from the expected confusion: accuracy,
// precision, recall, f1, specificity or roc_auc. Nil where the metric is undefined (no row, or
// a zero denominator).
func (e Expected) EstimatedMetric(name string) *float64 {
	ratio := func(num, den float64) *float64 {
		if den <= 0 || math.IsNaN(num) || math.IsNaN(den) {
			return nil
		}
		v := num / den
		return &v
	}
	switch name {
	case "accuracy":
		return ratio(e.TP+e.TN, float64(e.Rows))
	case "precision":
		return ratio(e.TP, e.TP+e.FP)
	case "recall":
		return ratio(e.TP, e.TP+e.FN)
	case "specificity":
		return ratio(e.TN, e.TN+e.FP)
	case "f1":
		return ratio(e.TP, e.TP+(e.FP+e.FN)/2)
	case "roc_auc":
		return e.rocAUC
	}
	return nil
}

// ROCAUCErrorBound bounds the estimated ROC AUC's difference from the same estimate on the rows:
// the pairs within spread cells, at one half each. Nil when the estimate is undefined.
func (e Expected) ROCAUCErrorBound() *float64 {
	return e.aucBound
}

// EstimableMetrics are the metrics Expected estimates, in their documented order.
var EstimableMetrics = []string{"roc_auc", "f1", "precision", "recall", "specificity", "accuracy"}
