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

// ScoreRequest asks for a histogram of scores split by the ground truth: rows per distinct
// score value with the positive class as actual label and with another. Rows without a score
// or without ground truth are left out.
type ScoreRequest struct {
	Scope
	Bucket        time.Duration
	PositiveClass string
	MaxValues     int
	// Decimals, when positive, rounds scores to that many decimals before counting, which
	// bounds the histogram at 10^Decimals+1 values per series (ROC AUC then stays within about
	// 10^-Decimals of the exact value).
	Decimals int
}

// ScoreCountRow is the number of positive and negative rows with one score.
type ScoreCountRow struct {
	Bucket               time.Time
	Version, Group       string
	Score                float64
	Positives, Negatives int64
}
