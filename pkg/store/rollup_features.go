package store

import (
	"context"
	"time"
)

// FeatureRollupCap is the most distinct non-null values one feature may have in one hour and
// version to be rolled up value by value; an hour above it is marked capped, and the feature's
// queries over a range holding that hour read raw rows.
const FeatureRollupCap = 4096

// FeatureRollupStore is implemented by stores whose rollups also keep every feature's rows per
// hour, model, version and value (nulls counted as one value), from which quality and drift
// follow exactly as from the raw rows.
type FeatureRollupStore interface {
	RollupStore
	// RollupFeatures reports whether the feature rollup is usable: the rollups are (Rollups)
	// and were built with it; reason says why not (rollups built before it existed).
	RollupFeatures(ctx context.Context) (usable bool, reason string, err error)
	// RollupFeatureValues returns the rows per bucket, version, feature and value of the
	// features named in columns (Feature indexes columns) over the request's whole hours. A
	// feature the rollup cannot answer for every hour of the range (capped in some hour, or
	// not rolled up when an hour was built) is listed in raw by index and has no rows: only
	// raw rows can count it.
	RollupFeatureValues(ctx context.Context, req RollupRequest, columns []string) (rows []FeatureValueCount, raw []int, err error)
}

// FeatureValueCount is the rows of one bucket, version and feature with one value: a number
// (a number column, as DOUBLE), a text (any other column, cast to text as Distribution casts
// it), or none (Null).
type FeatureValueCount struct {
	Feature int
	Bucket  time.Time
	Version string
	Null    bool
	Number  float64
	Text    string
	Count   int64
}
