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
}

// MaxScoreCells bounds ScoreRequest.Cells: the grid's rows per series.
const MaxScoreCells = 1 << 20

// ScoreCountRow is the number of positive and negative rows in one cell of the score grid, and
// the least and greatest raw (unclamped) score among them.
type ScoreCountRow struct {
	Bucket               time.Time
	Version, Group       string
	Cell                 int
	Min, Max             float64
	Positives, Negatives int64
}
