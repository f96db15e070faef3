package store

import (
	"context"
	"time"
)

// The feature rollup keeps one feature's rows of one hour and version (a series) value by
// value when it has at most FeatureRollupValues distinct non-null values, or at most
// FeatureRollupCap that are at most 1/FeatureRollupShrink of its rows with a value. Otherwise a
// number series is kept per cell of a fixed logarithmic grid (FeatureCellAlpha), with each
// cell's rows, least and greatest value, sum and sum of squared deviations, under the same
// conditions on its cells (cap and shrink); a series kept neither way (a continuous number at
// a few hundred rows an hour, text with hardly repeating values) is marked capped, and the
// feature's queries over a range holding that hour read raw rows, which are then no more
// than the rollup would be.
const (
	FeatureRollupCap    = 4096
	FeatureRollupValues = 256
	FeatureRollupShrink = 2
)

// FeatureCellAlpha is the relative half-width of the feature rollup's cells: a non-zero finite
// value x is in the cell of its sign and key ceil(ln|x| / ln gamma), gamma = (1+a)/(1-a), so a
// cell spans (gamma^(key-1), gamma^key] in magnitude, 0.4% of its values. Zero has its own cell
// (sign 0, key 0), an infinite value the key metrics.SketchInfinity, NaN sign 2 and key 0.
const FeatureCellAlpha = 0.002

// FeatureRollupStore is implemented by stores whose rollups also keep every feature's rows per
// hour, model, version and value (nulls counted as one value), from which quality and drift
// follow exactly as from the raw rows, or per cell (FeatureCell) for a number feature with more
// values than FeatureRollupCap in an hour.
type FeatureRollupStore interface {
	RollupStore
	// RollupFeatures reports whether the feature rollup is usable: the rollups are (Rollups)
	// and were built with it; reason says why not (rollups built before it existed).
	RollupFeatures(ctx context.Context) (usable bool, reason string, err error)
	// RollupFeatureValues returns the rows per bucket, version, feature and value of the
	// features named in columns (Feature indexes columns) over the request's whole hours, per
	// cell (merged over the hours) where some hour of the feature was rolled up per cell. A
	// feature capped in a few hours (at most FeatureGapCap, rollups without segments) has rows
	// for the others, and its capped hours are listed in gaps: only raw rows count those. A
	// feature the rollup cannot answer otherwise (capped in more hours, or not rolled up when an
	// hour was built) is listed in raw by index and has no rows.
	RollupFeatureValues(ctx context.Context, req RollupRequest, columns []string) (rows []FeatureValueCount, raw []int, gaps []FeatureGap, err error)
}

// FeatureGapCap is the most capped hours (over the versions) in a request's range for which a
// feature still answers from the feature rollup, its capped hours read from raw rows: a hour
// kept neither by value nor per cell (a continuous score in a quiet hour or a traffic drop) no
// longer sends the whole range to the rows. Above it the feature reads the rows.
const FeatureGapCap = 48

// FeatureGap is an hour of one feature and version that the feature rollup kept no values for
// (capped): Hour is its start, UTC.
type FeatureGap struct {
	Feature int
	Version string
	Hour    time.Time
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
	// Cell, when set, says that the rows are those of one cell of a number feature rolled up
	// per cell (Number is then unset): their least and greatest value, sum and sum of squared
	// deviations from their mean.
	Cell *FeatureCell
}

// FeatureCell is one cell of the feature rollup's logarithmic grid (FeatureCellAlpha) over a
// bucket: Sign and Key name it; Min, Max, Sum and M2 (the sum of squared deviations from the
// cell's mean) are its values' statistics.
type FeatureCell struct {
	Sign, Key         int
	Min, Max, Sum, M2 float64
}

// FeatureSummaryStore is implemented by stores that also merge the feature rollup's values into
// per-bucket statistics themselves, so that a quality query over many hours and values moves
// O(buckets x versions x features) rows, not one per value.
type FeatureSummaryStore interface {
	FeatureRollupStore
	// RollupFeatureSummaries returns one FeatureSummary per bucket, version and feature of
	// columns (Feature indexes columns) over the request's whole hours, read from the feature
	// rollup in one statement. raw and gaps are RollupFeatureValues': a feature in raw has no
	// summaries, a feature's gaps are not in its summaries.
	RollupFeatureSummaries(ctx context.Context, req RollupRequest, columns []FeatureSummaryColumn) (rows []FeatureSummary, raw []int, gaps []FeatureGap, err error)
}

// FeatureSummaryColumn is a feature column to summarise, with the ranges whose outside rows to
// count (a number's, Outside[i] = {lo, hi}) and the category lists whose other values to count
// (a text's).
type FeatureSummaryColumn struct {
	Name    string
	Outside [][2]float64
	NotIn   [][]string
}

// FeatureSummary is one feature's rows over one bucket and version, as the feature rollup gives
// them: Rows with or without a value, Values with one; for numbers the sum of the values, M2
// (the sum of their squared deviations from their mean: the cells' own and Chan's term for each
// cell's and value's mean), their least and greatest (nil without values; NaN above every
// number, as the store orders it), and per FeatureSummaryColumn.Outside range the rows outside
// it, with Straddles set where a cell holds values on both sides of an end (only the raw rows
// can count those); for texts, per NotIn list the rows with another value.
type FeatureSummary struct {
	Feature   int
	Bucket    time.Time
	Version   string
	Rows      int64
	Values    int64
	Sum, M2   float64
	Min, Max  *float64
	Outside   []int64
	Straddles []bool
	NotIn     []int64
}
