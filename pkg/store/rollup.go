package store

import (
	"context"
	"time"

	"github.com/mlops/modelwatch/pkg/query"
)

// RollupGrain is the width of one rollup row: statistics are kept per hour, model and version.
const RollupGrain = time.Hour

// RollupStore is implemented by stores that can keep hourly rollups of sufficient statistics
// beside the prediction table. Rollups are derived data: a store without them answers
// everything from raw rows, and a planner uses them only when Rollups says they are usable.
type RollupStore interface {
	// Rollups reports whether rollups exist and account for every row of the prediction table
	// (and labels table) as this store is configured; reason says why not.
	Rollups(ctx context.Context) (usable bool, reason string, err error)
	// RollupOperations returns request, error and latency statistics per bucket and version.
	RollupOperations(ctx context.Context, req RollupRequest) ([]OperationsRollup, error)
	// RollupConfusion returns counts per bucket, version, actual and predicted_label, as
	// ConfusionCounts does without a threshold.
	RollupConfusion(ctx context.Context, req RollupRequest) ([]ConfusionCount, error)
	// RollupVersions and RollupClasses answer Versions and Classes from the rollups (the same
	// lists, read from hours x versions rows instead of every prediction).
	RollupVersions(ctx context.Context, model string) ([]string, error)
	RollupClasses(ctx context.Context, model string) ([]string, error)
	// RawOperations computes the same statistics as RollupOperations from raw rows over a
	// scope (with its filters and groupBy): the partial hours at a range's ends.
	RawOperations(ctx context.Context, sc Scope, bucket time.Duration) ([]OperationsRollup, error)
}

// RollupRequest selects rollup rows: one model, some versions (empty: all), a range whose ends
// are whole hours, and a bucket width that is a multiple of an hour (zero: the whole range).
// Filters ("=" or "in" on segment columns) keep the rows of some segment values, and GroupBy
// (a segment column, or empty) makes that column's value the rows' Group; without them the
// readers sum over every segment value.
type RollupRequest struct {
	Model    string
	Versions []string
	From, To time.Time
	Bucket   time.Duration
	Filters  []query.Filter
	GroupBy  string
}

// OperationsRollup is the merged operations statistics of one bucket, version and group. Latency
// figures cover the rows with a latency; LatencyMin and LatencyMax are nil without any.
type OperationsRollup struct {
	Bucket         time.Time
	Version        string
	Group          string
	Rows, Errors   int64
	LatencyCount   int64
	LatencySum     float64
	LatencySumSq   float64
	LatencyMin     *float64
	LatencyMax     *float64
	LatencyBuckets []LatencyBucket
}

// LatencyBucket is one bucket of the mergeable latency sketch (see metrics.SketchBucket).
type LatencyBucket struct {
	Sign, Key int
	Count     int64
}

// MaxRollupSegments is how many segment columns the rollups may keep: each one multiplies the
// rollup rows by its number of values.
const MaxRollupSegments = 3

// RollupSegmentCap is the most distinct values a segment column may hold when the rollups are
// configured, so that the rollup rows stay at hours x versions x at most RollupSegmentCap^k
// segment values (k segments) x cells.
const RollupSegmentCap = 100

// RollupSegmentStore is implemented by rollups that can be kept per segment: a configured list
// of low-cardinality columns whose values every rollup row also holds.
type RollupSegmentStore interface {
	// RollupSegments lists the segment columns the usable rollups were built with (none: nil).
	RollupSegments(ctx context.Context) ([]string, error)
}
