package store

import (
	"context"
	"time"
)

// ScoreRollupStore is implemented by stores whose rollups also keep, per hour, model, version
// and actual label: a coarse score grid (each cell's row count and least and greatest score),
// from which a decision threshold's confusion counts follow exactly when no cell straddles it;
// a finer grid of the labelled scores for ROC AUC and average precision; and the sums log loss
// and Brier read.
type ScoreRollupStore interface {
	RollupStore
	// RollupScores reports whether the threshold grid is usable: the rollups are (Rollups) and
	// were built with it; reason says why not (rollups built before it existed).
	RollupScores(ctx context.Context) (usable bool, reason string, err error)
	// RollupScoreConfusion returns what ConfusionCounts returns with Threshold t: per bucket,
	// version and actual label, the rows predicted positive (score >= t), negative (score < t)
	// and without a score (predicted nil). exact is false, and the counts nil, when a cell of
	// some hour holds scores on both sides of t: only raw rows can then split it.
	RollupScoreConfusion(ctx context.Context, req RollupRequest, t float64, positive, negative string) (counts []ConfusionCount, exact bool, err error)
	// RollupRanking reports whether the ranking grid and the probability sums are usable: the
	// rollups are and were built with them; reason says why not.
	RollupRanking(ctx context.Context) (usable bool, reason string, err error)
	// RollupScoreCounts answers ScoreCounts with Cells = ScoreRollupCells from the ranking grid:
	// per bucket, version and cell, the positive and negative rows and the least and greatest
	// score, handed to row in bucket order.
	RollupScoreCounts(ctx context.Context, req RollupRequest, positive string, row func(ScoreCountRow)) error
	// RollupProbabilitySums returns the log-loss and Brier sums per bucket and version from the
	// rollups; ProbabilitySums computes the same from raw rows over a scope (without filters or
	// groupBy): the partial hours at a range's ends.
	RollupProbabilitySums(ctx context.Context, req RollupRequest, positive string) ([]ProbabilitySumsRow, error)
	ProbabilitySums(ctx context.Context, sc Scope, bucket time.Duration, positive string) ([]ProbabilitySumsRow, error)
}

// ScoreRollupCells is the resolution of the rollups' ranking grid (ScoreRequest.Cells): 1,024
// equal cells over [0, 1]. Coarser than the raw path's grid so that its rows stay a bounded
// number per hour and version, fine enough that ROC AUC's error bound on scores spread over
// [0, 1] stays near 1/(2 x 1024), under the 0.001 contract; the bound is computed and reported
// for every answer as on the raw path.
const ScoreRollupCells = 1 << 10

// ProbabilitySumsRow is, for one bucket and version, the rows with a score and ground truth
// and the sums of their log loss (-ln of the clipped probability given to the actual class)
// and squared error against the positive class (Brier).
type ProbabilitySumsRow struct {
	Bucket                      time.Time
	Version                     string
	N                           int64
	SumLogLoss, SumSquaredError float64
}
