package store

import "time"

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

// MaxScoreCells bounds ScoreRequest.Cells: the grid's rows per series.
const MaxScoreCells = 1 << 20

// ScoreCountRow is the number of positive and negative rows in one cell of the score grid, and
// the least and greatest raw (unclamped) score among them; with ScoreRequest.Sums, the sums of
// each side's clamped scores.
type ScoreCountRow struct {
	Bucket                     time.Time
	Version, Group             string
	Cell                       int
	Min, Max                   float64
	Positives, Negatives       int64
	SumPositives, SumNegatives float64
}
