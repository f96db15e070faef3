package store

import (
	"fmt"
	"time"
)

// ScoreRequest asks for a histogram of scores on a fixed grid, split by the ground truth: per
// cell of Cells equal cells over [0, 1] (cell i holds i/Cells <= score < (i+1)/Cells, the last
// cell also 1; scores below 0 count in the first cell and above 1 or NaN in the last), the rows
// with the positive class as actual label and with another, and the least and greatest score
// in the cell. Rows without a score or without ground truth are left out. At most Cells rows
// per bucket, version and group, whatever the row count.
type ScoreRequest struct {
	Scope
	Bucket        time.Duration
	PositiveClass string
	Cells         int
	// Split says what divides a cell's rows into Positives and Negatives: the ground truth
	// (SplitActual, the default, as above) or the prediction (SplitPredicted).
	Split ScoreSplit
	// Threshold, with SplitPredicted, predicts the positive class where the score (clamped to
	// [0, 1]) is at least Threshold; nil reads predicted_label.
	Threshold *float64
	// Sums asks for each side's sum of scores, each score clamped to [0, 1] as for its cell
	// (ScoreCountRow.SumPositives and SumNegatives).
	Sums bool
	// ScoreColumn is the column whose values are counted: empty for score, or a class's own
	// probability column (ClassScoreColumn) for multiclass ranking metrics.
	ScoreColumn string
	// ByActual, with SplitActual, hands one row per cell and actual class instead of splitting
	// by PositiveClass: ScoreCountRow.Actual names the class, Positives counts its rows and
	// Negatives is 0 (a multiclass model's one-vs-rest and one-vs-one histograms of one
	// column, from one scan). Not with Sums.
	ByActual bool
}

// ClassScorePrefix starts the name of a multiclass model's probability columns: the
// probability of class c is the column score_c (ClassScoreColumn).
const ClassScorePrefix = ColScore + "_"

// ClassScoreColumn names the probability column of a class: score_<class>. The class must
// make a valid column name (ValidIdentifier), or the model's scores cannot be read per class.
func ClassScoreColumn(class string) (string, error) {
	name := ClassScorePrefix + class
	if err := ValidIdentifier(name); err != nil {
		return "", fmt.Errorf("%w: class %q has no probability column: a multiclass model's probability of class c is the column %sc, "+
			"and %q is not a column name (letters, digits and underscores, at most 63 characters)", ErrSchema, class, ClassScorePrefix, name)
	}
	return name, nil
}

// ScoreSplit is what divides the rows of a score cell in two.
type ScoreSplit int

const (
	// SplitActual counts rows whose actual label is the positive class as Positives, rows with
	// another label as Negatives, and leaves out rows without ground truth.
	SplitActual ScoreSplit = iota
	// SplitPredicted counts rows predicted as the positive class as Positives and the others as
	// Negatives, with or without ground truth (what performance estimation reads before the
	// labels arrive), and leaves out rows without a prediction.
	SplitPredicted
)

// MaxScoreClasses bounds the classes whose probability columns a multiclass query reads: one
// scan per class for ROC AUC and average precision, and one-vs-one ranks a histogram per
// ordered pair of classes (K^2 of them).
const MaxScoreClasses = 100

// MaxScoreCells bounds ScoreRequest.Cells: the grid's rows per series.
const MaxScoreCells = 1 << 20

// ScoreCountRow is the number of positive and negative rows in one cell of the score grid, and
// the least and greatest raw (unclamped) score among them; with ScoreRequest.Sums, the sums of
// each side's clamped scores.
type ScoreCountRow struct {
	Bucket                     time.Time
	Version, Group             string
	Actual                     string // with ScoreRequest.ByActual
	Cell                       int
	Min, Max                   float64
	Positives, Negatives       int64
	SumPositives, SumNegatives float64
	// WeightPositives and WeightNegatives are each side's sum of sample weights when the scope
	// names a weight column.
	WeightPositives, WeightNegatives float64
}

// Sides are the row's positives and negatives as a histogram bar counts them: rows, or with
// sample weights their weights.
func (r ScoreCountRow) Sides(weighted bool) (positives, negatives float64) {
	if weighted {
		return r.WeightPositives, r.WeightNegatives
	}
	return float64(r.Positives), float64(r.Negatives)
}
