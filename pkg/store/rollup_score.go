package store

import "context"

// ScoreRollupStore is implemented by stores whose rollups also keep the score grid per hour,
// model, version and actual label (each cell's row count and least and greatest score), from
// which a decision threshold's confusion counts follow exactly when no cell straddles it.
type ScoreRollupStore interface {
	RollupStore
	// RollupScores reports whether the score rollup is usable: the rollups are (Rollups) and
	// were built with it; reason says why not (rollups built before it existed).
	RollupScores(ctx context.Context) (usable bool, reason string, err error)
	// RollupScoreConfusion returns what ConfusionCounts returns with Threshold t: per bucket,
	// version and actual label, the rows predicted positive (score >= t), negative (score < t)
	// and without a score (predicted nil). exact is false, and the counts nil, when a cell of
	// some hour holds scores on both sides of t: only raw rows can then split it.
	RollupScoreConfusion(ctx context.Context, req RollupRequest, t float64, positive, negative string) (counts []ConfusionCount, exact bool, err error)
}
