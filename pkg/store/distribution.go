package store

import "time"

// DistributionRequest asks for the distribution of one feature column over a scope: counts per
// distinct value (numbers as numbers, anything else as text) and of nulls, per bucket, version
// and group. Binning and every drift statistic are computed from these counts, so one scan per
// window serves every method and any number of bins.
type DistributionRequest struct {
	Scope
	Bucket time.Duration
	Column string
	// MaxValues bounds the distinct values returned per series; a column with more is refused
	// with advice (filter it, or drift it as a category after rounding upstream).
	MaxValues int
}

// DistributionCount is the number of rows with one value of the column. Null rows have Null
// set; numeric columns fill Number, others Text.
type DistributionCount struct {
	Bucket  time.Time
	Version string
	Group   string
	Null    bool
	Number  float64
	Text    string
	Count   int64
}
