package store

import "time"

// DistributionRequest asks for the distributions of several feature columns over a scope, per
// bucket, version and group, read in one scan. A series (feature x bucket x version x group)
// with at most its feature's MaxValues distinct non-null values is counted per value (numbers
// as numbers, anything else as text); one with more is counted per bin of the feature's Edges
// and per cell of its Grid, computed in SQL, so that a continuous feature returns O(bins) rows
// whatever its number of distinct values. A feature marked Binned is never counted per value:
// its rows are counted per bin and grid cell as they are read, so that the statement does not
// group a continuous column by value only to find it has too many.
type DistributionRequest struct {
	Scope
	Bucket   time.Duration
	Features []DistributionFeature
	// Ranges also returns each row's least and greatest value (numbers), e.g. a Binned feature
	// without edges: one row per series with its count, sum and range.
	Ranges bool
}

// DistributionFeature is one feature column of a DistributionRequest and how to count it above
// MaxValues distinct values.
type DistributionFeature struct {
	Column string
	// Binned counts every series of this (number) feature per bin and grid cell, whatever its
	// number of distinct values, which the store then does not count (Distinct is 0). The
	// caller sets it when the reference window already has more distinct values than
	// MaxValues.
	Binned bool
	// MaxValues is the most distinct values a series is counted by value; above it a numeric
	// series is counted per bin and grid cell, a text one by a single row saying how many
	// values it has (the caller refuses it).
	MaxValues int
	// Edges are the k+1 ascending bin edges fixed on the reference window; a value's bin is
	// 0 below Edges[0], k+1 above Edges[k], i for [Edges[i-1], Edges[i]) with the last bin
	// closed (metrics.BinIndex). Nil counts no bins.
	Edges []float64
	// Grid, when set, also counts the values per cell of a fine equal-width grid (see
	// DistributionGrid).
	Grid *DistributionGrid
}

// DistributionGrid is a fine grid of Cells equal cells over [Lo, Hi]: a value's cell is 0
// below Lo, Cells+1 above Hi, else 1 + min(floor((v-Lo)/Width), Cells-1) with Width =
// (Hi-Lo)/Cells (1 when Width is 0) (metrics.Grid.Cell).
type DistributionGrid struct {
	Lo, Hi float64
	Cells  int
}

// DistributionCount is one row of a distribution: the rows of one series with one value
// (Exact), with nulls (Null), or in one bin and grid cell (neither).
type DistributionCount struct {
	// Feature indexes the request's Features.
	Feature int
	Bucket  time.Time
	Version string
	Group   string
	// Exact marks a series counted by value; Distinct is its number of distinct non-null
	// values (above the feature's MaxValues when not Exact; 0 for a Binned feature).
	Exact    bool
	Distinct int64
	Null     bool
	Number   float64
	Text     string
	// Bin and Cell are the value's bin and grid cell when not Exact; -1 without edges or grid.
	Bin, Cell int
	Count     int64
	// Sum is the sum of the row's values (numbers).
	Sum float64
	// Min and Max are the least and greatest of the row's values (numbers, non-null rows),
	// when the request asked for Ranges.
	Min, Max float64
	// RollupCell, set only on the engine's counts from the feature rollup (never by a store's
	// Distribution), says that the row is one cell of the rollup's logarithmic grid: Count
	// rows whose least and greatest value and sum it holds.
	RollupCell *FeatureCell
}
