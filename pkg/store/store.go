package store

import (
	"context"
	"time"
)

// Store is a prediction store engine. Every method generates its SQL from typed arguments,
// validates identifiers against the discovered schema and binds every value.
type Store interface {
	// Schema discovers the prediction table's columns.
	Schema(ctx context.Context) (Schema, error)
	// Count returns the number of rows in the prediction table.
	Count(ctx context.Context) (int64, error)
	// Models lists the distinct model names.
	Models(ctx context.Context) ([]string, error)
	// Versions lists the versions of a model.
	Versions(ctx context.Context, model string) ([]string, error)
	// Classes lists the class labels a model predicted or was labelled with.
	Classes(ctx context.Context, model string) ([]string, error)
	// ConfusionCounts returns row counts per bucket x version x group x actual x predicted class.
	ConfusionCounts(ctx context.Context, req ConfusionRequest) ([]ConfusionCount, error)
	// Distinct lists up to limit distinct non-null values of a column over a scope, as text.
	Distinct(ctx context.Context, sc Scope, column string, limit int) ([]string, error)
	// GroupCount counts the distinct values of the scope's GroupBy column over its rows (rows
	// without a value count as one more), reading at most limit+1 of them: a count above limit
	// means "more than limit". It bounds a query's series before any statistics are read.
	GroupCount(ctx context.Context, sc Scope, limit int) (int64, error)
	// Distribution returns the distributions of several feature columns in one scan: counts
	// per distinct value, or per reference bin and grid cell above a feature's MaxValues.
	Distribution(ctx context.Context, req DistributionRequest) ([]DistributionCount, error)
	// ScoreCounts hands row the positives and negatives of each non-empty cell of a fixed score
	// grid, one cell at a time, ordered by bucket (in any order within a bucket): a grid returns
	// up to req.Cells rows per series and bucket, which the caller folds bucket by bucket
	// instead of holding them all.
	ScoreCounts(ctx context.Context, req ScoreRequest, row func(ScoreCountRow)) error
	// Moments returns the row count, sums and pairwise product sums of encoded feature columns
	// over a scope, pooled over its versions and groups, in one scan.
	Moments(ctx context.Context, req MomentsRequest) (Moments, error)
	// Residuals returns, per bucket x version x group, the count, sum and sum of squares of
	// each row's distance from its projection on a basis of its encoded feature columns.
	Residuals(ctx context.Context, req ResidualRequest) ([]ResidualRow, error)
	// Aggregates returns measures per bucket x version x group.
	Aggregates(ctx context.Context, req AggregateRequest) ([]AggregateRow, error)
	// Close releases the store's connections.
	Close() error
}

// ConfusionRequest asks for confusion counts over a scope.
type ConfusionRequest struct {
	Scope
	// Bucket is the bucket width; zero counts the whole range as one bucket.
	Bucket time.Duration
	// Threshold, when set, derives the predicted class from score: PositiveClass when
	// score >= Threshold, else NegativeClass. When nil, predicted_label is used.
	Threshold     *float64
	PositiveClass string
	NegativeClass string
}

// ConfusionCount is the number of rows of one version in one bucket with one actual and one
// predicted class. Actual or Predicted is nil where the row has none (no ground truth yet, or
// no prediction); those rows are counted so that their share can be reported.
type ConfusionCount struct {
	Bucket    time.Time
	Version   string
	Group     string
	Actual    *string
	Predicted *string
	Count     int64
	// Weight is the rows' sum of sample weights when the scope names a weight column.
	Weight float64
}

// Generational is implemented by stores that can say cheaply whether their data changed: a
// token that stays the same while the rows (and rollups) stay the same, and changes when
// predictions or labels are loaded or rollups rebuilt. The engine keeps what it discovers
// (versions, classes, the rollups' state) per generation instead of scanning per query.
type Generational interface {
	// Generation returns the store's current data generation; reading it must cost far less
	// than a scan of the prediction table.
	Generation(ctx context.Context) (string, error)
}

// Written is what one write changed: a model and the time range its added or newly labelled
// predictions were served in (From <= ts <= To). Caches of statistics over windows that
// overlap it are no longer true.
type Written struct {
	Model    string
	From, To time.Time
}
