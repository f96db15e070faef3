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
	// RollupOperations returns request, error and latency statistics per bucket and version;
	// OperationsRollup.LatencyBuckets only when req.LatencySketch is set.
	RollupOperations(ctx context.Context, req RollupRequest) ([]OperationsRollup, error)
	// RollupConfusion returns counts per bucket, version, actual and predicted_label, as
	// ConfusionCounts does without a threshold.
	RollupConfusion(ctx context.Context, req RollupRequest) ([]ConfusionCount, error)
	// RollupVersions and RollupClasses answer Versions and Classes from the rollups (the same
	// lists, read from hours x versions rows instead of every prediction).
	RollupVersions(ctx context.Context, model string) ([]string, error)
	RollupClasses(ctx context.Context, model string) ([]string, error)
	// RawOperations computes the same statistics as RollupOperations from raw rows over a
	// scope (with its filters and groupBy): the partial hours at a range's ends; the latency
	// sketch's buckets only when latencySketch is set.
	RawOperations(ctx context.Context, sc Scope, bucket time.Duration, latencySketch bool) ([]OperationsRollup, error)
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
	// LatencySketch asks RollupOperations for the latency sketch's buckets too (what latency
	// quantiles need; their reading costs more than every other operations statistic).
	LatencySketch bool
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
	// LastTS is the latest ts of the rows in seconds since the epoch (as MeasureLastTS); nil
	// without rows, or from rollups built before they kept it (format 4 or older).
	LastTS *float64
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

// SketchedValue names a per-row value whose distribution the rollups keep as a mergeable
// sketch, for the quantiles that cannot be summed.
type SketchedValue string

const (
	// SketchedError is the signed error predicted_value − actual_value over the paired rows
	// (MeasureErrorQuantile's values).
	SketchedError SketchedValue = "error"
	// SketchedLabelDelay is labeled_at − ts in seconds over the rows whose label arrived
	// (MeasureLabelDelayMean's and MeasureLabelDelayQuantile's values).
	SketchedLabelDelay SketchedValue = "label_delay"
)

// SketchRollupStore is implemented by stores whose rollups also keep, per hour, model and
// version, a DDSketch of the signed error and of the label delay (the latency sketch's buckets
// and accuracy), with each value's count, sum, least and greatest: the error and label delay
// quantiles follow within the sketch's relative bound, the mean label delay exactly (up to
// floating-point summation order).
type SketchRollupStore interface {
	RollupStore
	// RollupSketchesUsable reports whether the sketch rollups can answer: the rollups are
	// usable (Rollups) and were built with them; reason says why not.
	RollupSketchesUsable(ctx context.Context) (usable bool, reason string, err error)
	// RollupSketches merges the sketch of one value over the rolled-up hours of the request per
	// bucket, version and group. A store whose raw rows cannot give the value (no labels table
	// with labeled_at, no predicted_value) refuses it with the raw Aggregates' error.
	RollupSketches(ctx context.Context, req RollupRequest, of SketchedValue) ([]ValueSketch, error)
	// RawSketches computes the same sketches from raw rows over a scope, per bucket, version
	// and group: the partial hours at a range's ends.
	RawSketches(ctx context.Context, sc Scope, bucket time.Duration, of SketchedValue) ([]ValueSketch, error)
}

// ValueSketch is the merged sketch of one value over some rows of a bucket, version and group:
// Buckets are the latency sketch's (see metrics.SketchBucket), Count, Sum, Min and Max cover
// the values they hold (Min and Max nil without any), and NaN counts the values without a
// bucket (an infinite prediction minus the same infinite actual), which order above +Inf as
// the engine's quantile orders them.
type ValueSketch struct {
	Bucket   time.Time
	Version  string
	Group    string
	Count    int64
	NaN      int64
	Sum      float64
	Min, Max *float64
	Buckets  []LatencyBucket
}
